#pragma once
// Best-matching-unit (BMU) search of a self-organising map: for each row x of an n x D
// matrix, the node k of a K x D codebook w with the smallest squared distance |x - w_k|^2.
//
// The search is a GEMM: |x - w|^2 = |x|^2 - 2 x.w + |w|^2, so the work is one n x K x D
// matrix product in single precision (OpenBLAS' or Eigen's SGEMM on host, kernels/host_gemm.hpp, a
// tiled Kokkos product on devices). That form cancels badly when |x|^2 >> |x - w|^2 and an SGEMM
// rounds a row differently depending on where it falls in a block, so the GEMM is only used as a
// filter:
//   1. x and w are centred on the codebook mean m (the distance is unchanged, the norms and
//      thus the rounding error shrink to the scale of the data's spread);
//   2. a rigorous bound e_k on the rounding error of the GEMM-form distance d~_k gives every
//      node an interval [d~_k - e_k, d~_k + e_k] that holds its exact distance;
//   3. only nodes whose interval can beat the best upper bound are re-evaluated exactly,
//      sum_d (double(x_d) - double(w_kd))^2 in a fixed order (bmuExactDistance2: eight
//      interleaved partial sums, so the re-check runs at the vector unit's width instead of
//      one dependent addition per value), and the smallest wins; ties go to the lowest node
//      index.
// The result is therefore the argmin of that exactly-ordered double-precision distance: the
// same for a row whatever the other rows, the block size, the number of ranks or the
// execution space (up to FMA contraction in device compilers), and bitwise the same as
// bmuSearchReference on host. On trained maps the candidate set is a few nodes, so the
// refinement costs O(D) per row against O(K D) for the GEMM.
//
// The shared pieces are in kernels/som_bmu_common.hpp, the host path in
// kernels/som_bmu_host.hpp.
//
// MPI-free; every parallel region is labelled "vocloud::som::bmu_*".
#include "engine/core/error.hpp"
#include "kernels/som_bmu_common.hpp"
#include "kernels/som_bmu_host.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace vocloud::kernels {

namespace detail {

/// Portable path: per chunk of rows, a tiled team product S = x' w'^T into a buffer
/// (LayoutLeft so that the selection's row threads read it coalesced), then one thread per
/// row selects the BMU.
template <class ExecSpace, class XView, class WView, class BmuView, class DistView,
          class SecondView, class SecondDistView>
void bmuSearchPortable(ExecSpace const& space, XView const& x, WView const& w, BmuView const& bmu,
                       DistView const& dist2, SecondView const& second,
                       SecondDistView const& secondDist2, bool wantSecond) {
  using Memory = typename ExecSpace::memory_space;
  using Team = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  using Scratch =
      Kokkos::View<float**, Kokkos::LayoutRight, typename ExecSpace::scratch_memory_space,
                   Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  std::size_t const n = x.extent(0);
  int const nodes = static_cast<int>(w.extent(0));
  int const dims = static_cast<int>(w.extent(1));
  if (n == 0) return;
  auto const centred = bmuCentreCodebook(space, w);
  auto const mean = centred.mean;
  auto const wc = centred.w;
  auto const wNorm2 = centred.norm2;
  auto const wNorm = centred.norm;
  BmuErrorBound const bound = bmuErrorBound(static_cast<std::size_t>(dims));
  std::size_t const chunk =
      std::max<std::size_t>(1, std::min<std::size_t>(n, kBmuChunkElements / std::max(nodes, 1)));
  Kokkos::View<float**, Kokkos::LayoutLeft, Memory> s(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "vocloud::som::bmu_products"), chunk,
      nodes);
  int const nodeTiles = (nodes + kBmuTile - 1) / kBmuTile;
  std::size_t const scratchBytes =
      2 * Scratch::shmem_size(kBmuTile, kBmuDepth) + Scratch::shmem_size(kBmuTile, kBmuTile);
  int const scratchLevel = scratchBytes <= 16384 ? 0 : 1;
  for (std::size_t first = 0; first < n; first += chunk) {
    std::size_t const rows = std::min(chunk, n - first);
    int const rowTiles = static_cast<int>((rows + kBmuTile - 1) / kBmuTile);
    Kokkos::TeamPolicy<ExecSpace> policy(space, rowTiles * nodeTiles, Kokkos::AUTO);
    policy.set_scratch_size(scratchLevel, Kokkos::PerTeam(scratchBytes));
    Kokkos::parallel_for(
        "vocloud::som::bmu_gemm", policy, KOKKOS_LAMBDA(Team const& team) {
          int const rowTile = team.league_rank() / nodeTiles;
          int const nodeTile = team.league_rank() % nodeTiles;
          Scratch xs(team.team_scratch(scratchLevel), kBmuTile, kBmuDepth);
          Scratch ws(team.team_scratch(scratchLevel), kBmuTile, kBmuDepth);
          Scratch acc(team.team_scratch(scratchLevel), kBmuTile, kBmuTile);
          Kokkos::parallel_for(Kokkos::TeamThreadRange(team, kBmuTile * kBmuTile),
                               [&](int const e) { acc(e / kBmuTile, e % kBmuTile) = 0.0f; });
          for (int d0 = 0; d0 < dims; d0 += kBmuDepth) {
            int const depth = dims - d0 < kBmuDepth ? dims - d0 : kBmuDepth;
            team.team_barrier();
            Kokkos::parallel_for(
                Kokkos::TeamThreadRange(team, kBmuTile * kBmuDepth), [&](int const e) {
                  int const r = e / kBmuDepth;
                  int const c = e % kBmuDepth;
                  std::size_t const row = rowTile * kBmuTile + r;
                  int const node = nodeTile * kBmuTile + r;
                  xs(r, c) = row < rows && c < depth ? x(first + row, d0 + c) - mean(d0 + c) : 0.0f;
                  ws(r, c) = node < nodes && c < depth ? wc(node, d0 + c) : 0.0f;
                });
            team.team_barrier();
            Kokkos::parallel_for(Kokkos::TeamThreadRange(team, kBmuTile * kBmuTile),
                                 [&](int const e) {
                                   int const a = e / kBmuTile;
                                   int const b = e % kBmuTile;
                                   float sum = 0.0f;
                                   for (int c = 0; c < depth; ++c) sum += xs(a, c) * ws(b, c);
                                   acc(a, b) += sum;
                                 });
          }
          team.team_barrier();
          Kokkos::parallel_for(Kokkos::TeamThreadRange(team, kBmuTile * kBmuTile),
                               [&](int const e) {
                                 std::size_t const row = rowTile * kBmuTile + e / kBmuTile;
                                 int const node = nodeTile * kBmuTile + e % kBmuTile;
                                 if (row < rows && node < nodes)
                                   s(row, node) = acc(e / kBmuTile, e % kBmuTile);
                               });
        });
    Kokkos::parallel_for(
        "vocloud::som::bmu_select", Kokkos::RangePolicy<ExecSpace>(space, 0, rows),
        KOKKOS_LAMBDA(std::size_t const r) {
          std::size_t const i = first + r;
          double xNorm2 = 0.0;
          for (int d = 0; d < dims; ++d) {
            float const v = x(i, d) - mean(d);
            xNorm2 += static_cast<double>(v) * static_cast<double>(v);
          }
          auto const dot = [&](int k) { return static_cast<double>(s(r, k)); };
          auto const exact = [&](int k) {
            return bmuExactDistance2(
                dims, [&](int d) { return x(i, d); }, [&](int d) { return w(k, d); });
          };
          BmuBestTwo const best =
              bmuSelectRow(nodes, xNorm2, bound, wNorm2, wNorm, dot, exact, wantSecond);
          bmuStore(best, i, bmu, dist2, second, secondDist2, wantSecond);
        });
  }
  space.fence();
}

template <class ExecSpace, class XView, class WView, class BmuView, class DistView>
void bmuCheckShapes(XView const& x, WView const& w, BmuView const& bmu, DistView const& dist2) {
  static_assert(Kokkos::is_execution_space<ExecSpace>::value, "the first argument is a space");
  static_assert(XView::rank == 2 && WView::rank == 2, "x and w are matrices");
  static_assert(BmuView::rank == 1 && DistView::rank == 1, "bmu and dist2 are vectors");
  static_assert(std::is_same<typename BmuView::non_const_value_type, int>::value, "bmu holds int");
  static_assert(std::is_same<typename DistView::non_const_value_type, float>::value,
                "dist2 holds float");
  if (x.extent(1) != w.extent(1))
    throw Error("som: BMU search of rows of " + std::to_string(x.extent(1)) +
                " values against a codebook of " + std::to_string(w.extent(1)));
  if (x.extent(0) > 0 && w.extent(0) == 0) throw Error("som: BMU search against an empty codebook");
  if (bmu.extent(0) < x.extent(0) || dist2.extent(0) < x.extent(0))
    throw Error("som: BMU outputs hold fewer entries than the " + std::to_string(x.extent(0)) +
                " rows");
}

/// Whether ExecSpace runs on the host and can use the Eigen path.
template <class ExecSpace>
constexpr bool kBmuHostSpace = Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible;

}  // namespace detail

namespace detail {

/// The host (SGEMM) path on host spaces, the portable Kokkos kernels elsewhere.
template <class ExecSpace, class XView, class WView, class BmuView, class DistView>
void bmuSearchOnSpace(ExecSpace const& space, XView const& x, WView const& w, BmuView const& bmu,
                      DistView const& dist2, BmuView const& second, DistView const& secondDist2,
                      bool wantSecond) {
  if (x.extent(0) == 0) return;
  if constexpr (kBmuHostSpace<ExecSpace>) {
    bmuSearchHost(space, x, w, bmu, dist2, second, secondDist2, wantSecond);
  } else {
    bmuSearchPortable(space, x, w, bmu, dist2, second, secondDist2, wantSecond);
  }
}

}  // namespace detail

/// BMU of every row: bmu(i) = argmin_k |x_i - w_k|^2 (ties: lowest k) and dist2(i) = that
/// squared distance (float, >= 0). x: n x D rows, w: K x D codebook, both float views in
/// ExecSpace's memory (any layout); bmu, dist2: n entries. On a host execution space the
/// product runs on the host SGEMM in blocks of 1024 rows, elsewhere on a tiled Kokkos kernel;
/// both give the argmin of the exactly-ordered double distance (see the file comment).
/// Rows with non-finite values get bmu -1 and dist2 +inf. Fences `space` before returning.
template <class ExecSpace, class XView, class WView, class BmuView, class DistView>
void bmuSearch(ExecSpace const& space, XView const& x, WView const& w, BmuView const& bmu,
               DistView const& dist2) {
  detail::bmuCheckShapes<ExecSpace>(x, w, bmu, dist2);
  detail::bmuSearchOnSpace(space, x, w, bmu, dist2, bmu, dist2, false);
}

/// bmuSearch plus the second-nearest node (second, secondDist2; -1 and +inf when K == 1),
/// ordered by (distance, index); used by the topographic error.
template <class ExecSpace, class XView, class WView, class BmuView, class DistView>
void bmuSearchTopTwo(ExecSpace const& space, XView const& x, WView const& w, BmuView const& bmu,
                     DistView const& dist2, BmuView const& second, DistView const& secondDist2) {
  detail::bmuCheckShapes<ExecSpace>(x, w, bmu, dist2);
  if (second.extent(0) < x.extent(0) || secondDist2.extent(0) < x.extent(0))
    throw Error("som: second-BMU outputs hold fewer entries than the rows");
  detail::bmuSearchOnSpace(space, x, w, bmu, dist2, second, secondDist2, true);
}

/// bmuSearch forced onto the portable Kokkos kernels (the device path), whatever the space;
/// tests and benchmarks run it on host to check it against the reference. `second` and
/// `secondDist2` are filled when wantSecond (pass bmu and dist2 again otherwise).
template <class ExecSpace, class XView, class WView, class BmuView, class DistView>
void bmuSearchKokkos(ExecSpace const& space, XView const& x, WView const& w, BmuView const& bmu,
                     DistView const& dist2, BmuView const& second, DistView const& secondDist2,
                     bool wantSecond) {
  detail::bmuCheckShapes<ExecSpace>(x, w, bmu, dist2);
  if (x.extent(0) == 0) return;
  detail::bmuSearchPortable(space, x, w, bmu, dist2, second, secondDist2, wantSecond);
}

/// Plain host reference: for each of the n = x.size() / dims rows, every node's distance
/// sum_d (double(x_d) - double(w_kd))^2 in bmuExactDistance2's order, the smallest (ties: lowest
/// index) and, when `second` is given, the second smallest. Outputs are resized to n.
inline void bmuSearchReference(std::vector<float> const& x, std::vector<float> const& w,
                               std::size_t dims, std::vector<int>& bmu, std::vector<float>& dist2,
                               std::vector<int>* second = nullptr,
                               std::vector<float>* secondDist2 = nullptr) {
  std::size_t const n = dims == 0 ? 0 : x.size() / dims;
  std::size_t const nodes = dims == 0 ? 0 : w.size() / dims;
  bmu.assign(n, -1);
  dist2.assign(n, std::numeric_limits<float>::infinity());
  if (second) second->assign(n, -1);
  if (secondDist2) secondDist2->assign(n, std::numeric_limits<float>::infinity());
  for (std::size_t i = 0; i < n; ++i) {
    int best = -1;
    int next = -1;
    double bestD = 0.0;
    double nextD = 0.0;
    for (std::size_t k = 0; k < nodes; ++k) {
      double const d = detail::bmuExactDistance2(
          static_cast<int>(dims), [&](int j) { return x[i * dims + j]; },
          [&](int j) { return w[k * dims + j]; });
      if (!std::isfinite(d)) continue;
      if (best < 0 || d < bestD) {  // strict: an equal later node never displaces
        next = best;
        nextD = bestD;
        best = static_cast<int>(k);
        bestD = d;
      } else if (next < 0 || d < nextD) {
        next = static_cast<int>(k);
        nextD = d;
      }
    }
    bmu[i] = best;
    if (best >= 0) dist2[i] = static_cast<float>(bestD);
    if (second) (*second)[i] = next;
    if (secondDist2 && next >= 0) (*secondDist2)[i] = static_cast<float>(nextD);
  }
}

}  // namespace vocloud::kernels
