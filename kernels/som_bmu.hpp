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
// MPI-free; every parallel region is labelled "vocloud::som::bmu_*".
#include "engine/core/error.hpp"
#include "kernels/host_blocks.hpp"
#include "kernels/host_gemm.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace vocloud::kernels {

namespace detail {

/// Rows per SGEMM block on host, at most; fewer on large maps, so that the block's n x K
/// product stays within kBmuHostBlockElements floats (8 MB) whatever K.
constexpr int kBmuHostBlockRows = 1024;
constexpr std::size_t kBmuHostBlockElements = std::size_t(1) << 21;
/// Rows per SGEMM block on host, at least (the product's efficiency drops below).
constexpr int kBmuHostMinBlockRows = 64;
/// Tile edge (rows and nodes) and depth chunk of the portable Kokkos product.
constexpr int kBmuTile = 16;
constexpr int kBmuDepth = 64;
/// Upper limit (elements) of the n x K product buffer the portable path holds at once.
constexpr std::size_t kBmuChunkElements = std::size_t(1) << 24;

/// The two nearest nodes seen so far, ordered by (distance, node index).
struct BmuBestTwo {
  double d1;
  double d2;
  int k1;
  int k2;
};

/// Square root in host and device code, across Kokkos 3 and 4.
KOKKOS_INLINE_FUNCTION double bmuSqrt(double v) {
#if KOKKOS_VERSION >= 40000
  return Kokkos::sqrt(v);
#else
  return Kokkos::Experimental::sqrt(v);
#endif
}

KOKKOS_INLINE_FUNCTION BmuBestTwo bmuEmptyBestTwo() {
  return BmuBestTwo{HUGE_VAL, HUGE_VAL, -1, -1};
}

/// Offers node k at distance d; (d, k) pairs compare lexicographically so ties go to the
/// lowest index whatever the order of the offers.
KOKKOS_INLINE_FUNCTION void bmuOffer(BmuBestTwo& best, double d, int k) {
  bool const beatsFirst = best.k1 < 0 || d < best.d1 || (d == best.d1 && k < best.k1);
  if (beatsFirst) {
    best.d2 = best.d1;
    best.k2 = best.k1;
    best.d1 = d;
    best.k1 = k;
    return;
  }
  bool const beatsSecond = best.k2 < 0 || d < best.d2 || (d == best.d2 && k < best.k2);
  if (beatsSecond) {
    best.d2 = d;
    best.k2 = k;
  }
}

/// Factor c(D) such that |d~ - d| <= c(D) (|x'| + |w'|)^2 for the GEMM-form distance d~ of
/// centred float vectors x', w' of length D and the exactly-ordered double distance d:
/// gamma_D = D u / (1 - D u) (u = 2^-24) bounds the float dot product in any summation
/// order, 4u covers the rounding of the centring and of the float norms, and a factor 2
/// covers the double-precision terms and leaves margin.
KOKKOS_INLINE_FUNCTION double bmuErrorFactor(std::size_t dims) {
  double const u = 1.0 / 16777216.0;
  double const du = static_cast<double>(dims) * u;
  double const gamma = du < 0.5 ? du / (1.0 - du) : 1.0;
  return 2.0 * (gamma + 4.0 * u);
}

/// Partial sums of the exact distance (bmuExactDistance2).
constexpr int kBmuExactLanes = 8;

/// The exactly-ordered squared distance sum_d (double(x(d)) - double(w(d)))^2 of two rows
/// given by accessors: value d goes to partial sum d % 8, the sums are added pairwise
/// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)). The order depends on nothing but dims,
/// so it is as reproducible as index order; its rounding stays far inside the factor-2 margin
/// of bmuErrorFactor.
template <class XAt, class WAt>
KOKKOS_INLINE_FUNCTION double bmuExactDistance2(int dims, XAt const& x, WAt const& w) {
  double lane[kBmuExactLanes] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  int d = 0;
  for (; d + kBmuExactLanes <= dims; d += kBmuExactLanes)
    for (int l = 0; l < kBmuExactLanes; ++l) {
      double const diff = static_cast<double>(x(d + l)) - static_cast<double>(w(d + l));
      lane[l] += diff * diff;
    }
  for (int l = 0; d < dims; ++d, ++l) {
    double const diff = static_cast<double>(x(d)) - static_cast<double>(w(d));
    lane[l] += diff * diff;
  }
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/// Chooses a row's BMU (and second BMU when wantSecond) from its GEMM-form distances.
/// dot(k): the float product x'.w'_k; exact(k): the exactly-ordered double distance;
/// wNorm2/wNorm: |w'_k|^2 and |w'_k| of the centred codebook.
template <class DotAt, class ExactAt, class NormView>
KOKKOS_INLINE_FUNCTION BmuBestTwo bmuSelectRow(int nodes, double xNorm2, double errorFactor,
                                               NormView const& wNorm2, NormView const& wNorm,
                                               DotAt const& dot, ExactAt const& exact,
                                               bool wantSecond) {
  double const inf = HUGE_VAL;
  double const xNorm = bmuSqrt(xNorm2);
  // Pass 1: the two smallest upper bounds. The true best (second) distance cannot exceed
  // the smallest (second smallest) upper bound.
  double upper1 = inf;
  double upper2 = inf;
  for (int k = 0; k < nodes; ++k) {
    double const approx = xNorm2 - 2.0 * dot(k) + wNorm2(k);
    double const r = xNorm + wNorm(k);
    double const upper = approx + errorFactor * r * r;
    if (upper < upper1) {
      upper2 = upper1;
      upper1 = upper;
    } else if (upper < upper2) {
      upper2 = upper;
    }
  }
  double const threshold = wantSecond && nodes > 1 ? upper2 : upper1;
  // Pass 2: exact distances of the nodes whose lower bound reaches the threshold.
  BmuBestTwo best = bmuEmptyBestTwo();
  for (int k = 0; k < nodes; ++k) {
    double const approx = xNorm2 - 2.0 * dot(k) + wNorm2(k);
    double const r = xNorm + wNorm(k);
    if (approx - errorFactor * r * r <= threshold) bmuOffer(best, exact(k), k);
  }
  return best;
}

/// Lanes of the host selection's minimum (a multiple of any host vector width).
constexpr int kBmuSelectLanes = 8;

/// Host form of bmuSelectRow, in loops the compiler vectorises: every node's lower and upper
/// bounds into `lower` and `upper` (scratch of K doubles each), then the smallest upper bound
/// of each lane (nodes k = l mod 8). The threshold is the smallest of those (BMU only), or the
/// second smallest lane minimum: two different nodes have upper bounds at most that, so it is
/// at least the second smallest upper bound of bmuSelectRow, and every node that can be first
/// or second is a candidate (a few more only when the two smallest share a lane). A last loop
/// offers the candidates, skipping eight nodes at a time where none is one. The bound's
/// factor-2 margin covers any rounding of the bounds themselves and the winner is chosen on
/// exact distances, so the result is bmuSelectRow's. dots: the row's K float products x'.w'_k.
template <class ExactAt>
BmuBestTwo bmuSelectRowHost(int nodes, double xNorm2, double errorFactor, double const* wNorm2,
                            double const* wNorm, float const* dots, ExactAt const& exact,
                            bool wantSecond, double* lower, double* upper) {
  constexpr int L = kBmuSelectLanes;
  double const xNorm = std::sqrt(xNorm2);
  for (int k = 0; k < nodes; ++k) {
    double const approx = xNorm2 - 2.0 * static_cast<double>(dots[k]) + wNorm2[k];
    double const r = xNorm + wNorm[k];
    double const slack = errorFactor * r * r;
    lower[k] = approx - slack;
    upper[k] = approx + slack;
  }
  double laneMin[L];
  for (int l = 0; l < L; ++l) laneMin[l] = HUGE_VAL;
  int k = 0;
  for (; k + L <= nodes; k += L)
    for (int l = 0; l < L; ++l) laneMin[l] = std::min(laneMin[l], upper[k + l]);
  for (int l = 0; k < nodes; ++k, ++l) laneMin[l] = std::min(laneMin[l], upper[k]);
  double upper1 = HUGE_VAL;
  double upper2 = HUGE_VAL;
  for (double const u : laneMin)
    if (u < upper2) {
      upper2 = u < upper1 ? upper1 : u;
      upper1 = u < upper1 ? u : upper1;
    }
  double const threshold = wantSecond && nodes > 1 ? upper2 : upper1;
  BmuBestTwo best = bmuEmptyBestTwo();
  k = 0;
  for (; k + L <= nodes; k += L) {
    bool any = false;
    for (int l = 0; l < L; ++l) any |= lower[k + l] <= threshold;
    if (!any) continue;
    for (int l = 0; l < L; ++l)
      if (lower[k + l] <= threshold) bmuOffer(best, exact(k + l), k + l);
  }
  for (; k < nodes; ++k)
    if (lower[k] <= threshold) bmuOffer(best, exact(k), k);
  return best;
}

/// The codebook centred on its mean, with the norms of the centred rows.
template <class MemorySpace>
struct BmuCentredCodebook {
  Kokkos::View<float*, MemorySpace> mean;                     ///< [D]
  Kokkos::View<float**, Kokkos::LayoutRight, MemorySpace> w;  ///< [K][D], w - mean
  Kokkos::View<double*, MemorySpace> norm2;                   ///< [K], |w - mean|^2
  Kokkos::View<double*, MemorySpace> norm;                    ///< [K], |w - mean|
};

/// Centres the codebook w (K x D) on its mean; every float operation is the same on host and
/// device, so both paths see the same centred codebook.
template <class ExecSpace, class WView>
BmuCentredCodebook<typename ExecSpace::memory_space> bmuCentreCodebook(ExecSpace const& space,
                                                                       WView const& w) {
  using Memory = typename ExecSpace::memory_space;
  int const nodes = static_cast<int>(w.extent(0));
  int const dims = static_cast<int>(w.extent(1));
  BmuCentredCodebook<Memory> c;
  c.mean = Kokkos::View<float*, Memory>(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "vocloud::som::bmu_mean"), dims);
  c.w = Kokkos::View<float**, Kokkos::LayoutRight, Memory>(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "vocloud::som::bmu_centred"), nodes,
      dims);
  c.norm2 = Kokkos::View<double*, Memory>(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "vocloud::som::bmu_norm2"), nodes);
  c.norm = Kokkos::View<double*, Memory>(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "vocloud::som::bmu_norm"), nodes);
  auto const mean = c.mean;
  auto const centred = c.w;
  auto const norm2 = c.norm2;
  auto const norm = c.norm;
  Kokkos::parallel_for(
      "vocloud::som::bmu_mean", Kokkos::RangePolicy<ExecSpace>(space, 0, dims),
      KOKKOS_LAMBDA(int const d) {
        double sum = 0.0;
        for (int k = 0; k < nodes; ++k) sum += static_cast<double>(w(k, d));
        mean(d) = nodes > 0 ? static_cast<float>(sum / nodes) : 0.0f;
      });
  Kokkos::parallel_for(
      "vocloud::som::bmu_centre", Kokkos::RangePolicy<ExecSpace>(space, 0, nodes),
      KOKKOS_LAMBDA(int const k) {
        double sum = 0.0;
        for (int d = 0; d < dims; ++d) {
          float const v = static_cast<float>(w(k, d)) - mean(d);
          centred(k, d) = v;
          sum += static_cast<double>(v) * static_cast<double>(v);
        }
        norm2(k) = sum;
        norm(k) = bmuSqrt(sum);
      });
  return c;
}

/// Writes one row's result; a row without a finite candidate (non-finite input) gets -1 and
/// +inf.
template <class BmuView, class DistView, class SecondView, class SecondDistView>
KOKKOS_INLINE_FUNCTION void bmuStore(BmuBestTwo const& best, std::size_t i, BmuView const& bmu,
                                     DistView const& dist2, SecondView const& second,
                                     SecondDistView const& secondDist2, bool wantSecond) {
  bmu(i) = best.k1;
  dist2(i) = best.k1 >= 0 ? static_cast<float>(best.d1 > 0.0 ? best.d1 : 0.0) : HUGE_VALF;
  if (wantSecond) {
    second(i) = best.k2;
    secondDist2(i) = best.k2 >= 0 ? static_cast<float>(best.d2 > 0.0 ? best.d2 : 0.0) : HUGE_VALF;
  }
}

/// Row-major float matrix of the host path.
using BmuMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Rows per host SGEMM block for a map of `nodes` nodes: 1024, fewer on large maps (a 100 x 100
/// map: 209), so that the block's product buffer stays bounded.
inline int bmuHostBlockRows(int nodes) {
  std::size_t const fit = kBmuHostBlockElements / static_cast<std::size_t>(std::max(nodes, 1));
  return static_cast<int>(std::clamp<std::size_t>(fit, kBmuHostMinBlockRows, kBmuHostBlockRows));
}

/// The buffers of one worker of the host path, allocated once and reused for each of its
/// blocks (a fresh allocation per block costs page faults of the whole product).
struct BmuHostScratch {
  BmuMatrixF xc;               ///< the block's rows centred on the codebook mean
  BmuMatrixF s;                ///< their products with the centred codebook
  std::vector<double> xNorm2;  ///< squared norms of the centred rows
  BmuHostScratch(int blockRows, int nodes, int dims)
      : xc(blockRows, dims), s(blockRows, nodes), xNorm2(static_cast<std::size_t>(blockRows)) {}
};

/// Calls work(first, rows, scratch) for every block of `blockRows` rows of [0, n), spread
/// over the workers of a host space (as many as it runs at once, blocks dealt round-robin);
/// each worker has one BmuHostScratch for all its blocks. Blocks must not depend on each
/// other; a row's block (first, rows) is the same whatever the number of workers.
template <class ExecSpace, class Work>
void bmuForEachHostBlock(ExecSpace const& space, char const* label, std::size_t n, int blockRows,
                         int nodes, int dims, Work const& work) {
  std::size_t const block = static_cast<std::size_t>(blockRows);
  std::size_t const blocks = (n + block - 1) / block;
  std::size_t const workers =
      std::min<std::size_t>(blocks, static_cast<std::size_t>(std::max(space.concurrency(), 1)));
  forEachHostBlock(space, label, workers, [&](std::size_t const worker) {
    BmuHostScratch scratch(blockRows, nodes, dims);
    for (std::size_t b = worker; b < blocks; b += workers) {
      std::size_t const first = b * block;
      work(first, static_cast<int>(std::min(block, n - first)), scratch);
    }
  });
}

/// One block of the host path: rows first .. first + rows - 1 of x centred on the codebook's
/// mean into scratch.xc, their squared norms into scratch.xNorm2 and the product
/// S = x' w'^T (rows x K, row-major in scratch.s) with the host SGEMM (hostSgemmNT).
/// wc: the centred codebook as an Eigen matrix; scratch holds at least `rows` rows.
template <class XView, class Centred, class WcMap>
void bmuCentredProduct(XView const& x, std::size_t first, int rows, Centred const& centred,
                       WcMap const& wc, BmuHostScratch& scratch) {
  int const dims = static_cast<int>(wc.cols());
  float const* mean = centred.mean.data();
  for (int r = 0; r < rows; ++r) {
    // Eight partial sums over contiguous values (vectorised): the norm only feeds the error
    // bound, where any order will do.
    float* out = scratch.xc.data() + static_cast<std::ptrdiff_t>(r) * dims;
    float const* row = out;  // other layouts: the row is copied first, then centred in place
    if constexpr (std::is_same_v<typename XView::array_layout, Kokkos::LayoutRight>) {
      row = &x(first + r, 0);
    } else {
      for (int d = 0; d < dims; ++d) out[d] = x(first + r, d);
    }
    double lane[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    int d = 0;
    for (; d + 8 <= dims; d += 8)
      for (int l = 0; l < 8; ++l) {
        float const v = row[d + l] - mean[d + l];
        out[d + l] = v;
        lane[l] += static_cast<double>(v) * static_cast<double>(v);
      }
    for (int l = 0; d < dims; ++d, ++l) {
      float const v = row[d] - mean[d];
      out[d] = v;
      lane[l] += static_cast<double>(v) * static_cast<double>(v);
    }
    scratch.xNorm2[static_cast<std::size_t>(r)] =
        ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
  }
  hostSgemmNT(rows, static_cast<int>(wc.rows()), dims, scratch.xc.data(), dims, wc.data(),
              static_cast<int>(wc.outerStride()), scratch.s.data(), static_cast<int>(wc.rows()));
}

/// Host path: blocks of rows (bmuHostBlockRows), each centred into a buffer and multiplied by
/// the centred codebook with the host SGEMM, then the per-row selection. Blocks run in
/// parallel on a parallel host backend; each block's result does not depend on the others.
template <class ExecSpace, class XView, class WView, class BmuView, class DistView,
          class SecondView, class SecondDistView>
void bmuSearchHost(ExecSpace const& space, XView const& x, WView const& w, BmuView const& bmu,
                   DistView const& dist2, SecondView const& second,
                   SecondDistView const& secondDist2, bool wantSecond) {
  std::size_t const n = x.extent(0);
  int const nodes = static_cast<int>(w.extent(0));
  int const dims = static_cast<int>(w.extent(1));
  auto const centred = bmuCentreCodebook(space, w);
  space.fence();
  hostGemmThreadsPerRank();
  Eigen::Map<BmuMatrixF const> const wc(centred.w.data(), nodes, dims);
  double const errorFactor = bmuErrorFactor(static_cast<std::size_t>(dims));
  bmuForEachHostBlock(
      space, "vocloud::som::bmu_host_blocks", n, bmuHostBlockRows(nodes), nodes, dims,
      [&](std::size_t const first, int const rows, BmuHostScratch& scratch) {
        std::vector<double> lower(static_cast<std::size_t>(nodes));
        std::vector<double> upper(static_cast<std::size_t>(nodes));
        bmuCentredProduct(x, first, rows, centred, wc, scratch);
        for (int r = 0; r < rows; ++r) {
          std::size_t const i = first + r;
          auto const exact = [&](int k) {
            return bmuExactDistance2(
                dims, [&](int d) { return x(i, d); }, [&](int d) { return w(k, d); });
          };
          BmuBestTwo const best = bmuSelectRowHost(
              nodes, scratch.xNorm2[r], errorFactor, centred.norm2.data(), centred.norm.data(),
              scratch.s.data() + static_cast<std::ptrdiff_t>(r) * nodes, exact, wantSecond,
              lower.data(), upper.data());
          bmuStore(best, i, bmu, dist2, second, secondDist2, wantSecond);
        }
      });
}

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
  double const errorFactor = bmuErrorFactor(static_cast<std::size_t>(dims));
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
              bmuSelectRow(nodes, xNorm2, errorFactor, wNorm2, wNorm, dot, exact, wantSecond);
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
