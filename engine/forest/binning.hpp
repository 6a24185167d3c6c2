#pragma once
// Quantile binning of float features into at most 256 bins, the same for any partition of
// the rows over ranks:
//   1. lo_f, hi_f = global min and max of feature f over the finite values of the rows used
//      (float min/max are exact in any order);
//   2. a fine histogram of kFineBins equal-width sub-bins of [lo_f, hi_f] (sub-bin of x:
//      floor((x - lo) / (hi - lo) * kFineBins) in double, clamped), summed over ranks as
//      integers;
//   3. for q = 1 .. bins - 1, the first sub-bin s whose cumulative count c_s satisfies
//      c_s * bins >= q * n (integer arithmetic) gives the edge float(lo + (s + 1) * width);
//      edges that do not increase (several quantiles in one sub-bin) or fall outside
//      (lo, hi) are dropped, so a feature has at most `bins` bins and a constant one has a single
//      bin.
// The bin of a value is the number of edges <= value, so "bin <= t" is exactly
// "value < edge[t]": a split found on bins applies to unbinned floats unchanged. NaN falls
// in the last bin (and goes right), -inf in the first, +inf in the last.
#include "comm/comm.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace vocloud::forest {

/// Equal-width sub-bins per feature used to place the quantile edges.
constexpr int kFineBins = 4096;

/// Bin edges of every feature: feature f's edges are edges[offsets[f] .. offsets[f + 1]),
/// strictly increasing; it has (offsets[f + 1] - offsets[f] + 1) bins.
struct BinEdges {
  int features = 0;
  std::vector<std::int64_t> offsets;  ///< features + 1
  std::vector<float> edges;
  int bins(int f) const { return static_cast<int>(offsets[f + 1] - offsets[f]) + 1; }
  int maxBins() const;
};

/// One rank's rows in blocks: rows(first, count) returns rows [first, first + count) of the
/// shard, row-major, valid until the next call. Lets binning stream rows from a file so
/// that the float rows are never all in memory.
using RowBlocks = std::function<float const*(std::size_t first, std::size_t count)>;

/// Rows per block of about 4 MiB of `features` floats (at least 1).
std::size_t rowsPerBlock(int features);

/// computeBinEdges over rows delivered in blocks of `blockRows` (0: rowsPerBlock(features)),
/// two passes; the same edges as from the rows in memory. Collective over comm.
BinEdges computeBinEdges(comm::Comm const& comm, RowBlocks const& rows, std::size_t count,
                         int features, int bins, std::uint8_t const* use,
                         std::size_t blockRows = 0);

/// binFeatureMajor over rows delivered in blocks of `blockRows` (0: rowsPerBlock).
std::vector<std::uint8_t> binFeatureMajor(BinEdges const& edges, RowBlocks const& rows,
                                          std::size_t count, std::size_t blockRows = 0);

/// Quantile edges of `features` columns of x (rows x features floats, row-major) for at
/// most `bins` bins, from the rows whose `use` byte is non-zero (all rows when `use` is
/// null). Non-finite values are ignored. Collective over comm.
BinEdges computeBinEdges(comm::Comm const& comm, float const* x, std::size_t rows, int features,
                         int bins, std::uint8_t const* use);

/// The bin of `value` among `count` increasing edges: the number of edges <= value.
int binOf(float const* edges, int count, float value);

/// The binned rows, feature-major: result[f * rows + i] = bin of x[i * features + f].
std::vector<std::uint8_t> binFeatureMajor(BinEdges const& edges, float const* x, std::size_t rows);

/// The same bytes row-major: result[i * features + f] = bins[f * rows + i] (bins is
/// features x rows). Tree walks and gathers of whole rows read one row's bytes together.
std::vector<std::uint8_t> transposeBins(std::uint8_t const* bins, std::size_t rows, int features);

}  // namespace vocloud::forest
