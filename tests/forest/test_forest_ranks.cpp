// The same forest for any partition of the rows: at 1, 2 and 4 ranks, a forest trained on
// rows spread unevenly over the ranks equals, array by array and bit by bit, the forest
// trained on the same rows all held by rank 0 (the other ranks holding none), which is the
// serial training; so do the OOB sums per global row, the OOB error and the importances.
// Growth runs level-wise with small nodes gathered to owner ranks (localNodeSamples 150),
// and entirely on the owner of the root. The ranks' blocks of rows may also come in
// reverse order (the owner of a small node then sorts its rows by global index).
#include "comm/comm.hpp"
#include "forest/forest_train.hpp"
#include "forest_test_data.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace vocloud;

namespace {

struct Run {
  forest::ForestResult result;
  std::vector<double> oobSums;  // gathered over ranks, global row order
};

Run trainOn(comm::Comm const& comm, forest::ForestConfig const& config, std::uint64_t begin,
            std::uint64_t end, int d) {
  auto const data = forest::testdata::noisyBlock(begin, end, d, 0.25);
  forest::ForestShard const shard{
      data.x.data(), data.labels.size(), d, begin, data.labels.data(), 3, nullptr};
  Run run{forest::trainForest(config, comm, shard), {}};
  // Every rank's sums placed at its global rows, whatever the order of the blocks.
  std::vector<double> const sums = comm.allgatherv(run.result.oobProbabilitySums);
  std::vector<unsigned long long> const begins =
      comm.allgatherv(std::vector<unsigned long long>{begin});
  std::vector<unsigned long long> const sizes =
      comm.allgatherv(std::vector<unsigned long long>{run.result.oobProbabilitySums.size()});
  run.oobSums.assign(sums.size(), 0.);
  std::size_t at = 0;
  for (std::size_t k = 0; k < begins.size(); ++k) {
    std::copy_n(sums.begin() + at, sizes[k], run.oobSums.begin() + 3 * begins[k]);
    at += sizes[k];
  }
  return run;
}

void checkEqual(Run const& a, Run const& b) {
  auto const& m = a.result.model;
  auto const& n = b.result.model;
  BOOST_TEST(m.treeOffsets == n.treeOffsets, boost::test_tools::per_element());
  BOOST_TEST(m.feature == n.feature, boost::test_tools::per_element());
  BOOST_TEST(m.thresholdBin == n.thresholdBin, boost::test_tools::per_element());
  BOOST_TEST(m.threshold == n.threshold, boost::test_tools::per_element());
  BOOST_TEST(m.left == n.left, boost::test_tools::per_element());
  BOOST_TEST(m.right == n.right, boost::test_tools::per_element());
  BOOST_TEST(m.value == n.value, boost::test_tools::per_element());
  BOOST_TEST(m.samples == n.samples, boost::test_tools::per_element());
  BOOST_TEST(m.impurityDecrease == n.impurityDecrease, boost::test_tools::per_element());
  BOOST_TEST(m.edges.edges == n.edges.edges, boost::test_tools::per_element());
  BOOST_TEST(a.oobSums == b.oobSums, boost::test_tools::per_element());
  BOOST_TEST(a.result.oobError == b.result.oobError);
  BOOST_TEST(a.result.oobRows == b.result.oobRows);
  BOOST_TEST(a.result.impurityImportance == b.result.impurityImportance,
             boost::test_tools::per_element());
  BOOST_TEST(a.result.permutationImportance == b.result.permutationImportance,
             boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_ranks)

BOOST_AUTO_TEST_CASE(same_forest_for_any_partition) {
  auto const comm = comm::Comm::world();
  int const p = comm.size(), r = comm.rank();
  std::uint64_t const n = 3001;
  int const d = 9;
  // Small nodes gathered in one batch per group of trees, in batches of about a node each
  // (a 4 KiB bound), or not at all (every node grown level-wise).
  struct Growth {
    std::uint64_t local, batchBytes;
  };
  for (auto const [local, batchBytes] : {Growth{150, std::uint64_t(64) << 20}, Growth{150, 4096},
                                         Growth{std::uint64_t(1) << 40, std::uint64_t(64) << 20}}) {
    forest::ForestConfig config;
    config.trees = 6;
    config.seed = 99;
    config.localNodeSamples = local;
    config.gatherBatchBytes = batchBytes;
    config.maxFeatures = forest::MaxFeatures::Count;
    config.maxFeaturesCount = 4;
    // Rank 0 holds everything: the serial training.
    Run const serial = trainOn(comm, config, r == 0 ? 0 : n, n, d);
    // Uneven contiguous blocks: rank r holds a share proportional to p - r.
    std::uint64_t const total = std::uint64_t(p) * (p + 1) / 2;
    auto const start = [&](int k) {
      std::uint64_t s = 0;
      for (int j = 0; j < k; ++j) s += std::uint64_t(p - j);
      return n * s / total;
    };
    Run const spread = trainOn(comm, config, start(r), start(r + 1), d);
    // The same blocks, rank r holding the one of rank p - 1 - r.
    Run const reversed = trainOn(comm, config, start(p - 1 - r), start(p - r), d);
    BOOST_TEST_CONTEXT("ranks " << p << " localNodeSamples " << local << " batch bytes "
                                << batchBytes) {
      BOOST_TEST(serial.result.model.nodes() > 6 * 20);
      checkEqual(serial, spread);
      checkEqual(serial, reversed);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
