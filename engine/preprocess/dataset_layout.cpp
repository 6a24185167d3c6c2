#include "preprocess/dataset_layout.hpp"

#include <algorithm>

namespace vocloud::preprocess {

namespace {

// About 4 MB per chunk of a 2-D dataset, whole rows.
std::uint64_t chunkRowsFor(std::uint64_t cols, std::uint64_t bytesPerValue) {
  return std::clamp<std::uint64_t>((4u << 20) / std::max<std::uint64_t>(1, cols * bytesPerValue), 1,
                                   4096);
}

}  // namespace

DatasetLayout::DatasetLayout(io::H5File const& file, bool create, std::uint64_t dims,
                             std::uint64_t waveletDims, StringWidths const& widths)
    : _hasWavelet(waveletDims > 0) {
  using io::H5Rows;
  using io::H5Type;
  auto make = [&](std::string const& name, H5Type type, std::uint64_t cols,
                  std::uint64_t width = 0) {
    std::uint64_t const bytes = type == H5Type::Float32 ? 4 : type == H5Type::UInt8 ? 1 : 8;
    return create ? H5Rows::create(file, name, type, cols, cols ? chunkRowsFor(cols, bytes) : 4096,
                                   width)
                  : H5Rows::open(file, name);
  };
  _flux = make("/flux", H5Type::Float32, dims);
  _ivar = make("/ivar", H5Type::Float32, dims);
  _mask = make("/mask", H5Type::UInt8, dims);
  if (_hasWavelet) _wavelet = make("/features/wavelet", H5Type::Float32, waveletDims);
  _id = make("/meta/id", H5Type::String, 0, widths.id);
  _path = make("/meta/path", H5Type::String, 0, widths.path);
  _label = make("/meta/label", H5Type::String, 0, widths.label);
  _layout = make("/meta/layout", H5Type::String, 0, kLayoutWidth);
  _outlierKind = make("/meta/outlier_kind", H5Type::String, 0, widths.outlierKind);
  _ra = make("/meta/ra", H5Type::Float64, 0);
  _dec = make("/meta/dec", H5Type::Float64, 0);
  _z = make("/meta/z", H5Type::Float64, 0);
  _snr = make("/meta/snr", H5Type::Float64, 0);
  _coverage = make("/meta/coverage", H5Type::Float64, 0);
  _row = make("/meta/catalog_row", H5Type::Int64, 0);
  _rid = make("/rejected/id", H5Type::String, 0, widths.id);
  _rpath = make("/rejected/path", H5Type::String, 0, widths.path);
  _rreason = make("/rejected/reason", H5Type::String, 0, kReasonWidth);
  _rrow = make("/rejected/catalog_row", H5Type::Int64, 0);
}

std::vector<io::H5Rows const*> DatasetLayout::acceptedSets() const {
  std::vector<io::H5Rows const*> sets = {&_flux,  &_ivar,   &_mask,        &_id, &_path,
                                         &_label, &_layout, &_outlierKind, &_ra, &_dec,
                                         &_z,     &_snr,    &_coverage,    &_row};
  if (_hasWavelet) sets.push_back(&_wavelet);
  return sets;
}

namespace {

// Datasets only grow: rows written again after an interruption are the same rows, and
// shrinking a chunked dataset under MPI-IO lost the next write to its partial chunk
// (HDF5 1.10 fills the pruned part of the chunk later).
void grow(io::H5Rows const& set, std::uint64_t rows) {
  if (set.rows() < rows) set.resize(rows);
}

}  // namespace

void DatasetLayout::writeAccepted(AcceptedRows const& rows, std::uint64_t offset,
                                  std::uint64_t total) const {
  for (auto const* set : acceptedSets()) grow(*set, total);
  std::uint64_t const n = rows.count();
  _flux.write(offset, n, rows.flux.data());
  _ivar.write(offset, n, rows.ivar.data());
  _mask.write(offset, n, rows.mask.data());
  if (_hasWavelet) _wavelet.write(offset, n, rows.wavelet.data());
  _id.write(offset, rows.id);
  _path.write(offset, rows.path);
  _label.write(offset, rows.label);
  _layout.write(offset, rows.layout);
  _outlierKind.write(offset, rows.outlierKind);
  _ra.write(offset, n, rows.ra.data());
  _dec.write(offset, n, rows.dec.data());
  _z.write(offset, n, rows.z.data());
  _snr.write(offset, n, rows.snr.data());
  _coverage.write(offset, n, rows.coverage.data());
  _row.write(offset, n, rows.catalogRow.data());
}

void DatasetLayout::writeRejected(RejectedRows const& rows, std::uint64_t offset,
                                  std::uint64_t total) const {
  for (auto const* set : {&_rid, &_rpath, &_rreason, &_rrow}) grow(*set, total);
  _rid.write(offset, rows.id);
  _rpath.write(offset, rows.path);
  _rreason.write(offset, rows.reason);
  _rrow.write(offset, rows.count(), rows.catalogRow.data());
}

}  // namespace vocloud::preprocess
