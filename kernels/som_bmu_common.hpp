#pragma once
// What the host and the portable paths of the BMU search (kernels/som_bmu.hpp) share: the
// two-best record, the rigorous bound of the GEMM form's rounding error, the exactly-ordered
// double distance that decides every BMU, the portable per-row selection, the centred
// codebook and the store of a row's result.
//
// MPI-free; every parallel region is labelled "vocloud::som::bmu_*".
#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstddef>

namespace vocloud::kernels::detail {

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

/// The GEMM form's error bound: |d~ - d| <= dot |x'| |w'| + norm (|x'| + |w'|)^2, where
/// d~ = |x'|^2 - 2 fl(x'.w') + |w'|^2 is the distance of the centred float vectors
/// x' = fl(x - m), w' = fl(w - m) of length D and d the exactly-ordered double distance of x
/// and w (u = 2^-24):
/// - the float dot product, in any summation order and with or without FMA, is within
///   gamma_D sum_d |x'_d w'_d| <= gamma_D |x'| |w'| of x'.w' (gamma_D = D u / (1 - D u)); it
///   enters d~ twice: 2 gamma_D;
/// - centring rounds each value by at most u of itself and x - w = (x - m) - (w - m), so
///   |x' - w'|^2 is within (2u + u^2) / (1 - u)^2 (|x'| + |w'|)^2 < 2.01 u (...)^2 of |x - w|^2;
/// - the double norms, the double sum of d and the bound's own arithmetic are each within a
///   relative D 2^-53 < u / 4 (D < 2^30), together under u / 2 (...)^2.
/// dot = 2.5 gamma_D and norm = 8 u leave margins of 25 % and three times. (Up to the last
/// session the bound was 2 (gamma_D + 4u) (|x'| + |w'|)^2: four times as wide on equal norms,
/// which sent three times as many nodes to the exact distance on noise-dominated rows.)
struct BmuErrorBound {
  double dot = 0.0;   ///< factor of |x'| |w'|
  double norm = 0.0;  ///< factor of (|x'| + |w'|)^2
};

KOKKOS_INLINE_FUNCTION BmuErrorBound bmuErrorBound(std::size_t dims) {
  double const u = 1.0 / 16777216.0;
  double const du = static_cast<double>(dims) * u;
  double const gamma = du < 0.5 ? du / (1.0 - du) : 1.0;
  return BmuErrorBound{2.5 * gamma, 8.0 * u};
}

/// The bound for a row and a node of centred norms xNorm = |x'| and wNorm = |w'|.
KOKKOS_INLINE_FUNCTION double bmuSlack(BmuErrorBound const& bound, double xNorm, double wNorm) {
  double const r = xNorm + wNorm;
  return bound.dot * xNorm * wNorm + bound.norm * r * r;
}

/// Partial sums of the exact distance (bmuExactDistance2).
constexpr int kBmuExactLanes = 8;

/// The exactly-ordered squared distance sum_d (double(x(d)) - double(w(d)))^2 of two rows
/// given by accessors: value d goes to partial sum d % 8, the sums are added pairwise
/// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)). The order depends on nothing but dims,
/// so it is as reproducible as index order; its rounding is part of bmuErrorBound.
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
KOKKOS_INLINE_FUNCTION BmuBestTwo bmuSelectRow(int nodes, double xNorm2, BmuErrorBound bound,
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
    double const upper = approx + bmuSlack(bound, xNorm, wNorm(k));
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
    if (approx - bmuSlack(bound, xNorm, wNorm(k)) <= threshold) bmuOffer(best, exact(k), k);
  }
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
}  // namespace vocloud::kernels::detail
