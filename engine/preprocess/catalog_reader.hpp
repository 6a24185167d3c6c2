#pragma once
// Streaming reader of a base of knowledge's catalog.csv (synth and acquire write the same
// core columns: id, path, format, label, ra, dec, z; synth adds outlier_kind and snr).
// Memory stays at one batch of rows however long the catalog is.
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace vocloud::preprocess {

struct CatalogRow {
  std::int64_t row = 0;  ///< 0-based row in catalog.csv (without the header)
  std::string id, path, format, label, outlierKind;  ///< path made absolute
  double ra = std::numeric_limits<double>::quiet_NaN();
  double dec = std::numeric_limits<double>::quiet_NaN();
  double z = std::numeric_limits<double>::quiet_NaN();
};

/// Splits one CSV line (RFC 4180 quoting) into fields.
std::vector<std::string> splitCsvLine(std::string const& line);

class CatalogReader {
 public:
  /// Opens `bokDir`/catalog.csv; throws vocloud::Error naming the file when it cannot,
  /// or when the header lacks id or path.
  explicit CatalogReader(std::string bokDir);
  /// Reads up to `count` more rows; fewer at the end. A malformed row throws naming its line.
  std::vector<CatalogRow> next(std::uint64_t count);
  /// True once every row has been read.
  bool done() const { return _done; }

 private:
  std::string _bokDir, _path;
  std::ifstream _in;
  std::vector<std::string> _columns;
  std::int64_t _row = 0;
  bool _done = false;
};

/// Encodes rows to text and back (to broadcast a batch).
std::string encodeRows(std::vector<CatalogRow> const& rows);
std::vector<CatalogRow> decodeRows(std::string const& text);

}  // namespace vocloud::preprocess
