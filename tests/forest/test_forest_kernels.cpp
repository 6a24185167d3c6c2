// Forest kernels against their plain host references: predictions of a trained forest (the
// same sums in the same order, so bitwise equal) and binOf against std::upper_bound. The
// class histogram kernel is tested on every execution space in tests/kernels.
#include "comm/comm.hpp"
#include "forest/binning.hpp"
#include "forest/forest_model.hpp"
#include "forest/forest_train.hpp"
#include "forest_test_data.hpp"
#include "kernels/forest_predict.hpp"

#include <Kokkos_Core.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace vocloud;

BOOST_AUTO_TEST_SUITE(forest_kernels)

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
