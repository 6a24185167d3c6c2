#pragma once
// A labelled parallel loop over independent blocks of rows on a host execution space, for
// engine code whose per-block work is host C++ (Eigen products, sorting) that no device
// kernel expresses: the parallel region stays in kernels/ and carries the caller's label.
// Also a prefetch hint for rows read out of order.
#include <Kokkos_Core.hpp>

#include <cstddef>

namespace vocloud::kernels {

/// Calls `work(block)` for every block in [0, blocks) on `space` (a host space: `work` may
/// touch host memory and allocate); blocks run in any order and must not depend on each
/// other. `label` names the region ("vocloud::som::density_blocks"). Fences the space.
template <class HostExecSpace, class Work>
void forEachHostBlock(HostExecSpace const& space, char const* label, std::size_t blocks,
                      Work const& work) {
  static_assert(Kokkos::SpaceAccessibility<HostExecSpace, Kokkos::HostSpace>::accessible,
                "forEachHostBlock runs host code: use a host execution space");
  Kokkos::parallel_for(label, Kokkos::RangePolicy<HostExecSpace>(space, 0, blocks),
                       [&](std::size_t const block) { work(block); });
  space.fence();
}

/// Asks the cache for the lines of a row of n floats on the host, ahead of a loop that reads
/// it from a place the hardware prefetcher cannot guess (a hint; no effect on results).
inline void prefetchRow(float const* row, int n) {
  constexpr int kLine = 64 / static_cast<int>(sizeof(float));
  for (int d = 0; d < n; d += kLine) __builtin_prefetch(row + d);
}

}  // namespace vocloud::kernels
