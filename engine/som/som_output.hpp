#pragma once
// What the som stage writes: som.h5 (collective parallel HDF5), outliers.csv and somoclu's
// text files. The layout of som.h5 is described in docs/formats.md.
#include "comm/comm.hpp"
#include "io/dataset_shard.hpp"
#include "io/result_table.hpp"
#include "som/som_distributed.hpp"
#include "som/som_stage.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::som {

/// What the ranked outlier list shows beside each row: gathered from the ranks that own
/// the rows (bmu, sparse) and read from the data set (id, label; on rank 0 only).
struct RankedDetails {
  std::vector<std::int64_t> bmu;
  std::vector<std::uint8_t> inSparseNode;
  io::RowMeta meta;  ///< id, label, ra, dec, path: rank 0 only
};

/// The details of every listed row. Collective over comm.
RankedDetails rankedDetails(std::vector<RankedRow> const& ranked, MapEvaluation const& evaluation,
                            std::uint64_t firstRow, std::string const& datasetPath,
                            comm::Comm const& comm);

/// The results of a trained map as one rank holds them (pointers to the stage's data).
struct SomOutput {
  Codebook const* codebook = nullptr;
  std::vector<EpochRecord> const* history = nullptr;
  MapEvaluation const* evaluation = nullptr;  ///< local rows + reduced per-node values
  std::vector<std::string> const* classes = nullptr;
  std::vector<double> const* classHits = nullptr;  ///< [classes][nodes]
  std::vector<RankedRow> const* ranked = nullptr;  ///< the same on every rank
  RankedDetails const* details = nullptr;
  std::vector<double> const* wave = nullptr;  ///< grid of the flux (empty for features)
  std::uint64_t firstRow = 0;                 ///< global index of the first local row
  std::uint64_t totalRows = 0;
  int exponent = 0;
};

/// Writes som.h5: every rank writes its rows at firstRow. Collective over comm.
void writeSomH5(std::string const& path, SomOutput const& output, SomStageConfig const& config,
                SomRun const& run, comm::Comm const& comm);

/// The ranked outlier list as one table (rank, row, id, label, ra, dec, path, score, bmu,
/// in_sparse_node): som.h5's /outliers group and outliers.{csv,vot}. Every rank has its
/// columns; rank 0 has the values of the spectrum columns.
io::ResultTable outlierTable(SomOutput const& output);

/// Writes the ranked outlier list as outliers.csv and outliers.vot in `dir` on rank 0.
/// Collective over comm.
void writeOutlierTables(std::string const& dir, SomOutput const& output, comm::Comm const& comm);

/// Writes `stem`.wts, `stem`.bm and `stem`.umx (somoclu_files.hpp). Collective over comm.
void writeSomocluFiles(std::string const& stem, SomOutput const& output, comm::Comm const& comm);

}  // namespace vocloud::som
