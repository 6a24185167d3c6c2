// The distributed SOM layer at 1, 2 and 4 ranks: every rank generates the same full data
// set, trains on its block of rows, and the result is compared with trainSerial on the full
// data in the same process. Expectation: the codebook is bitwise the same (integer per-node
// sums, partition-independent BMUs), and so are the evaluation and outlier ranking, which
// only reduce counts; with a PCA initialisation the maps agree to double rounding (1e-5) with
// the serial learner and bitwise with the distributed code on one process (exact sums).
// Also the fixed-point accumulation kernel against its host reference.
#include "comm/comm.hpp"
#include "io/dataset_shard.hpp"
#include "kernels/som_accumulate.hpp"
#include "som/som_distributed.hpp"
#include "som/som_init.hpp"
#include "som/som_outliers.hpp"
#include "som/som_quality.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace vocloud;
using namespace vocloud::som;

namespace {

/// Four noisy clusters plus a few far rows, in general position (not on a coarse grid, so
/// double sums of them would depend on the order: the test is of the exact arithmetic).
std::vector<float> clusters(std::size_t n, std::size_t dims, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0., 0.3);
  std::vector<float> rows(n * dims);
  for (std::size_t i = 0; i < n; ++i) {
    int const c = static_cast<int>(i % 4);
    bool const far = i % 97 == 13;
    for (std::size_t d = 0; d < dims; ++d) {
      double centre = std::sin(0.37 * (d + 1) * (c + 1)) * 3.;
      if (far) centre += 6. * std::cos(0.11 * d * i);
      rows[i * dims + d] = static_cast<float>(centre + noise(rng));
    }
  }
  return rows;
}

struct Block {
  std::size_t first = 0;
  std::size_t count = 0;
};

Block myBlock(std::size_t n, comm::Comm const& comm) {
  std::size_t const first = n * comm.rank() / comm.size();
  return {first, n * (comm.rank() + 1) / comm.size() - first};
}

SomConfig mapConfig(bool hexagonal, bool toroidal) {
  SomConfig config;
  config.grid = SomGrid{6, 8, hexagonal, toroidal};
  config.epochs = 6;
  config.seed = 7;
  return config;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fixed_point_kernel_equals_reference) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-5.f, 5.f);
  std::size_t const n = 333, dims = 17, nodes = 9;
  std::vector<float> x(n * dims);
  for (auto& v : x) v = value(rng);
  std::vector<int> bmu(n);
  for (auto& b : bmu) b = static_cast<int>(rng() % (nodes + 1)) - 1;  // some -1: skipped
  double const scale = std::ldexp(1., fixedPointExponent(5., n));
  std::vector<std::int64_t> sums(nodes * dims, 0), counts(nodes, 0);
  using Host = Kokkos::DefaultHostExecutionSpace;
  using U = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
  kernels::accumulateByNodeFixed(
      Host(),
      Kokkos::View<float const**, Kokkos::LayoutRight, Kokkos::HostSpace, U>(x.data(), n, dims),
      Kokkos::View<int const*, Kokkos::HostSpace, U>(bmu.data(), n), scale,
      Kokkos::View<std::int64_t**, Kokkos::LayoutRight, Kokkos::HostSpace, U>(sums.data(), nodes,
                                                                              dims),
      Kokkos::View<std::int64_t*, Kokkos::HostSpace, U>(counts.data(), nodes));
  std::vector<std::int64_t> refSums, refCounts;
  kernels::accumulateByNodeFixedReference(x, bmu, dims, nodes, scale, refSums, refCounts);
  BOOST_TEST(sums == refSums, boost::test_tools::per_element());
  BOOST_TEST(counts == refCounts, boost::test_tools::per_element());
  // The fixed-point sums scaled back are the double sums to within n rounding quanta.
  for (std::size_t k = 0; k < nodes; ++k)
    for (std::size_t d = 0; d < dims; ++d) {
      double exact = 0.;
      for (std::size_t i = 0; i < n; ++i)
        if (bmu[i] == static_cast<int>(k)) exact += x[i * dims + d];
      BOOST_TEST(std::fabs(std::ldexp(double(sums[k * dims + d]), -std::ilogb(scale)) - exact) <=
                 n / scale);
    }
}

BOOST_AUTO_TEST_CASE(exponent_keeps_sums_in_range) {
  // maxAbs 2^q (rows + 1) <= 2^60, and q is the largest such.
  for (double maxAbs : {1e-6, 0.75, 1., 3., 1e5}) {
    for (double rows : {1., 1000., 1e6, 1e9}) {
      int const q = fixedPointExponent(maxAbs, rows);
      BOOST_TEST(std::ldexp(maxAbs * (rows + 1.), q) <= std::ldexp(1., 60));
      BOOST_TEST(std::ldexp(maxAbs * (rows + 1.), q + 1) > std::ldexp(1., 60));
    }
  }
  BOOST_TEST(fixedPointExponent(0., 10.) == 0);
}

BOOST_AUTO_TEST_CASE(distributed_map_equals_serial_bitwise) {
  comm::Comm const comm = comm::Comm::world();
  std::size_t const n = 1201, dims = 23;
  std::vector<float> const all = clusters(n, dims, 11);
  Block const block = myBlock(n, comm);
  for (bool hexagonal : {false, true})
    for (bool toroidal : {false, true}) {
      SomConfig const config = mapConfig(hexagonal, toroidal);
      Codebook const serial = trainSerial(config, all.data(), n, dims);
      Codebook const distributed =
          trainDistributed(config, comm, all.data() + block.first * dims, block.count, dims);
      BOOST_TEST_CONTEXT("hexagonal " << hexagonal << " toroidal " << toroidal) {
        BOOST_TEST(distributed.weights == serial.weights, boost::test_tools::per_element());
      }
    }
}

BOOST_AUTO_TEST_CASE(a_map_of_several_update_blocks_shared_by_the_ranks_equals_serial) {
  // 26 x 30 = 780 nodes: four blocks of 256 nodes (the last partial), whose updates the ranks
  // share (at 3 ranks: one, one and two blocks; at 4: one each) and gather.
  comm::Comm const comm = comm::Comm::world();
  std::size_t const n = 1500, dims = 9;
  std::vector<float> const all = clusters(n, dims, 17);
  Block const block = myBlock(n, comm);
  SomConfig config = mapConfig(false, false);
  config.grid = SomGrid{26, 30, false, false};
  config.epochs = 3;
  Codebook const serial = trainSerial(config, all.data(), n, dims);
  Codebook const distributed =
      trainDistributed(config, comm, all.data() + block.first * dims, block.count, dims);
  BOOST_TEST(distributed.weights == serial.weights, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(continuing_a_saved_state_equals_an_uninterrupted_training) {
  comm::Comm const comm = comm::Comm::world();
  std::size_t const n = 800, dims = 11;
  std::vector<float> const all = clusters(n, dims, 5);
  Block const block = myBlock(n, comm);
  float const* mine = all.data() + block.first * dims;
  SomConfig const config = mapConfig(false, false);

  TrainingState whole = startTraining(config, comm, mine, block.count, dims);
  TrainingState afterTwo;
  continueTraining(whole, config, comm, mine, block.count, dims, [&](TrainingState const& s) {
    if (s.nextEpoch == 2) afterTwo = s;  // what a checkpoint after epoch 2 holds
  });
  BOOST_TEST(whole.history.size() == static_cast<std::size_t>(config.epochs));
  BOOST_TEST(whole.codebook.weights == trainSerial(config, all.data(), n, dims).weights,
             boost::test_tools::per_element());

  BOOST_TEST(afterTwo.nextEpoch == 2);
  continueTraining(afterTwo, config, comm, mine, block.count, dims);
  BOOST_TEST(afterTwo.codebook.weights == whole.codebook.weights, boost::test_tools::per_element());
  BOOST_REQUIRE(afterTwo.history.size() == whole.history.size());
  for (std::size_t e = 0; e < whole.history.size(); ++e) {
    BOOST_TEST(afterTwo.history[e].topographicError == whole.history[e].topographicError);
    BOOST_TEST(afterTwo.history[e].quantisationError == whole.history[e].quantisationError);
  }
  // The quantisation error falls as the radius shrinks (the map fits the data better).
  BOOST_TEST(whole.history.back().quantisationError < whole.history.front().quantisationError);
}

BOOST_AUTO_TEST_CASE(pca_initialisation_agrees_to_rounding) {
  comm::Comm const comm = comm::Comm::world();
  std::size_t const n = 900, dims = 13;
  std::vector<float> const all = clusters(n, dims, 9);
  Block const block = myBlock(n, comm);
  SomConfig config = mapConfig(false, false);
  config.init = "pca";
  TrainingState const state =
      startTraining(config, comm, all.data() + block.first * dims, block.count, dims);
  Codebook const serial = initialisePca(config, pcaBasis(all.data(), n, dims));
  for (std::size_t i = 0; i < serial.weights.size(); ++i)
    BOOST_TEST(state.codebook.weights[i] == serial.weights[i], boost::test_tools::tolerance(1e-5f));
}

BOOST_AUTO_TEST_CASE(pca_initialisation_is_bitwise_that_of_one_process) {
  // The distributed PCA sums exactly (comm::ExactScatter): the codebook of P ranks is the
  // one the same code gives on one process holding every row.
  comm::Comm const comm = comm::Comm::world();
  comm::Comm const self = comm::Comm::self();
  std::size_t const n = 900, dims = 13;
  std::vector<float> const all = clusters(n, dims, 9);
  Block const block = myBlock(n, comm);
  SomConfig config = mapConfig(false, false);
  config.init = "pca";
  TrainingState const many =
      startTraining(config, comm, all.data() + block.first * dims, block.count, dims);
  TrainingState const one = startTraining(config, self, all.data(), n, dims);
  BOOST_TEST(many.codebook.weights == one.codebook.weights, boost::test_tools::per_element());
  // The basis itself, in double (the float codebook would hide differences in its last bits).
  double const maxAbs = localMaxAbs(all.data(), n, dims);
  PcaBasis const a = distributedPcaBasis(self, all.data(), n, dims, maxAbs, double(n));
  PcaBasis const b = distributedPcaBasis(comm, all.data() + block.first * dims, block.count, dims,
                                         maxAbs, double(n));
  BOOST_TEST(a.mean == b.mean, boost::test_tools::per_element());
  BOOST_TEST(a.first == b.first, boost::test_tools::per_element());
  BOOST_TEST(a.second == b.second, boost::test_tools::per_element());
  BOOST_TEST(a.firstVariance == b.firstVariance);
  BOOST_TEST(a.secondVariance == b.secondVariance);
}

BOOST_AUTO_TEST_CASE(error_history_is_bitwise_that_of_one_process) {
  // The per-epoch quantisation error sums distances exactly: equal, not only close, to the
  // one-process history (a double sum would round differently at each split).
  comm::Comm const comm = comm::Comm::world();
  comm::Comm const self = comm::Comm::self();
  std::size_t const n = 1001, dims = 7;
  std::vector<float> const all = clusters(n, dims, 17);
  Block const block = myBlock(n, comm);
  SomConfig const config = mapConfig(true, false);
  TrainingState many =
      startTraining(config, comm, all.data() + block.first * dims, block.count, dims);
  continueTraining(many, config, comm, all.data() + block.first * dims, block.count, dims);
  TrainingState one = startTraining(config, self, all.data(), n, dims);
  continueTraining(one, config, self, all.data(), n, dims);
  BOOST_REQUIRE(many.history.size() == one.history.size());
  for (std::size_t e = 0; e < one.history.size(); ++e) {
    BOOST_TEST(many.history[e].quantisationError == one.history[e].quantisationError);
    BOOST_TEST(many.history[e].topographicError == one.history[e].topographicError);
  }
  OutlierOptions const options;
  MapEvaluation const a = evaluateMap(one.codebook, self, all.data(), n, dims, options);
  MapEvaluation const b =
      evaluateMap(one.codebook, comm, all.data() + block.first * dims, block.count, dims, options);
  BOOST_TEST(a.quantisationError == b.quantisationError);
}

BOOST_AUTO_TEST_CASE(evaluation_equals_the_one_process_evaluation) {
  comm::Comm const comm = comm::Comm::world();
  comm::Comm const self = comm::Comm::self();
  std::size_t const n = 1500, dims = 19;
  std::vector<float> const all = clusters(n, dims, 21);
  Block const block = myBlock(n, comm);
  float const* mine = all.data() + block.first * dims;
  SomConfig const config = mapConfig(true, false);
  Codebook const codebook = trainSerial(config, all.data(), n, dims);
  OutlierOptions const options;

  MapEvaluation const one = evaluateMap(codebook, self, all.data(), n, dims, options);
  MapEvaluation const many = evaluateMap(codebook, comm, mine, block.count, dims, options);

  // Independent checks of the one-process evaluation against the serial measures.
  std::vector<int> bmu(n), second(n);
  std::vector<float> dist2(n), secondDist2(n);
  findBmus(codebook, all.data(), n, dims, bmu.data(), dist2.data(), second.data(),
           secondDist2.data());
  BOOST_TEST(one.bmu == bmu, boost::test_tools::per_element());
  BOOST_TEST(one.hits == hitsPerNode(bmu, codebook.nodes()), boost::test_tools::per_element());
  BOOST_TEST(one.topographicError == topographicError(codebook.grid, bmu, second));
  // The evaluation sums float distances (as stored in som.h5), the serial measure doubles.
  BOOST_TEST(one.quantisationError == quantisationError(dist2), boost::test_tools::tolerance(1e-6));
  OutlierReport const serialOutliers = outliersSerial(codebook.nodes(), bmu, dist2, options);
  BOOST_TEST(one.distanceScore == serialOutliers.score, boost::test_tools::per_element());

  // The density factors against the exact reference of the serial model.
  DensityModel const model =
      densityModel(codebook, one.hits, one.nodeMedian, options.mass * static_cast<double>(n));
  BOOST_TEST(one.densityFactor == densityFactorsReference(codebook, model, all.data(), n),
             boost::test_tools::per_element());

  // The distributed evaluation: per-row values and histogram fractions exactly, sums of
  // doubles to rounding.
  for (std::size_t i = 0; i < block.count; ++i) {
    BOOST_TEST(many.bmu[i] == one.bmu[block.first + i]);
    BOOST_TEST(many.distanceScore[i] == one.distanceScore[block.first + i]);
    BOOST_TEST(many.residual[i] == one.residual[block.first + i]);
    BOOST_TEST(many.densityFactor[i] == one.densityFactor[block.first + i]);
    BOOST_TEST(many.score[i] == one.score[block.first + i]);
  }
  BOOST_TEST(many.density.density == one.density.density, boost::test_tools::per_element());
  BOOST_TEST(many.hits == one.hits, boost::test_tools::per_element());
  BOOST_TEST(many.sparseNode == one.sparseNode, boost::test_tools::per_element());
  BOOST_TEST(many.topographicError == one.topographicError);
  BOOST_TEST(many.quantisationError == one.quantisationError, boost::test_tools::tolerance(1e-12));

  // The far rows (every 97th from row 13) lead the ranking.
  std::vector<RankedRow> const top =
      topScores(many.score, static_cast<std::int64_t>(block.first), 15, comm);
  BOOST_REQUIRE(top.size() == 15u);
  int far = 0;
  for (auto const& r : top) far += r.row % 97 == 13;
  BOOST_TEST(far == 15);
  for (std::size_t j = 1; j < top.size(); ++j) BOOST_TEST(top[j - 1].score >= top[j].score);
}

BOOST_AUTO_TEST_CASE(labels_and_class_hits_add_over_ranks) {
  comm::Comm const comm = comm::Comm::world();
  std::vector<std::string> mine = {"b" + std::to_string(comm.rank()), "a", "", "a"};
  std::vector<std::string> const labels = io::unionOfLabels(mine, comm);
  std::vector<std::string> expected = {"a"};
  for (int r = 0; r < comm.size(); ++r) expected.push_back("b" + std::to_string(r));
  std::sort(expected.begin(), expected.end());
  BOOST_TEST(labels == expected, boost::test_tools::per_element());
  // Each rank puts one row of class 0 on node 1 and one of class 1 on node 2.
  std::vector<double> const hits = classHits({1, 2, 0}, {0, 1, -1}, 2, 3, comm);
  std::vector<double> const want = {0., double(comm.size()), 0., 0., 0., double(comm.size())};
  BOOST_TEST(hits == want, boost::test_tools::per_element());
}
