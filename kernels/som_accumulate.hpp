#pragma once
// Per-node sums of rows and row counts, the data a batch SOM epoch needs from each rank:
// sums(k, d) += x(i, d) and counts(k) += 1 for every row i with bmu(i) == k.
//
// Accumulation is in double. The float inputs carry 24-bit significands, so a double sum
// of them is exact while every partial sum stays a multiple of the smallest input's ulp
// below 2^53 of it (for example rows of values on a 2^-20 grid summing below 2^33); in
// general two summation orders of the same n values differ by at most
// 2 (n - 1) 2^-53 sum_i |x_i|, i.e. a relative 1e-10 for a million rows, far below the float
// resolution (6e-8) of the codebook the sums feed. Counts are integers below 2^53, so they
// are exact in any order. The order itself: on host backends each node's rows in index
// order (the same result for any number of threads), atomics (order unspecified) on GPUs.
//
// MPI-free; the parallel region is labelled "vocloud::som::accumulate".
#include "engine/core/error.hpp"
#include "kernels/host_blocks.hpp"

#include <Kokkos_Core.hpp>
#include <Kokkos_ScatterView.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace vocloud::kernels {

namespace detail {

/// The value a float row element adds to a node sum: itself (double sums) ...
struct AsDouble {
  KOKKOS_INLINE_FUNCTION double operator()(float x) const { return static_cast<double>(x); }
};

/// ... or, for fixed-point sums, x 2^exponent rounded to the nearest integer (halves away
/// from zero).
struct AsFixedPoint {
  double scale;
  KOKKOS_INLINE_FUNCTION std::int64_t operator()(float x) const {
    double const t = static_cast<double>(x) * scale;
    return static_cast<std::int64_t>(t + halfWithSignOf(t));
  }
  /// The same value for |x scale| < 2^51 (host only), in operations a vector unit without
  /// AVX-512 has (double to 64-bit integer conversion has no AVX2 instruction, so the plain
  /// form runs one value at a time). Adding 1.5 2^52 rounds t = x scale to the nearest
  /// integer, ties to even, and leaves that integer in the low bits; a tie (t exactly
  /// half-way, so t - the rounded value is +-0.5, exactly) that went towards zero then takes
  /// one more step away. Below 2^51, t + 0.5 of the plain form is exact (t has the float's
  /// 24 significant bits), so both forms round t itself, halves away from zero.
  std::int64_t narrow(float x) const {
    constexpr double kShift = 6755399441055744.0;  // 1.5 2^52
    double const t = static_cast<double>(x) * scale;
    double const y = t + kShift;
    double const frac = t - (y - kShift);
    std::int64_t bits = 0;
    memcpy(&bits, &y, sizeof bits);
    // Masks rather than conditionals, which the vectoriser would refuse as control flow.
    std::int64_t const up = std::int64_t(frac == 0.5) & std::int64_t(t > 0.);
    std::int64_t const down = std::int64_t(frac == -0.5) & std::int64_t(t < 0.);
    return bits - std::int64_t(0x4338000000000000) + up - down;
  }
  /// Whether every value of a row of n finite floats takes the narrow form, |x scale| < 2^51:
  /// the largest |x| found as the largest bit pattern with the sign cleared (the order of
  /// non-negative floats), a reduction the compiler vectorises.
  bool fitsNarrow(float const* x, int n) const {
    std::uint32_t largest = 0;
    for (int d = 0; d < n; ++d) {
      std::uint32_t bits = 0;
      memcpy(&bits, x + d, sizeof bits);
      largest = std::max(largest, bits & 0x7FFFFFFFu);
    }
    float magnitude = 0.f;
    memcpy(&magnitude, &largest, sizeof magnitude);
    return static_cast<double>(magnitude) * std::fabs(scale) < 2251799813685248.0;  // 2^51
  }
  /// 0.5 carrying t's sign bit (-0.5 for t = -0, which truncates to 0 as well): made from the
  /// bits, because compilers turn a comparison back into a branch, and data of both signs
  /// mispredicts that branch for every other value (10 % of an epoch).
  KOKKOS_INLINE_FUNCTION static double halfWithSignOf(double t) {
    std::uint64_t bits = 0;
    memcpy(&bits, &t, sizeof bits);
    std::uint64_t const half = 0x3FE0000000000000ull | (bits & 0x8000000000000000ull);
    double out = 0.;
    memcpy(&out, &half, sizeof out);
    return out;
  }
};

/// The accumulation on a host backend, node by node: the rows are first grouped by node (a
/// stable counting sort, so each node's rows stay in index order), then each node adds its
/// rows into its own row of sums, in parallel over nodes on a parallel backend. A node's sums
/// stay in cache while its rows are added; adding rows in index order instead sends every row
/// to a random node's sums, which is memory-bound on maps whose sums exceed the caches (about
/// 10 % of an epoch at 30 x 30 x 1000). The grouping holds one index per row.
template <class ExecSpace, class XView, class BmuView, class SumView, class CountView, class Value>
void accumulateRowsHost(ExecSpace const& space, XView const& x, BmuView const& bmu,
                        SumView const& sums, CountView const& counts, Value const value, int nodes,
                        int dims, char const* label) {
  using Sum = typename SumView::non_const_value_type;
  using Count = typename CountView::non_const_value_type;
  std::size_t const n = x.extent(0);
  std::vector<std::size_t> start(static_cast<std::size_t>(nodes) + 1, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (bmu(i) >= 0 && bmu(i) < nodes) ++start[static_cast<std::size_t>(bmu(i)) + 1];
  for (int k = 0; k < nodes; ++k) start[k + 1] += start[k];
  std::vector<std::size_t> order(start[nodes]);
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < n; ++i)
    if (bmu(i) >= 0 && bmu(i) < nodes) order[next[static_cast<std::size_t>(bmu(i))]++] = i;
  // Contiguous rows and sums: loops over restrict pointers, which the compiler vectorises
  // (the views' accessors may alias as far as it knows); fixed-point rows whose values fit
  // take AsFixedPoint::narrow, the same integers in vector operations. Each node still adds
  // its rows in index order, value by value, so the sums are the same.
  constexpr bool kContiguous = std::is_same_v<typename XView::array_layout, Kokkos::LayoutRight> &&
                               std::is_same_v<typename SumView::array_layout, Kokkos::LayoutRight>;
  Kokkos::parallel_for(label, Kokkos::RangePolicy<ExecSpace>(space, 0, nodes), [&](int const k) {
    std::size_t const first = start[k], end = start[k + 1];
    for (std::size_t r = first; r < end; ++r) {
      std::size_t const i = order[r];
      if constexpr (kContiguous && std::is_same_v<Value, AsFixedPoint>) {
        std::int64_t* __restrict const out = &sums(k, 0);
        float const* __restrict const in = &x(i, 0);
        // The rows come in node order, so each is a jump in memory that waits on its first
        // lines; asking for the next row's lines now overlaps that wait with this row's work.
        if (r + 1 < end) prefetchRow(&x(order[r + 1], 0), dims);
        if (value.fitsNarrow(in, dims)) {
          for (int d = 0; d < dims; ++d) out[d] += value.narrow(in[d]);
        } else {
          for (int d = 0; d < dims; ++d) out[d] += value(in[d]);
        }
      } else if constexpr (kContiguous) {
        Sum* __restrict const out = &sums(k, 0);
        auto const* __restrict const in = &x(i, 0);
        for (int d = 0; d < dims; ++d) out[d] += Sum(value(in[d]));
      } else {
        for (int d = 0; d < dims; ++d) sums(k, d) += Sum(value(x(i, d)));
      }
    }
    counts(k) += Count(end - first);
  });
  space.fence();
}

/// The accumulation loop on a device: a team per row, its threads over the row's values.
template <class ExecSpace, class XView, class BmuView, class SumScatter, class CountScatter,
          class Value>
void accumulateRowsTeams(ExecSpace const& space, XView const& x, BmuView const& bmu,
                         SumScatter const& sumScatter, CountScatter const& countScatter,
                         Value const value, int nodes, int dims, char const* label) {
  using Count = typename CountScatter::original_value_type;
  using Team = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  Kokkos::parallel_for(
      label, Kokkos::TeamPolicy<ExecSpace>(space, x.extent(0), Kokkos::AUTO),
      KOKKOS_LAMBDA(Team const& team) {
        std::size_t const i = team.league_rank();
        int const k = bmu(i);
        if (k < 0 || k >= nodes) return;
        auto sumAccess = sumScatter.access();
        Kokkos::parallel_for(Kokkos::TeamThreadRange(team, dims),
                             [&](int const d) { sumAccess(k, d) += value(x(i, d)); });
        Kokkos::single(Kokkos::PerTeam(team), [&]() {
          auto countAccess = countScatter.access();
          countAccess(k) += Count(1);
        });
      });
}

/// sums(bmu(i), d) += value(x(i, d)) and counts(bmu(i)) += 1, in the element type of the
/// sums and counts views: the body of both accumulation kernels.
template <class ExecSpace, class XView, class BmuView, class SumView, class CountView, class Value>
void accumulateRows(ExecSpace const& space, XView const& x, BmuView const& bmu, SumView const& sums,
                    CountView const& counts, Value const value, char const* label) {
  static_assert(Kokkos::is_execution_space<ExecSpace>::value, "the first argument is a space");
  static_assert(XView::rank == 2 && SumView::rank == 2, "x and sums are matrices");
  static_assert(BmuView::rank == 1 && CountView::rank == 1, "bmu and counts are vectors");
  if (x.extent(1) != sums.extent(1))
    throw Error("som: accumulating rows of " + std::to_string(x.extent(1)) +
                " values into node sums of " + std::to_string(sums.extent(1)));
  if (counts.extent(0) != sums.extent(0))
    throw Error("som: node sums and counts disagree on the number of nodes");
  if (bmu.extent(0) < x.extent(0)) throw Error("som: fewer BMUs than rows to accumulate");
  int const nodes = static_cast<int>(sums.extent(0));
  int const dims = static_cast<int>(sums.extent(1));
  if (x.extent(0) == 0 || nodes == 0) return;

  if constexpr (Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible) {
    accumulateRowsHost(space, x, bmu, sums, counts, value, nodes, dims, label);
  } else {
    using Sum = typename SumView::non_const_value_type;
    using Count = typename CountView::non_const_value_type;
    using Device = Kokkos::Device<ExecSpace, typename ExecSpace::memory_space>;
    using namespace Kokkos::Experimental;
    ScatterView<Sum**, typename SumView::array_layout, Device, ScatterSum> sumScatter(space, sums);
    ScatterView<Count*, typename CountView::array_layout, Device, ScatterSum> countScatter(space,
                                                                                           counts);
    accumulateRowsTeams(space, x, bmu, sumScatter, countScatter, value, nodes, dims, label);
    SumView sumsOut = sums;
    CountView countsOut = counts;
    contribute(space, sumsOut, sumScatter);
    contribute(space, countsOut, countScatter);
    space.fence();
  }
}

/// Host reference of accumulateRows: rows in index order.
template <class Sum, class Count, class Value>
void accumulateRowsReference(std::vector<float> const& x, std::vector<int> const& bmu,
                             std::size_t dims, std::size_t nodes, Value const value,
                             std::vector<Sum>& sums, std::vector<Count>& counts) {
  sums.resize(nodes * dims, Sum(0));
  counts.resize(nodes, Count(0));
  for (std::size_t i = 0; i < bmu.size(); ++i) {
    int const k = bmu[i];
    if (k < 0 || static_cast<std::size_t>(k) >= nodes) continue;
    for (std::size_t d = 0; d < dims; ++d) sums[k * dims + d] += value(x[i * dims + d]);
    counts[k] += Count(1);
  }
}

}  // namespace detail

/// Adds every row of x (n x D floats) to sums(bmu(i), :) (K x D doubles) and 1 to
/// counts(bmu(i)) (K doubles); rows whose bmu is outside [0, K) are skipped. Adds to what
/// sums and counts hold (zero them first for a fresh epoch). All views live in ExecSpace's
/// memory; sums must be LayoutRight or LayoutLeft. Fences `space` before returning.
template <class ExecSpace, class XView, class BmuView, class SumView, class CountView>
void accumulateByNode(ExecSpace const& space, XView const& x, BmuView const& bmu,
                      SumView const& sums, CountView const& counts) {
  detail::accumulateRows(space, x, bmu, sums, counts, detail::AsDouble{},
                         "vocloud::som::accumulate");
}

/// Plain host reference of accumulateByNode: x holds n = bmu.size() rows of `dims` values,
/// sums (nodes x dims) and counts (nodes) are added to, rows with bmu outside [0, nodes) are
/// skipped; rows are summed in index order.
inline void accumulateByNodeReference(std::vector<float> const& x, std::vector<int> const& bmu,
                                      std::size_t dims, std::size_t nodes,
                                      std::vector<double>& sums, std::vector<double>& counts) {
  detail::accumulateRowsReference(x, bmu, dims, nodes, detail::AsDouble{}, sums, counts);
}

/// accumulateByNode in fixed point: sums(k, d) += x(i, d) scale rounded to the nearest
/// integer (halves away from zero) and counts(k) += 1 in 64-bit integers, with
/// scale = 2^exponent; the caller keeps |x| scale times the rows summed below 2^62 (see
/// som::fixedPointExponent). Integer addition is
/// associative, so the sums are exactly the same for any order of the rows: any row split
/// over ranks, any execution space, atomics included. That is what makes a distributed map
/// bitwise independent of the number of ranks. Views as accumulateByNode, with sums and
/// counts of std::int64_t. Fences `space` before returning.
template <class ExecSpace, class XView, class BmuView, class SumView, class CountView>
void accumulateByNodeFixed(ExecSpace const& space, XView const& x, BmuView const& bmu, double scale,
                           SumView const& sums, CountView const& counts) {
  detail::accumulateRows(space, x, bmu, sums, counts, detail::AsFixedPoint{scale},
                         "vocloud::som::accumulate_fixed");
}

/// Plain host reference of accumulateByNodeFixed (rows in index order).
inline void accumulateByNodeFixedReference(std::vector<float> const& x, std::vector<int> const& bmu,
                                           std::size_t dims, std::size_t nodes, double scale,
                                           std::vector<std::int64_t>& sums,
                                           std::vector<std::int64_t>& counts) {
  detail::accumulateRowsReference(x, bmu, dims, nodes, detail::AsFixedPoint{scale}, sums, counts);
}

}  // namespace vocloud::kernels
