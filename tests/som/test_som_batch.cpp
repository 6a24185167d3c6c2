// Batch SOM epochs by hand, the partition invariance that makes the distributed map equal
// the serial one, training on separated blobs, determinism and initialisation.
#include "core/error.hpp"
#include "som/batch_som.hpp"
#include "som/som_init.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

using namespace vocloud::som;

namespace {

/// Three blobs of `perBlob` rows each in `dims` dimensions, centred 10 apart on the first
/// three axes, with standard deviation 0.5; labels[i] is the blob of row i.
std::vector<float> blobs(std::size_t perBlob, std::size_t dims, unsigned seed,
                         std::vector<int>& labels) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0., 0.5);
  std::vector<float> rows;
  labels.clear();
  for (std::size_t i = 0; i < 3 * perBlob; ++i) {
    int const blob = static_cast<int>(i % 3);
    labels.push_back(blob);
    for (std::size_t d = 0; d < dims; ++d)
      rows.push_back(
          static_cast<float>((d == static_cast<std::size_t>(blob) ? 10. : 0.) + noise(rng)));
  }
  return rows;
}

/// Rows of small integers / 1024: their double sums are exact in any order.
std::vector<float> dyadicRows(std::size_t n, std::size_t dims, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<float> rows(n * dims);
  for (auto& v : rows) v = static_cast<float>(static_cast<int>(rng() % 8193) - 4096) / 1024.f;
  return rows;
}

/// Whether a set of nodes is connected through grid neighbours.
bool connected(SomGrid const& grid, std::set<int> const& nodes) {
  if (nodes.empty()) return true;
  std::set<int> seen{*nodes.begin()};
  std::vector<int> stack{*nodes.begin()};
  while (!stack.empty()) {
    int const k = stack.back();
    stack.pop_back();
    for (int const j : gridNeighbours(grid, k, true))
      if (nodes.count(j) && seen.insert(j).second) stack.push_back(j);
  }
  return seen.size() == nodes.size();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(som_batch)

BOOST_AUTO_TEST_CASE(one_epoch_by_hand) {
  // A 1 x 2 map in 2-D with nodes at (0, 0) and (10, 0); four points, two near each node.
  Codebook codebook;
  codebook.grid = SomGrid{1, 2, false, false};
  codebook.dims = 2;
  codebook.weights = {0.f, 0.f, 10.f, 0.f};
  std::vector<float> const rows = {1.f, 1.f, -1.f, 1.f, 9.f, 0.f, 12.f, 2.f};
  EpochPartial const partial = localEpoch(codebook, rows.data(), 4, 2);
  BOOST_TEST(partial.counts == (std::vector<double>{2., 2.}), boost::test_tools::per_element());
  BOOST_TEST(partial.sums == (std::vector<double>{0., 2., 21., 2.}),
             boost::test_tools::per_element());
  BOOST_TEST(partial.rows == 4.);
  BOOST_TEST(partial.distanceSum == 2. * std::sqrt(2.) + 1. + std::sqrt(8.),
             boost::test_tools::tolerance(1e-12));

  // Bubble of radius 0: each node moves to the mean of its own rows (a k-means step).
  SomConfig config;
  config.grid = codebook.grid;
  config.neighbourhood = "bubble";
  config.radius0 = 0.;
  config.radiusN = 0.;
  config.epochs = 1;
  Codebook kmeans = codebook;
  applyEpoch(kmeans, partial, config, 0);
  BOOST_TEST(kmeans.weights == (std::vector<float>{0.f, 1.f, 10.5f, 1.f}),
             boost::test_tools::per_element());

  // Gaussian of radius 1: h(0, 1) = exp(-1/2), so node 0 becomes
  // (S0 + h S1) / (N0 + h N1) = ((0, 2) + h (21, 2)) / (2 + 2h), and symmetrically node 1.
  config.neighbourhood = "gaussian";
  config.radius0 = 1.;
  config.radiusN = 1.;
  Codebook smooth = codebook;
  applyEpoch(smooth, partial, config, 0);
  double const h = std::exp(-0.5);
  BOOST_TEST(smooth.weights[0] == static_cast<float>(21. * h / (2. + 2. * h)));
  BOOST_TEST(smooth.weights[1] == 1.f);
  BOOST_TEST(smooth.weights[2] == static_cast<float>(21. / (2. + 2. * h)));
  BOOST_TEST(smooth.weights[3] == 1.f);
}

BOOST_AUTO_TEST_CASE(nodes_without_rows_in_reach_keep_their_weights) {
  Codebook codebook;
  codebook.grid = SomGrid{1, 3, false, false};
  codebook.dims = 1;
  codebook.weights = {0.f, 5.f, 100.f};
  std::vector<float> const rows = {1.f, 2.f, 6.f};
  SomConfig config;
  config.grid = codebook.grid;
  config.neighbourhood = "bubble";
  config.radius0 = 0.;
  config.epochs = 1;
  applyEpoch(codebook, localEpoch(codebook, rows.data(), 3, 1), config, 0);
  BOOST_TEST(codebook.weights == (std::vector<float>{1.5f, 6.f, 100.f}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(partials_of_two_halves_add_up_to_the_whole) {
  std::size_t const n = 1001, dims = 37;
  SomConfig config;
  config.grid = SomGrid{5, 4, false, false};
  config.seed = 3;
  std::mt19937 rng(9);
  std::normal_distribution<double> normal(2., 3.);
  std::vector<float> rows(n * dims);
  for (auto& v : rows) v = static_cast<float>(normal(rng));
  Codebook const codebook = initialiseRandom(config, localDataRange(rows.data(), n, dims));
  EpochPartial const whole = localEpoch(codebook, rows.data(), n, dims);
  EpochPartial sum = localEpoch(codebook, rows.data(), 400, dims);
  addPartial(sum, localEpoch(codebook, rows.data() + 400 * dims, n - 400, dims));
  // Counts are exact; sums of the same float values in another order agree within
  // 2 (n - 1) 2^-53 sum |x| (kernels/som_accumulate.hpp).
  BOOST_TEST(sum.counts == whole.counts, boost::test_tools::per_element());
  double absSum = 0.;
  for (float const v : rows) absSum += std::abs(double(v));
  double const bound = 2. * (n - 1) * std::ldexp(1., -53) * absSum;
  for (std::size_t i = 0; i < whole.sums.size(); ++i)
    BOOST_TEST(std::abs(sum.sums[i] - whole.sums[i]) <= bound);
  BOOST_TEST(sum.rows == whole.rows);
  BOOST_TEST(sum.distanceSum == whole.distanceSum, boost::test_tools::tolerance(1e-12));

  // On values whose sums are exact the partials are identical, and so is the update.
  std::vector<float> const exact = dyadicRows(n, dims, 10);
  EpochPartial const wholeExact = localEpoch(codebook, exact.data(), n, dims);
  EpochPartial sumExact = localEpoch(codebook, exact.data(), 777, dims);
  addPartial(sumExact, localEpoch(codebook, exact.data() + 777 * dims, n - 777, dims));
  BOOST_TEST(sumExact.sums == wholeExact.sums, boost::test_tools::per_element());
  BOOST_TEST(sumExact.counts == wholeExact.counts, boost::test_tools::per_element());
  Codebook a = codebook, b = codebook;
  applyEpoch(a, wholeExact, config, 0);
  applyEpoch(b, sumExact, config, 0);
  BOOST_TEST(a.weights == b.weights, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(three_shards_train_the_same_map_as_one_process) {
  // What the distributed layer does (partials of each shard summed, the same update
  // everywhere), simulated with three shards of unequal size; on dyadic data the sums are
  // exact, so the maps are bitwise equal.
  std::size_t const n = 900, dims = 12;
  std::vector<float> const rows = dyadicRows(n, dims, 21);
  SomConfig config;
  config.grid = SomGrid{4, 6, true, false};
  config.epochs = 6;
  config.seed = 5;
  Codebook const serial = trainSerial(config, rows.data(), n, dims);
  std::size_t const cuts[] = {0, 250, 251, n};
  DataRange range = localDataRange(rows.data(), 0, dims);
  for (int s = 0; s < 3; ++s) {
    DataRange const local =
        localDataRange(rows.data() + cuts[s] * dims, cuts[s + 1] - cuts[s], dims);
    for (std::size_t d = 0; d < dims; ++d) {
      range.min[d] = std::min(range.min[d], local.min[d]);
      range.max[d] = std::max(range.max[d], local.max[d]);
    }
  }
  Codebook sharded = initialiseRandom(config, range);
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    EpochPartial reduced = localEpoch(sharded, rows.data(), 0, dims);
    for (int s = 0; s < 3; ++s)
      addPartial(reduced,
                 localEpoch(sharded, rows.data() + cuts[s] * dims, cuts[s + 1] - cuts[s], dims));
    applyEpoch(sharded, reduced, config, epoch);
  }
  BOOST_TEST(sharded.weights == serial.weights, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(updating_slices_of_nodes_equals_updating_all) {
  std::size_t const n = 400, dims = 8;
  std::vector<float> const rows = dyadicRows(n, dims, 31);
  SomConfig config;
  config.grid = SomGrid{20, 30, false, true};  // 600 nodes: several 256-node blocks
  config.epochs = 3;
  Codebook const start = initialiseRandom(config, localDataRange(rows.data(), n, dims));
  EpochPartial const partial = localEpoch(start, rows.data(), n, dims);
  Codebook all = start;
  applyEpoch(all, partial, config, 1);
  // Three "ranks" each update their own slice of a copy; the slices are then gathered.
  Codebook gathered = start;
  int const cuts[] = {0, 100, 357, 600};
  for (int r = 0; r < 3; ++r) {
    Codebook mine = start;
    applyEpochRange(mine, partial, config, 1, cuts[r], cuts[r + 1]);
    std::copy(mine.weights.begin() + cuts[r] * dims, mine.weights.begin() + cuts[r + 1] * dims,
              gathered.weights.begin() + cuts[r] * dims);
  }
  BOOST_TEST(gathered.weights == all.weights, boost::test_tools::per_element());
  BOOST_TEST(all.weights != start.weights);
  BOOST_CHECK_THROW(applyEpochRange(gathered, partial, config, 1, 10, 601), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(blobs_land_in_their_own_regions) {
  for (bool const online : {false, true}) {
    BOOST_TEST_CONTEXT("online " << online) {
      std::vector<int> labels;
      std::size_t const dims = 10;
      std::vector<float> const rows = blobs(online ? 60 : 300, dims, 17, labels);
      std::size_t const n = labels.size();
      SomConfig config;
      config.grid = SomGrid{6, 6, false, false};
      config.epochs = online ? 10 : 20;
      config.radiusN = 0.5;
      config.seed = 42;
      config.online = online;
      Codebook const codebook = trainSerial(config, rows.data(), n, dims);
      std::vector<int> bmu(n);
      std::vector<float> dist2(n);
      findBmus(codebook, rows.data(), n, dims, bmu.data(), dist2.data());
      std::set<int> region[3];
      for (std::size_t i = 0; i < n; ++i) region[labels[i]].insert(bmu[i]);
      for (int a = 0; a < 3; ++a) {
        BOOST_TEST(connected(codebook.grid, region[a]));
        for (int b = a + 1; b < 3; ++b)
          for (int const k : region[a]) BOOST_TEST(region[b].count(k) == 0u);
      }
      // Every row ends close to its node: blob spread sqrt(10) * 0.5 = 1.6, blobs 14 apart.
      for (float const d2 : dist2) BOOST_TEST(std::sqrt(d2) < 4.f);
    }
  }
}

BOOST_AUTO_TEST_CASE(training_is_deterministic_for_a_seed) {
  std::vector<int> labels;
  std::vector<float> const rows = blobs(50, 6, 3, labels);
  SomConfig config;
  config.grid = SomGrid{4, 5, true, true};
  config.epochs = 5;
  config.seed = 11;
  for (bool const online : {false, true}) {
    config.online = online;
    Codebook const a = trainSerial(config, rows.data(), labels.size(), 6);
    Codebook const b = trainSerial(config, rows.data(), labels.size(), 6);
    BOOST_TEST(a.weights == b.weights, boost::test_tools::per_element());
    SomConfig other = config;
    other.seed = 12;
    BOOST_TEST(trainSerial(other, rows.data(), labels.size(), 6).weights != a.weights);
  }
}

BOOST_AUTO_TEST_CASE(random_initialisation_within_the_range) {
  SomConfig config;
  config.grid = SomGrid{3, 7, false, false};
  config.seed = 99;
  DataRange range;
  range.min = {-1., 5., 2.};
  range.max = {1., 5., 3.};
  Codebook const c = initialiseRandom(config, range);
  BOOST_TEST(c.weights.size() == 21u * 3u);
  for (int k = 0; k < c.nodes(); ++k)
    for (std::size_t d = 0; d < 3; ++d) {
      BOOST_TEST(c.node(k)[d] >= static_cast<float>(range.min[d]));
      BOOST_TEST(c.node(k)[d] <= static_cast<float>(range.max[d]));
    }
  BOOST_TEST(initialiseRandom(config, range).weights == c.weights,
             boost::test_tools::per_element());
  config.seed = 100;
  BOOST_TEST(initialiseRandom(config, range).weights != c.weights);
  BOOST_CHECK_THROW(initialiseRandom(config, DataRange{{1.}, {0.}}), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(pca_initialisation_spans_the_main_axes) {
  // Points (3 cos t, 1 sin t) rotated by 30 degrees around (5, -2): variances 4.5 and 0.5
  // along (cos 30, sin 30) and (-sin 30, cos 30).
  double const c30 = std::cos(M_PI / 6.), s30 = std::sin(M_PI / 6.);
  std::vector<float> rows;
  std::size_t const n = 360;
  for (std::size_t i = 0; i < n; ++i) {
    double const t = 2. * M_PI * i / n;
    double const u = 3. * std::cos(t), v = std::sin(t);
    rows.push_back(static_cast<float>(5. + c30 * u - s30 * v));
    rows.push_back(static_cast<float>(-2. + s30 * u + c30 * v));
  }
  PcaBasis const basis = pcaBasis(rows.data(), n, 2);
  BOOST_TEST(basis.mean[0] == 5., boost::test_tools::tolerance(1e-6));
  BOOST_TEST(basis.mean[1] == -2., boost::test_tools::tolerance(1e-6));
  BOOST_TEST(basis.firstVariance == 4.5 * n / (n - 1.), boost::test_tools::tolerance(1e-5));
  BOOST_TEST(basis.secondVariance == 0.5 * n / (n - 1.), boost::test_tools::tolerance(1e-5));
  BOOST_TEST(basis.first[0] == c30, boost::test_tools::tolerance(1e-6));  // largest entry > 0
  BOOST_TEST(basis.first[1] == s30, boost::test_tools::tolerance(1e-6));

  SomConfig config;
  config.grid = SomGrid{3, 5, false, false};  // the 5 columns follow the first axis
  Codebook const c = initialisePca(config, basis);
  double const s1 = std::sqrt(basis.firstVariance), s2 = std::sqrt(basis.secondVariance);
  auto expect = [&](double a, double b, int d) {
    return basis.mean[d] + a * s1 * basis.first[d] + b * s2 * basis.second[d];
  };
  for (int d = 0; d < 2; ++d) {
    BOOST_TEST(c.node(7)[d] == basis.mean[d], boost::test_tools::tolerance(1e-6));  // centre
    BOOST_TEST(c.node(0)[d] == expect(-1., -1., d), boost::test_tools::tolerance(1e-6));
    BOOST_TEST(c.node(14)[d] == expect(1., 1., d), boost::test_tools::tolerance(1e-6));
    BOOST_TEST(c.node(6)[d] == expect(-0.5, 0., d), boost::test_tools::tolerance(1e-6));
  }
}

BOOST_AUTO_TEST_CASE(invalid_configurations_are_rejected) {
  SomConfig good;
  good.grid = SomGrid{3, 3, false, false};
  validateSomConfig(good);
  auto rejects = [&](auto change) {
    SomConfig c = good;
    change(c);
    BOOST_CHECK_EXCEPTION(validateSomConfig(c), vocloud::Error, [](vocloud::Error const& e) {
      return std::string(e.what()).rfind("som: ", 0) == 0;
    });
  };
  rejects([](SomConfig& c) { c.epochs = 0; });
  rejects([](SomConfig& c) { c.neighbourhood = "cone"; });
  rejects([](SomConfig& c) { c.cooling = "fast"; });
  rejects([](SomConfig& c) { c.init = "zeros"; });
  rejects([](SomConfig& c) { c.radiusN = -1.; });
  rejects([](SomConfig& c) { c.grid.cols = 0; });
  rejects([](SomConfig& c) {
    c.online = true;
    c.scale0 = 1.5;
  });
  rejects([](SomConfig& c) {
    c.cooling = "exponential";
    c.radiusN = 0.;
  });
  BOOST_TEST(epochRadius(good, 0) == 1.5);  // default radius0 = max(rows, cols) / 2
  BOOST_TEST(epochRadius(good, good.epochs - 1) == 1.);
}

BOOST_AUTO_TEST_SUITE_END()
