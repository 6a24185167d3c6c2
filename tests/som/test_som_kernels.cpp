// BMU search and per-node accumulation kernels against their plain host references.
//
// BMU: both kernel paths (Eigen on host, the portable Kokkos kernels run on the host space)
// must return exactly the reference's node for every row, and the same float distance: the
// kernel's GEMM only filters candidates, the decision is the exactly-ordered double distance
// the reference computes (both loops are the same operations in the same order; the
// distance is compared to 1e-6 relative in case a compiler contracts one loop into FMAs and
// not the other). Shapes straddle the host block (256 rows), the Kokkos tile (16) and depth
// chunk (64).
// Accumulation: random floats summed in double in another order differ by at most
// 2 (n - 1) 2^-53 sum |x| per entry; values on a 2^-10 grid sum exactly in any order.
#include "kernels/som_accumulate.hpp"
#include "kernels/som_bmu.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
using MatrixF = Kokkos::View<float const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>;
using VectorI = Kokkos::View<int*, Kokkos::HostSpace, Unmanaged>;
using VectorF = Kokkos::View<float*, Kokkos::HostSpace, Unmanaged>;

std::vector<float> randomMatrix(std::size_t rows, std::size_t cols, double offset, double spread,
                                unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0., spread);
  std::vector<float> m(rows * cols);
  for (auto& v : m) v = static_cast<float>(offset + normal(rng));
  return m;
}

struct BmuOut {
  std::vector<int> bmu, second;
  std::vector<float> dist2, secondDist2;
};

enum class Path { Host, Kokkos };

BmuOut runKernel(Path path, std::vector<float> const& x, std::vector<float> const& w,
                 std::size_t dims, bool wantSecond) {
  std::size_t const n = x.size() / dims;
  std::size_t const k = w.size() / dims;
  BmuOut out;
  out.bmu.assign(n, -7);
  out.dist2.assign(n, -7.f);
  out.second.assign(n, -7);
  out.secondDist2.assign(n, -7.f);
  MatrixF const xv(x.data(), n, dims);
  MatrixF const wv(w.data(), k, dims);
  VectorI const bmu(out.bmu.data(), n), second(out.second.data(), n);
  VectorF const dist2(out.dist2.data(), n), secondDist2(out.secondDist2.data(), n);
  if (path == Path::Kokkos) {
    vocloud::kernels::bmuSearchKokkos(Space(), xv, wv, bmu, dist2, second, secondDist2, wantSecond);
  } else if (wantSecond) {
    vocloud::kernels::bmuSearchTopTwo(Space(), xv, wv, bmu, dist2, second, secondDist2);
  } else {
    vocloud::kernels::bmuSearch(Space(), xv, wv, bmu, dist2);
  }
  return out;
}

void checkAgainstReference(std::vector<float> const& x, std::vector<float> const& w,
                           std::size_t dims) {
  BmuOut ref;
  vocloud::kernels::bmuSearchReference(x, w, dims, ref.bmu, ref.dist2, &ref.second,
                                       &ref.secondDist2);
  for (Path const path : {Path::Host, Path::Kokkos}) {
    for (bool const wantSecond : {false, true}) {
      BmuOut const got = runKernel(path, x, w, dims, wantSecond);
      for (std::size_t i = 0; i < ref.bmu.size(); ++i) {
        BOOST_TEST_CONTEXT("path " << (path == Path::Host ? "host" : "kokkos") << " n "
                                   << ref.bmu.size() << " K " << w.size() / dims << " D " << dims
                                   << " row " << i) {
          BOOST_REQUIRE_EQUAL(got.bmu[i], ref.bmu[i]);
          BOOST_TEST(got.dist2[i] == ref.dist2[i], boost::test_tools::tolerance(1e-6f));
          BOOST_TEST(got.dist2[i] >= 0.f);
          if (wantSecond) {
            BOOST_REQUIRE_EQUAL(got.second[i], ref.second[i]);
            if (ref.second[i] >= 0)
              BOOST_TEST(got.secondDist2[i] == ref.secondDist2[i],
                         boost::test_tools::tolerance(1e-6f));
            else
              BOOST_TEST(std::isinf(got.secondDist2[i]));
          }
        }
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(som_kernels)

BOOST_AUTO_TEST_CASE(bmu_matches_reference_on_random_inputs) {
  unsigned seed = 1;
  for (std::size_t const n : {1u, 7u, 255u, 256u, 257u, 600u})
    for (std::size_t const k : {1u, 2u, 17u, 100u})
      for (std::size_t const d : {1u, 3u, 64u, 65u, 130u}) {
        if (n * k * d > 4000000) continue;
        checkAgainstReference(randomMatrix(n, d, 0., 1., seed),
                              randomMatrix(k, d, 0., 1., seed + 1), d);
        seed += 2;
      }
}

BOOST_AUTO_TEST_CASE(bmu_on_a_large_map_runs_in_bounded_blocks) {
  // The host path's product buffer holds at most 2^21 floats: 1024 rows on a 30 x 30 map,
  // 2^21 / 10^4 = 209 on a 100 x 100 one, never fewer than 64 rows.
  BOOST_TEST(vocloud::kernels::detail::bmuHostBlockRows(900) == 1024);
  BOOST_TEST(vocloud::kernels::detail::bmuHostBlockRows(10000) == 209);
  BOOST_TEST(vocloud::kernels::detail::bmuHostBlockRows(1000000) == 64);
  // 5000 nodes: blocks of 419 rows, so 1000 rows make two full blocks and a partial one,
  // all served by one worker's reused buffers.
  checkAgainstReference(randomMatrix(1000, 6, 0., 1., 71), randomMatrix(5000, 6, 0., 1., 72), 6);
}

BOOST_AUTO_TEST_CASE(bmu_is_exact_where_the_gemm_form_cancels) {
  // Rows and nodes far from the origin (|x|^2 ~ 1e6 D) but close to each other (spread 0.01):
  // the GEMM form alone loses the distances to cancellation; centring and the exact
  // refinement must still give the reference's nodes.
  std::size_t const d = 300;
  std::vector<float> const w = randomMatrix(50, d, 1000., 0.01, 11);
  std::vector<float> const x = randomMatrix(300, d, 1000., 0.01, 12);
  checkAgainstReference(x, w, d);
}

BOOST_AUTO_TEST_CASE(bmu_is_exact_on_near_ties) {
  // Values 0, 1 or 2 plus perturbations of 1e-5: many nodes are at integer distances from a
  // row up to differences of 1e-4, the size of the float GEMM's rounding. Only the exact
  // refinement picks the reference's node every time.
  std::size_t const d = 50;
  std::mt19937 rng(51);
  std::normal_distribution<double> tiny(0., 1e-5);
  auto nearInteger = [&](std::size_t rows) {
    std::vector<float> m(rows * d);
    for (auto& v : m) v = static_cast<float>(static_cast<int>(rng() % 3) + tiny(rng));
    return m;
  };
  std::vector<float> const w = nearInteger(200);
  std::vector<float> const x = nearInteger(2000);
  checkAgainstReference(x, w, d);
}

/// Largest |d~ - d| / bmuSlack over every row and node: d~ the host path's GEMM-form distance
/// (the same centring and product the search runs), d the exactly-ordered distance.
double worstBoundRatio(std::vector<float> const& x, std::vector<float> const& w, std::size_t dims) {
  namespace kd = vocloud::kernels::detail;
  std::size_t const n = x.size() / dims;
  int const nodes = static_cast<int>(w.size() / dims);
  MatrixF const xv(x.data(), n, dims);
  MatrixF const wv(w.data(), nodes, dims);
  auto const centred = kd::bmuCentreCodebook(Space(), wv);
  Space().fence();
  Eigen::Map<kd::BmuMatrixF const> const wc(centred.w.data(), nodes,
                                            static_cast<Eigen::Index>(dims));
  kd::BmuErrorBound const bound = kd::bmuErrorBound(dims);
  kd::BmuHostScratch scratch(static_cast<int>(n), nodes, static_cast<int>(dims));
  kd::bmuCentredProduct(xv, 0, static_cast<int>(n), centred, wc, scratch);
  double worst = 0.;
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < nodes; ++k) {
      double const approx =
          scratch.xNorm2[i] - 2. * static_cast<double>(scratch.s(i, k)) + centred.norm2(k);
      double const exact = kd::bmuExactDistance2(
          static_cast<int>(dims), [&](int d) { return x[i * dims + d]; },
          [&](int d) { return w[k * dims + d]; });
      double const slack = kd::bmuSlack(bound, std::sqrt(scratch.xNorm2[i]), centred.norm(k));
      worst = std::max(worst, std::abs(approx - exact) / slack);
    }
  return worst;
}

BOOST_AUTO_TEST_CASE(gemm_form_stays_within_its_error_bound) {
  // The bound is what makes the filter safe: every node it drops must truly be farther.
  // Random rows, rows far from the origin, and a constructed worst case for a float dot
  // product summed in index order: x'_0 w'_0 = 1 first, then 255 products of 0.99 2^-24,
  // each under half an ulp of 1 and lost, so the float product misses 255 * 0.99 u and the
  // distance twice that: 3/4 of the bound. A bound whose dot factor were 1.5 gamma_D instead
  // of 2.5 would fail here.
  BOOST_TEST(worstBoundRatio(randomMatrix(300, 1000, 0., 1., 61),
                             randomMatrix(90, 1000, 0., 1., 62), 1000) <= 1.);
  BOOST_TEST(worstBoundRatio(randomMatrix(200, 300, 1000., 0.01, 63),
                             randomMatrix(50, 300, 1000., 0.01, 64), 300) <= 1.);
  std::size_t const d = 256;
  std::vector<float> w(2 * d), x(3 * d);
  for (std::size_t j = 0; j < d; ++j) {
    w[j] = j == 0 ? 1.f : std::ldexp(1.f, -12);
    w[d + j] = -w[j];  // the codebook's mean is exactly 0, so w' = w
    x[j] = j == 0 ? 1.f : 0.99f * std::ldexp(1.f, -12);
    x[d + j] = -x[j];
    x[2 * d + j] = static_cast<float>(j % 7) * 0.25f;
  }
  double const worst = worstBoundRatio(x, w, d);
  BOOST_TEST_MESSAGE("constructed case: worst error / bound = " << worst);
  BOOST_TEST(worst <= 1.);
}

BOOST_AUTO_TEST_CASE(bmu_ties_go_to_the_lowest_node) {
  std::size_t const d = 5;
  std::vector<float> w = randomMatrix(12, d, 0., 1., 21);
  std::vector<float> x = randomMatrix(40, d, 0., 1., 22);
  // Nodes 3 and 7 are identical and every row sits on them: both are at distance 0.
  for (std::size_t j = 0; j < d; ++j) w[7 * d + j] = w[3 * d + j];
  for (std::size_t i = 0; i < 40; ++i)
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] = w[3 * d + j];
  for (Path const path : {Path::Host, Path::Kokkos}) {
    BmuOut const got = runKernel(path, x, w, d, true);
    for (std::size_t i = 0; i < 40; ++i) {
      BOOST_TEST(got.bmu[i] == 3);
      BOOST_TEST(got.second[i] == 7);
      BOOST_TEST(got.dist2[i] == 0.f);
      BOOST_TEST(got.secondDist2[i] == 0.f);
    }
  }
  checkAgainstReference(x, w, d);
}

BOOST_AUTO_TEST_CASE(bmu_of_a_row_does_not_depend_on_the_other_rows) {
  // What lets ranks agree with one process: a row's BMU and distance are the same whether
  // it is searched with all rows or in any slice (different block positions in the GEMM).
  std::size_t const d = 97, n = 700;
  std::vector<float> const w = randomMatrix(64, d, 5., 0.3, 31);
  std::vector<float> const x = randomMatrix(n, d, 5., 0.3, 32);
  BmuOut const all = runKernel(Path::Host, x, w, d, true);
  for (std::size_t const cut : {1u, 100u, 333u, 699u}) {
    std::vector<float> const head(x.begin(), x.begin() + cut * d);
    std::vector<float> const tail(x.begin() + cut * d, x.end());
    BmuOut const a = runKernel(Path::Host, head, w, d, true);
    BmuOut const b = runKernel(Path::Host, tail, w, d, true);
    for (std::size_t i = 0; i < n; ++i) {
      BmuOut const& part = i < cut ? a : b;
      std::size_t const j = i < cut ? i : i - cut;
      BOOST_REQUIRE_EQUAL(part.bmu[j], all.bmu[i]);
      BOOST_REQUIRE_EQUAL(part.dist2[j], all.dist2[i]);
      BOOST_REQUIRE_EQUAL(part.second[j], all.second[i]);
    }
  }
}

BOOST_AUTO_TEST_CASE(bmu_marks_non_finite_rows) {
  std::size_t const d = 4;
  std::vector<float> const w = randomMatrix(3, d, 0., 1., 41);
  std::vector<float> x = randomMatrix(5, d, 0., 1., 42);
  x[2 * d + 1] = std::nanf("");
  for (Path const path : {Path::Host, Path::Kokkos}) {
    BmuOut const got = runKernel(path, x, w, d, false);
    BOOST_TEST(got.bmu[2] == -1);
    BOOST_TEST(std::isinf(got.dist2[2]));
    BOOST_TEST(got.bmu[1] >= 0);
  }
}

BOOST_AUTO_TEST_CASE(accumulate_matches_reference) {
  for (std::size_t const d : {1u, 7u, 130u})
    for (std::size_t const k : {1u, 5u, 33u}) {
      std::size_t const n = 1001;
      std::vector<float> const x = randomMatrix(n, d, 3., 2., static_cast<unsigned>(d * 100 + k));
      std::mt19937 rng(static_cast<unsigned>(k));
      std::vector<int> bmu(n);
      // Some rows carry an invalid BMU (-1 or K) and must be skipped.
      for (auto& b : bmu) b = static_cast<int>(rng() % (k + 2)) - 1;
      std::vector<double> refSums, refCounts;
      vocloud::kernels::accumulateByNodeReference(x, bmu, d, k, refSums, refCounts);
      // Start from non-zero contents: the kernel adds.
      std::vector<double> sums(k * d, 1.), counts(k, 2.);
      vocloud::kernels::accumulateByNode(
          Space(), MatrixF(x.data(), n, d),
          Kokkos::View<int const*, Kokkos::HostSpace, Unmanaged>(bmu.data(), n),
          Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>(sums.data(), k,
                                                                                    d),
          Kokkos::View<double*, Kokkos::HostSpace, Unmanaged>(counts.data(), k));
      double absSum = 0.;
      for (float const v : x) absSum += std::abs(double(v));
      double const bound = 2. * (n - 1) * std::ldexp(1., -53) * absSum;
      for (std::size_t i = 0; i < k * d; ++i)
        BOOST_TEST(std::abs(sums[i] - 1. - refSums[i]) <= bound);
      for (std::size_t j = 0; j < k; ++j) BOOST_TEST(counts[j] - 2. == refCounts[j]);
    }
}

BOOST_AUTO_TEST_CASE(fixed_point_rounds_halves_away_from_zero) {
  // By hand, scale 1: the nearest integer, halves away from zero, -0 to 0.
  vocloud::kernels::detail::AsFixedPoint const fixed{1.};
  float const value[] = {2.5f,  -2.5f,  0.5f, -0.5f, -0.f,  0.f,
                         0.49f, -0.49f, 1.5f, -1.5f, 7.75f, -7.75f};
  std::int64_t const expected[] = {3, -3, 1, -1, 0, 0, 0, 0, 2, -2, 8, -8};
  for (std::size_t i = 0; i < std::size(value); ++i)
    BOOST_TEST(fixed(value[i]) == expected[i], "value " << value[i]);
  // Scaled: 2^-3 steps of 0.1 (-0.375 -> -0.4 x 8 = -3.2 -> -3).
  vocloud::kernels::detail::AsFixedPoint const eighths{8.};
  BOOST_TEST(eighths(-0.4f) == -3);
  BOOST_TEST(eighths(0.4375f) == 4);  // 3.5 -> 4
  BOOST_TEST(eighths(-0.4375f) == -4);
}

BOOST_AUTO_TEST_CASE(fixed_point_narrow_form_equals_the_plain_one) {
  // The vectorised form must give the plain form's integer for every value below 2^51 of
  // the scale: the hand-checked values above, halves and near-halves of both signs at several
  // scales, and random floats over many magnitudes up to just under 2^51.
  using vocloud::kernels::detail::AsFixedPoint;
  std::mt19937 rng(81);
  std::uniform_real_distribution<double> unit(-1., 1.);
  for (double const scale : {1., 8., 0.25, std::ldexp(1., 20), std::ldexp(1., -30)}) {
    AsFixedPoint const fixed{scale};
    std::vector<float> values = {2.5f, -2.5f, 0.5f, -0.5f, -0.f, 0.f, 0.49f, -0.49f, 7.75f};
    for (int j = -40; j <= 40; ++j) {  // j + 0.5 and its float neighbours, in scaled units
      float const half = static_cast<float>((j + 0.5) / scale);
      values.insert(values.end(),
                    {half, std::nextafter(half, 1e30f), std::nextafter(half, -1e30f), -half});
    }
    for (int j = 0; j < 20000; ++j)
      values.push_back(
          static_cast<float>(std::ldexp(unit(rng), static_cast<int>(rng() % 50)) / scale));
    for (float const v : values) {
      if (!(std::fabs(static_cast<double>(v) * scale) < std::ldexp(1., 51))) continue;
      BOOST_TEST_CONTEXT("value " << v << " scale " << scale) {
        BOOST_TEST(fixed.fitsNarrow(&v, 1));
        BOOST_REQUIRE_EQUAL(fixed.narrow(v), fixed(v));
      }
    }
  }
  // A row with one value at 2^51 of the scale takes the plain form.
  AsFixedPoint const big{1.};
  float const row[] = {1.f, -std::ldexp(1.f, 51), 3.f};
  BOOST_TEST(!big.fitsNarrow(row, 3));
  BOOST_TEST(big.fitsNarrow(row, 1));
}

BOOST_AUTO_TEST_CASE(accumulate_is_exact_on_dyadic_values) {
  std::size_t const n = 5000, d = 9, k = 4;
  std::mt19937 rng(5);
  std::vector<float> x(n * d);
  for (auto& v : x) v = static_cast<float>(static_cast<int>(rng() % 20001) - 10000) / 1024.f;
  std::vector<int> bmu(n);
  for (auto& b : bmu) b = static_cast<int>(rng() % k);
  std::vector<double> refSums, refCounts;
  vocloud::kernels::accumulateByNodeReference(x, bmu, d, k, refSums, refCounts);
  // Reverse row order: a different summation order gives identical sums.
  std::vector<float> xr(n * d);
  std::vector<int> br(n);
  for (std::size_t i = 0; i < n; ++i) {
    br[i] = bmu[n - 1 - i];
    for (std::size_t j = 0; j < d; ++j) xr[i * d + j] = x[(n - 1 - i) * d + j];
  }
  std::vector<double> sums(k * d, 0.), counts(k, 0.);
  vocloud::kernels::accumulateByNode(
      Space(), MatrixF(xr.data(), n, d),
      Kokkos::View<int const*, Kokkos::HostSpace, Unmanaged>(br.data(), n),
      Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>(sums.data(), k, d),
      Kokkos::View<double*, Kokkos::HostSpace, Unmanaged>(counts.data(), k));
  BOOST_TEST(sums == refSums, boost::test_tools::per_element());
  BOOST_TEST(counts == refCounts, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
