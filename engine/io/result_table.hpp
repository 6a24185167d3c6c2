#pragma once
// A result table (ranked candidates, ranked outliers) written as CSV, VOTable and HDF5 twins
// that share their column names, so that a column found in one is found in the others.
// Columns carry UCDs and units, so VO tools (TOPCAT, stilts) know the id and the position.
#include "comm/comm.hpp"
#include "io/dataset_shard.hpp"
#include "io/h5_store.hpp"
#include "io/votable.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::io {

/// One column: a name, its VO description and its values (one vector is used, by type).
struct ResultColumn {
  enum class Type { Int64, Float32, Float64, Text };
  std::string name, ucd, unit, description;
  Type type = Type::Text;
  std::vector<std::int64_t> ints;
  std::vector<float> floats;
  std::vector<double> doubles;
  std::vector<std::string> texts;

  /// Number of values.
  std::size_t size() const;
  /// The value of `row` as text: shortest round-trip numbers, "NaN" for NaN, the string.
  std::string cell(std::size_t row) const;
};

ResultColumn intColumn(std::string name, std::vector<std::int64_t> values, std::string ucd,
                       std::string description);
ResultColumn floatColumn(std::string name, std::vector<float> values, std::string ucd,
                         std::string description);
ResultColumn doubleColumn(std::string name, std::vector<double> values, std::string ucd,
                          std::string unit, std::string description);
ResultColumn textColumn(std::string name, std::vector<std::string> values, std::string ucd,
                        std::string description);

/// Columns of equal length, a name and a description; PARAMs go into the VOTable only.
struct ResultTable {
  std::string name, description;
  std::vector<ResultColumn> columns;
  std::vector<VoParam> params;

  /// Number of rows; throws vocloud::Error naming the column when lengths differ.
  std::size_t rows() const;
};

/// The columns every row list of a data set shows about the spectrum of each row: id
/// (meta.id;meta.main), label, ra and dec (pos.eq.*;meta.main, deg) and the path of the file.
/// `meta` holds the rows' values (rank 0's, as readRowMeta gives them).
std::vector<ResultColumn> spectrumColumns(RowMeta const& meta);

/// Writes `table` as CSV (header of column names, RFC 4180 quoting) to `path`, atomically.
void writeResultCsv(std::string const& path, ResultTable const& table);

/// Writes `table` as a TABLEDATA VOTable (votlint-clean) to `path`.
void writeResultVoTable(std::string const& path, ResultTable const& table,
                        std::string const& resourceName);

/// Writes each column as the dataset `group`/<name> of `file` ("/": at the root), with its
/// unit and UCD as attributes. Collective in parallel files:
/// every rank passes a table of the same columns; rank 0's values are written.
void writeResultH5(H5File const& file, std::string const& group, ResultTable const& table,
                   comm::Comm const& comm);

}  // namespace vocloud::io
