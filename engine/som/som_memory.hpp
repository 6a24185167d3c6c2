#pragma once
// The memory one rank needs to train and evaluate a map, estimated before anything is
// allocated, so that a map the host cannot hold is refused with the figure instead of ending
// in std::bad_alloc.
#include "som/som_grid.hpp"

#include <cstdint>

namespace vocloud::som {

/// Bytes one rank holds at its peak for `localRows` rows of `dims` values and a map of
/// `grid`: its shard (4 bytes a value), the codebook and its per-epoch copies (float weights,
/// double and 64-bit fixed-point sums, the reduced sums and the smoothed update: 32 bytes a
/// node and value), the BMU kernel's product tile (kernels::detail::bmuHostBlockRows rows),
/// and per-row and per-node results of the evaluation (with `neighbours` nearest nodes per node).
/// An estimate from the structures' sizes, meant to be within a small factor, never a guarantee.
double somBytesPerRank(SomGrid const& grid, std::uint64_t dims, std::uint64_t localRows,
                       int neighbours);

}  // namespace vocloud::som
