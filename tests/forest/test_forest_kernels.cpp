// Forest kernels against their plain host references: class histograms of random node
// ranges (exact integer counts, so equal element by element), predictions of a trained
// forest (the same sums in the same order, so bitwise equal), and binOf against
// std::upper_bound.
#include "comm/comm.hpp"
#include "forest/binning.hpp"
#include "forest/forest_model.hpp"
#include "forest/forest_train.hpp"
#include "forest_test_data.hpp"
#include "kernels/forest_histogram.hpp"
#include "kernels/forest_predict.hpp"

#include <Kokkos_Core.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace vocloud;

namespace {
using Space = Kokkos::DefaultHostExecutionSpace;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
}  // namespace

BOOST_AUTO_TEST_SUITE(forest_kernels)

BOOST_AUTO_TEST_CASE(histogram_kernel_equals_reference) {
  std::mt19937 rng(5);
  for (int const classes : {1, 2, 5}) {
    for (int const bins : {2, 17, 256}) {
      std::size_t const rows = 1000, features = 7;
      std::vector<std::uint8_t> binned(rows * features);
      for (auto& b : binned) b = std::uint8_t(rng() % bins);
      std::vector<int> positions;
      for (std::size_t i = 0; i < rows; ++i)
        if (rng() % 3) positions.push_back(int(i));
      std::vector<std::uint8_t> labels(positions.size());
      std::vector<std::uint32_t> weights(positions.size());
      for (auto& l : labels) l = std::uint8_t(rng() % classes);
      for (auto& w : weights) w = rng() % 4;
      std::vector<kernels::ForestHistogramTask> tasks;
      std::int64_t const stride = std::int64_t(bins) * classes;
      for (int t = 0; t < 12; ++t) {
        int a = int(rng() % positions.size()), b = int(rng() % positions.size());
        if (a > b) std::swap(a, b);
        tasks.push_back({a, b, int(rng() % features), t * stride});
      }
      std::vector<std::uint32_t> expected, got(tasks.size() * stride, 12345u);
      kernels::buildClassHistogramsReference(binned, rows, positions, labels, weights, tasks,
                                             expected, bins, classes);
      Kokkos::View<std::uint8_t const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged> bv(
          binned.data(), features, rows);
      Kokkos::View<int const*, Kokkos::HostSpace, Unmanaged> pv(positions.data(), positions.size());
      Kokkos::View<std::uint8_t const*, Kokkos::HostSpace, Unmanaged> lv(labels.data(),
                                                                         labels.size());
      Kokkos::View<std::uint32_t const*, Kokkos::HostSpace, Unmanaged> wv(weights.data(),
                                                                          weights.size());
      Kokkos::View<kernels::ForestHistogramTask const*, Kokkos::HostSpace, Unmanaged> tv(
          tasks.data(), tasks.size());
      Kokkos::View<std::uint32_t*, Kokkos::HostSpace, Unmanaged> hv(got.data(), got.size());
      kernels::buildClassHistograms(Space(), bv, pv, lv, wv, tv, hv, bins, classes);
      BOOST_TEST(got == expected, boost::test_tools::per_element());
      // Invariant: each task's counts sum to the weights of its range.
      for (auto const& task : tasks) {
        std::uint64_t sum = 0, want = 0;
        for (std::int64_t e = 0; e < stride; ++e) sum += got[task.offset + e];
        for (int k = task.begin; k < task.end; ++k) want += weights[k];
        BOOST_TEST(sum == want);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(bin_of_is_upper_bound) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  for (int count : {0, 1, 2, 3, 7, 64, 255}) {
    std::vector<float> edges(count);
    for (auto& e : edges) e = normal(rng);
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    int const n = int(edges.size());
    std::vector<float> values = {std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity()};
    for (int i = 0; i < 500; ++i) values.push_back(normal(rng));
    values.insert(values.end(), edges.begin(), edges.end());  // exactly on an edge
    for (float v : values)
      BOOST_TEST(forest::binOf(edges.data(), n, v) ==
                 int(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin()));
    BOOST_TEST(forest::binOf(edges.data(), n, std::nanf("")) == n);  // NaN: last bin
  }
}

BOOST_AUTO_TEST_CASE(predict_kernel_equals_reference) {
  auto const comm = comm::Comm::world();
  if (comm.size() != 1) return;
  int const d = 6;
  auto const data = forest::testdata::noisyBlock(0, 800, d, 0.1);
  forest::ForestConfig config;
  config.trees = 9;
  config.seed = 4;
  forest::ForestShard const shard{data.x.data(), data.labels.size(), d, 0, data.labels.data(), 3,
                                  nullptr};
  auto const r = forest::trainForest(config, comm, shard);
  forest::ForestModel const& m = r.model;
  forest::validateForestModel(m);
  // Rows the forest has never seen, with NaN and infinities in some of them.
  auto probe = forest::testdata::noisyBlock(5000, 5300, d, 0.);
  probe.x[3] = std::nanf("");
  probe.x[10] = std::numeric_limits<float>::infinity();
  probe.x[17] = -std::numeric_limits<float>::infinity();
  auto const expected = kernels::forestPredictProbaReference(
      probe.x, d, m.treeOffsets, m.feature, m.threshold, m.left, m.right, m.value, m.classes);
  auto const got = forest::predictProba(m, probe.x.data(), probe.labels.size());
  BOOST_TEST(got == expected, boost::test_tools::per_element());
  for (std::size_t i = 0; i < probe.labels.size(); ++i) {
    double sum = 0.;
    for (int c = 0; c < 3; ++c) sum += got[i * 3 + c];
    BOOST_TEST(std::abs(sum - 1.) < 1e-6);
  }
}

BOOST_AUTO_TEST_SUITE_END()
