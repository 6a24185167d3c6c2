// Every kernel on every execution space the build has (Serial in the Debian build; Serial and
// OpenMP in the build of scripts/kernels-openmp), against its plain host reference:
//   - class histograms: integer counts, equal element by element, on many tasks so that a
//     parallel backend splits them over threads;
//   - forest prediction on random flat forests: the same double sums in the same order,
//     bitwise equal;
//   - BMU search, host (SGEMM) and portable paths: the reference's node for every row and its
//     distance to 1e-6 relative (see tests/som/test_som_kernels.cpp), on several host blocks;
//   - per-node accumulation: fixed point bitwise equal to the reference on any backend; double
//     sums within the bound 2 (n - 1) 2^-53 sum |x| of a reordering, and on a host backend
//     (each node's rows in index order, whatever the thread count) bitwise equal to the
//     reference (som_accumulate.hpp promises both);
//   - forEachHostBlock: every block runs exactly once.
// Inputs live in the space's memory (copied there), so the same cases run on a device space.
#include "kernel_spaces.hpp"
#include "kernels/forest_histogram.hpp"
#include "kernels/forest_predict.hpp"
#include "kernels/host_blocks.hpp"
#include "kernels/som_accumulate.hpp"
#include "kernels/som_bmu.hpp"

#include <Kokkos_Core.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

namespace kernels = vocloud::kernels;

using Spaces = vocloud::test::HostSpaces;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;

/// A copy of a host vector in Space's memory.
template <class Space, class T>
Kokkos::View<T*, typename Space::memory_space> toSpace(std::vector<T> const& v) {
  Kokkos::View<T const*, Kokkos::HostSpace, Unmanaged> const host(v.data(), v.size());
  Kokkos::View<T*, typename Space::memory_space> copy(
      Kokkos::view_alloc(Kokkos::WithoutInitializing, "vocloud::test::copy"), v.size());
  Kokkos::deep_copy(copy, host);
  return copy;
}

/// A copy of a row-major host matrix (rows x cols) in Space's memory.
template <class Space, class T>
Kokkos::View<T**, Kokkos::LayoutRight, typename Space::memory_space> toSpace(
    std::vector<T> const& v, std::size_t rows, std::size_t cols) {
  Kokkos::View<T const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged> const host(v.data(),
                                                                                        rows, cols);
  Kokkos::View<T**, Kokkos::LayoutRight, typename Space::memory_space> copy(
      Kokkos::view_alloc(Kokkos::WithoutInitializing, "vocloud::test::copy"), rows, cols);
  Kokkos::deep_copy(copy, host);
  return copy;
}

/// The contents of a view of Space's memory as a host vector (row-major for matrices).
template <class View>
std::vector<typename View::non_const_value_type> toHost(View const& view) {
  auto const host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), view);
  return std::vector<typename View::non_const_value_type>(host.data(), host.data() + host.span());
}

std::vector<float> randomMatrix(std::size_t rows, std::size_t cols, double offset, double spread,
                                unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0., spread);
  std::vector<float> m(rows * cols);
  for (auto& v : m) v = static_cast<float>(offset + normal(rng));
  return m;
}

// ---- forest ----------------------------------------------------------------------------

struct HistogramCase {
  std::size_t rows = 0, features = 0;
  int bins = 0, classes = 0;
  std::vector<std::uint8_t> binned, labels;
  std::vector<int> positions;
  std::vector<std::uint32_t> weights;
  std::vector<kernels::ForestHistogramTask> tasks;
};

/// Random binned data and `taskCount` tasks over random position ranges, each with its own
/// histogram range.
HistogramCase makeHistogramCase(std::mt19937& rng, std::size_t rows, int bins, int classes,
                                int taskCount) {
  HistogramCase c;
  c.rows = rows;
  c.features = 7;
  c.bins = bins;
  c.classes = classes;
  c.binned.resize(rows * c.features);
  for (auto& b : c.binned) b = std::uint8_t(rng() % bins);
  for (std::size_t i = 0; i < rows; ++i)
    if (rng() % 3) c.positions.push_back(int(i));
  c.labels.resize(c.positions.size());
  c.weights.resize(c.positions.size());
  for (auto& l : c.labels) l = std::uint8_t(rng() % classes);
  for (auto& w : c.weights) w = rng() % 4;
  std::int64_t const stride = std::int64_t(bins) * classes;
  for (int t = 0; t < taskCount; ++t) {
    int a = int(rng() % c.positions.size()), b = int(rng() % c.positions.size());
    if (a > b) std::swap(a, b);
    c.tasks.push_back({a, b, int(rng() % c.features), t * stride});
  }
  return c;
}

template <class Space>
std::vector<std::uint32_t> runHistogram(HistogramCase const& c) {
  std::int64_t const stride = std::int64_t(c.bins) * c.classes;
  std::vector<std::uint32_t> const poisoned(c.tasks.size() * stride, 12345u);
  auto const hist = toSpace<Space>(poisoned);
  kernels::buildClassHistograms(Space(), toSpace<Space>(c.binned, c.features, c.rows),
                                toSpace<Space>(c.positions), toSpace<Space>(c.labels),
                                toSpace<Space>(c.weights), toSpace<Space>(c.tasks), hist, c.bins,
                                c.classes);
  return toHost(hist);
}

/// A random flat forest in forest_predict.hpp's layout: `trees` trees of random shape (depth
/// at most 7) over `features` features, leaves holding random class distributions.
struct FlatForest {
  std::vector<std::int64_t> treeOffsets{0};
  std::vector<std::int32_t> feature, left, right;
  std::vector<float> threshold, value;
};

/// Appends the subtree rooted at a new node of the tree starting at `base`; returns its
/// tree-local index.
std::int32_t growNode(FlatForest& f, std::mt19937& rng, std::int64_t base, int depth, int features,
                      int classes) {
  std::int32_t const index = std::int32_t(std::int64_t(f.feature.size()) - base);
  f.feature.push_back(-1);
  f.threshold.push_back(0.f);
  f.left.push_back(-1);
  f.right.push_back(-1);
  std::size_t const at = f.feature.size() - 1;
  std::uniform_real_distribution<float> uniform(0.f, 1.f);
  for (int c = 0; c < classes; ++c) f.value.push_back(0.f);
  if (depth < 7 && rng() % 5 != 0) {
    f.feature[at] = int(rng() % features);
    f.threshold[at] = std::normal_distribution<float>(0.f, 1.f)(rng);
    std::int32_t const l = growNode(f, rng, base, depth + 1, features, classes);
    std::int32_t const r = growNode(f, rng, base, depth + 1, features, classes);
    f.left[at] = l;
    f.right[at] = r;
    return index;
  }
  float total = 0.f;
  for (int c = 0; c < classes; ++c) total += f.value[at * classes + c] = uniform(rng) + 0.01f;
  for (int c = 0; c < classes; ++c) f.value[at * classes + c] /= total;
  return index;
}

FlatForest randomForest(std::mt19937& rng, int trees, int features, int classes) {
  FlatForest f;
  for (int t = 0; t < trees; ++t) {
    growNode(f, rng, f.treeOffsets.back(), 0, features, classes);
    f.treeOffsets.push_back(std::int64_t(f.feature.size()));
  }
  return f;
}

// ---- SOM -------------------------------------------------------------------------------

struct BmuOut {
  std::vector<int> bmu, second;
  std::vector<float> dist2, secondDist2;
};

template <class Space>
BmuOut runBmu(bool portable, std::vector<float> const& x, std::vector<float> const& w,
              std::size_t dims) {
  std::size_t const n = x.size() / dims, k = w.size() / dims;
  using Memory = typename Space::memory_space;
  auto const xv = toSpace<Space>(x, n, dims);
  auto const wv = toSpace<Space>(w, k, dims);
  Kokkos::View<int*, Memory> bmu("bmu", n), second("second", n);
  Kokkos::View<float*, Memory> dist2("dist2", n), secondDist2("secondDist2", n);
  if (portable)
    kernels::bmuSearchKokkos(Space(), xv, wv, bmu, dist2, second, secondDist2, true);
  else
    kernels::bmuSearchTopTwo(Space(), xv, wv, bmu, dist2, second, secondDist2);
  return BmuOut{toHost(bmu), toHost(second), toHost(dist2), toHost(secondDist2)};
}

template <class Space, class Sum>
std::pair<std::vector<Sum>, std::vector<Sum>> runAccumulate(std::vector<float> const& x,
                                                            std::vector<int> const& bmu,
                                                            std::size_t dims, std::size_t nodes,
                                                            double const* fixedScale) {
  std::size_t const n = bmu.size();
  auto const sums = toSpace<Space>(std::vector<Sum>(nodes * dims, Sum(0)), nodes, dims);
  auto const counts = toSpace<Space>(std::vector<Sum>(nodes, Sum(0)));
  auto const xv = toSpace<Space>(x, n, dims);
  auto const bv = toSpace<Space>(bmu);
  if constexpr (std::is_same<Sum, std::int64_t>::value)
    kernels::accumulateByNodeFixed(Space(), xv, bv, *fixedScale, sums, counts);
  else
    kernels::accumulateByNode(Space(), xv, bv, sums, counts);
  return {toHost(sums), toHost(counts)};
}

/// Rows of `dims` values around 3 and their nodes, some outside [0, nodes) (skipped).
std::pair<std::vector<float>, std::vector<int>> accumulateInputs(std::size_t n, std::size_t dims,
                                                                 std::size_t nodes) {
  std::vector<float> const x = randomMatrix(n, dims, 3., 2., unsigned(dims * 100 + nodes));
  std::mt19937 rng{static_cast<unsigned>(nodes)};
  std::vector<int> bmu(n);
  for (auto& b : bmu) b = int(rng() % (nodes + 2)) - 1;
  return {x, bmu};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kernel_spaces)

BOOST_AUTO_TEST_CASE_TEMPLATE(histogram_equals_reference, Space, Spaces) {
  BOOST_TEST_MESSAGE(Space::name() << ": concurrency " << Space().concurrency());
  std::mt19937 rng(5);
  for (int const classes : {1, 2, 5})
    for (int const bins : {2, 17, 256}) {
      HistogramCase const c = makeHistogramCase(rng, 3000, bins, classes, 200);
      std::vector<std::uint32_t> expected;
      kernels::buildClassHistogramsReference(c.binned, c.rows, c.positions, c.labels, c.weights,
                                             c.tasks, expected, bins, classes);
      std::vector<std::uint32_t> const got = runHistogram<Space>(c);
      BOOST_TEST_CONTEXT(Space::name() << " bins " << bins << " classes " << classes) {
        BOOST_TEST(got == expected, boost::test_tools::per_element());
        // Invariant: each task's counts sum to the weights of its range.
        std::int64_t const stride = std::int64_t(bins) * classes;
        for (auto const& task : c.tasks) {
          std::uint64_t sum = 0, want = 0;
          for (std::int64_t e = 0; e < stride; ++e) sum += got[task.offset + e];
          for (int k = task.begin; k < task.end; ++k) want += c.weights[k];
          BOOST_TEST(sum == want);
        }
      }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(predict_equals_reference_bitwise, Space, Spaces) {
  std::mt19937 rng(9);
  int const features = 6, classes = 3, trees = 25;
  std::size_t const rows = 2000;
  FlatForest const f = randomForest(rng, trees, features, classes);
  std::vector<float> x = randomMatrix(rows, features, 0., 1.2, 10);
  x[3] = std::nanf("");
  x[10] = std::numeric_limits<float>::infinity();
  x[17] = -std::numeric_limits<float>::infinity();
  std::vector<double> const expected = kernels::forestPredictProbaReference(
      x, features, f.treeOffsets, f.feature, f.threshold, f.left, f.right, f.value, classes);
  Kokkos::View<double**, Kokkos::LayoutRight, typename Space::memory_space> out("out", rows,
                                                                                classes);
  kernels::forestPredictProba(Space(), toSpace<Space>(x, rows, features),
                              toSpace<Space>(f.treeOffsets), toSpace<Space>(f.feature),
                              toSpace<Space>(f.threshold), toSpace<Space>(f.left),
                              toSpace<Space>(f.right), toSpace<Space>(f.value), out);
  std::vector<double> const got = toHost(out);
  BOOST_TEST_CONTEXT(Space::name()) {
    BOOST_TEST(got == expected, boost::test_tools::per_element());
    for (std::size_t i = 0; i < rows; ++i) {
      double sum = 0.;
      for (int c = 0; c < classes; ++c) sum += got[i * classes + c];
      BOOST_TEST(std::abs(sum - 1.) < 1e-5);
    }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(bmu_equals_reference_over_several_blocks, Space, Spaces) {
  // 3100 rows: three full host blocks of 1024 rows and a partial one, so a parallel host
  // backend runs blocks on different threads; the portable path runs many row tiles.
  std::size_t const n = 3100;
  for (std::size_t const d : {33u, 130u}) {
    for (std::size_t const k : {1u, 40u}) {
      std::vector<float> const w = randomMatrix(k, d, 2., 1., unsigned(d + k));
      std::vector<float> x = randomMatrix(n, d, 2., 1., unsigned(d * k + 1));
      x[1500 * d + 7] = std::nanf("");
      BmuOut ref;
      kernels::bmuSearchReference(x, w, d, ref.bmu, ref.dist2, &ref.second, &ref.secondDist2);
      for (bool const portable : {false, true}) {
        BmuOut const got = runBmu<Space>(portable, x, w, d);
        for (std::size_t i = 0; i < n; ++i) {
          BOOST_TEST_CONTEXT(Space::name() << (portable ? " portable" : " host") << " D " << d
                                           << " K " << k << " row " << i) {
            BOOST_REQUIRE_EQUAL(got.bmu[i], ref.bmu[i]);
            BOOST_REQUIRE_EQUAL(got.second[i], ref.second[i]);
            if (ref.bmu[i] >= 0)
              BOOST_TEST(got.dist2[i] == ref.dist2[i], boost::test_tools::tolerance(1e-6f));
            else
              BOOST_TEST(std::isinf(got.dist2[i]));
            if (ref.second[i] >= 0)
              BOOST_TEST(got.secondDist2[i] == ref.secondDist2[i],
                         boost::test_tools::tolerance(1e-6f));
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(accumulate_fixed_point_equals_reference_bitwise, Space, Spaces) {
  std::size_t const n = 4001;
  double const scale = std::ldexp(1., 20);
  for (std::size_t const d : {1u, 130u})
    for (std::size_t const k : {1u, 33u}) {
      auto const [x, bmu] = accumulateInputs(n, d, k);
      std::vector<std::int64_t> refSums, refCounts;
      kernels::accumulateByNodeFixedReference(x, bmu, d, k, scale, refSums, refCounts);
      auto const got = runAccumulate<Space, std::int64_t>(x, bmu, d, k, &scale);
      BOOST_TEST_CONTEXT(Space::name() << " D " << d << " K " << k) {
        BOOST_TEST(got.first == refSums, boost::test_tools::per_element());
        BOOST_TEST(got.second == refCounts, boost::test_tools::per_element());
      }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(accumulate_double_is_within_the_reordering_bound, Space, Spaces) {
  std::size_t const n = 4001;
  for (std::size_t const d : {1u, 130u})
    for (std::size_t const k : {1u, 33u}) {
      auto const [x, bmu] = accumulateInputs(n, d, k);
      std::vector<double> refSums, refCounts;
      kernels::accumulateByNodeReference(x, bmu, d, k, refSums, refCounts);
      auto const got = runAccumulate<Space, double>(x, bmu, d, k, nullptr);
      double absSum = 0.;
      for (float const v : x) absSum += std::abs(double(v));
      double const bound = 2. * double(n - 1) * std::ldexp(1., -53) * absSum;
      BOOST_TEST_CONTEXT(Space::name() << " D " << d << " K " << k) {
        for (std::size_t i = 0; i < k * d; ++i)
          BOOST_TEST(std::abs(got.first[i] - refSums[i]) <= bound);
        BOOST_TEST(got.second == refCounts, boost::test_tools::per_element());
        if constexpr (kernels::detail::kBmuHostSpace<Space>) {
          // A host backend adds each node's rows in index order, as the reference does.
          BOOST_TEST(got.first == refSums, boost::test_tools::per_element());
        }
      }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(host_blocks_run_each_block_once, Space, Spaces) {
  if constexpr (kernels::detail::kBmuHostSpace<Space>) {
    std::size_t const blocks = 1000;
    // One slot per block: blocks never share a slot, so plain increments are race-free and
    // a block run twice (or never) shows as a count other than 1.
    std::vector<int> runs(blocks, 0);
    kernels::forEachHostBlock(Space(), "vocloud::test::host_blocks", blocks,
                              [&](std::size_t const b) { ++runs[b]; });
    BOOST_TEST(runs == std::vector<int>(blocks, 1), boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_SUITE_END()
