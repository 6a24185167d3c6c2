#pragma once
// The datasets of dataset.h5 and how one round of rows is appended to them collectively.
#include "io/h5_store.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace vocloud::preprocess {

/// Widths of the fixed-length string columns (longest value in the catalog).
struct StringWidths {
  std::uint64_t id = 1, path = 1, label = 1, outlierKind = 1;
};

/// One rank's accepted rows of a round, row-major.
struct AcceptedRows {
  std::vector<float> flux, ivar, wavelet;
  std::vector<std::uint8_t> mask;
  std::vector<std::string> id, path, label, layout, outlierKind;
  std::vector<double> ra, dec, z, snr, coverage;
  std::vector<std::int64_t> catalogRow;
  std::uint64_t count() const { return catalogRow.size(); }
  /// Empties every column, keeping the memory for the next round.
  void clear() {
    for (auto* v : {&flux, &ivar, &wavelet}) v->clear();
    mask.clear();
    for (auto* v : {&id, &path, &label, &layout, &outlierKind}) v->clear();
    for (auto* v : {&ra, &dec, &z, &snr, &coverage}) v->clear();
    catalogRow.clear();
  }
};

/// One rank's rejected rows of a round.
struct RejectedRows {
  std::vector<std::string> id, path, reason;
  std::vector<std::int64_t> catalogRow;
  std::uint64_t count() const { return catalogRow.size(); }
  /// Empties every column, keeping the memory for the next round.
  void clear() {
    for (auto* v : {&id, &path, &reason}) v->clear();
    catalogRow.clear();
  }
};

constexpr std::uint64_t kReasonWidth = 240;
constexpr std::uint64_t kLayoutWidth = 24;

/// The growable datasets of dataset.h5.
class DatasetLayout {
 public:
  /// Creates (create == true) or opens every dataset; `dims` grid points, `waveletDims`
  /// wavelet features (0: none). Collective in parallel files.
  DatasetLayout(io::H5File const& file, bool create, std::uint64_t dims, std::uint64_t waveletDims,
                StringWidths const& widths);

  /// Writes this rank's rows at `offset` (from an exclusive scan) after growing the
  /// datasets to `total` rows when they are shorter (a resumed run rewrites the rows of its
  /// interrupted round in place). Collective: every rank calls it, possibly with no rows.
  void writeAccepted(AcceptedRows const& rows, std::uint64_t offset, std::uint64_t total) const;
  void writeRejected(RejectedRows const& rows, std::uint64_t offset, std::uint64_t total) const;

  io::H5Rows const& flux() const { return _flux; }

 private:
  std::vector<io::H5Rows const*> acceptedSets() const;
  io::H5Rows _flux, _ivar, _mask, _wavelet;
  io::H5Rows _id, _path, _label, _layout, _outlierKind, _ra, _dec, _z, _snr, _coverage, _row;
  io::H5Rows _rid, _rpath, _rreason, _rrow;
  bool _hasWavelet = false;
};

}  // namespace vocloud::preprocess
