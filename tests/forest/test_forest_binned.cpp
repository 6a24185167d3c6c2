// The forest stage's memory-saving path at 1, 2 and 4 ranks: rows streamed in small blocks
// bin exactly as rows in memory; a forest trained on pre-binned rows is the forest trained
// on the floats; prediction from the bins equals prediction from the floats (also over
// several blocks of rows); the row-major copy of the bins is their transpose; the
// out-of-bag sums are those of walking each tree with each row out of its bag.
#include "comm/comm.hpp"
#include "forest/binning.hpp"
#include "forest/forest_model.hpp"
#include "forest/forest_train.hpp"
#include "forest_test_data.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

using namespace vocloud;

namespace {

/// This rank's uneven share of rows [0, total).
std::pair<std::uint64_t, std::uint64_t> share(comm::Comm const& comm, std::uint64_t total) {
  auto const p = std::uint64_t(comm.size()), r = std::uint64_t(comm.rank());
  std::uint64_t const cut = total * r * r / (p * p);  // deliberately uneven
  return {cut, total * (r + 1) * (r + 1) / (p * p)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_binned)

BOOST_AUTO_TEST_CASE(streamed_blocks_bin_like_rows_in_memory) {
  auto const comm = comm::Comm::world();
  int const d = 7;
  auto const [begin, end] = share(comm, 3001);
  auto data = forest::testdata::noisyBlock(begin, end, d, 0.3);
  if (!data.x.empty()) data.x[0] = std::nanf("");
  std::size_t const n = data.labels.size();
  std::vector<std::uint8_t> use(n);
  for (std::size_t i = 0; i < n; ++i) use[i] = (begin + i) % 5 != 0;
  auto const whole = forest::computeBinEdges(comm, data.x.data(), n, d, 64, use.data());
  // Blocks of 37 rows handed out through a copy, as a file reader would.
  std::vector<float> buffer;
  std::size_t calls = 0;
  forest::RowBlocks const blocks = [&](std::size_t first, std::size_t count) {
    ++calls;
    BOOST_REQUIRE(first + count <= n);
    buffer.assign(data.x.begin() + first * d, data.x.begin() + (first + count) * d);
    return static_cast<float const*>(buffer.data());
  };
  auto const streamed = forest::computeBinEdges(comm, blocks, n, d, 64, use.data(), 37);
  BOOST_TEST(streamed.offsets == whole.offsets, boost::test_tools::per_element());
  BOOST_TEST(streamed.edges == whole.edges, boost::test_tools::per_element());
  auto const binsWhole = forest::binFeatureMajor(whole, data.x.data(), n);
  auto const binsStreamed = forest::binFeatureMajor(whole, blocks, n, 37);
  BOOST_TEST(binsStreamed == binsWhole, boost::test_tools::per_element());
  BOOST_TEST(calls >= 3 * ((n + 36) / 37));  // two passes for the edges, one to bin
}

BOOST_AUTO_TEST_CASE(binned_training_and_prediction_equal_the_float_path) {
  auto const comm = comm::Comm::world();
  int const d = 5;
  auto const [begin, end] = share(comm, 1800);
  auto const data = forest::testdata::noisyBlock(begin, end, d, 0.2);
  std::size_t const n = data.labels.size();
  forest::ForestConfig config;
  config.trees = 7;
  config.seed = 11;
  config.bins = 32;
  forest::ForestShard const floats{data.x.data(), n, d, begin, data.labels.data(), 3, nullptr};
  auto const expected = forest::trainForest(config, comm, floats);

  auto edges = forest::computeBinEdges(comm, data.x.data(), n, d, config.bins, nullptr);
  auto const bins = forest::binFeatureMajor(edges, data.x.data(), n);
  forest::BinnedShard const binned{bins.data(), n, d, begin, data.labels.data(), 3, nullptr};
  auto const got = forest::trainForestBinned(config, comm, binned, edges);
  BOOST_TEST(got.model.feature == expected.model.feature, boost::test_tools::per_element());
  BOOST_TEST(got.model.thresholdBin == expected.model.thresholdBin,
             boost::test_tools::per_element());
  BOOST_TEST(got.model.value == expected.model.value, boost::test_tools::per_element());
  BOOST_TEST(got.oobProbabilitySums == expected.oobProbabilitySums,
             boost::test_tools::per_element());

  // Prediction of unseen rows (with NaN and infinities) from their bins equals the float
  // kernel's, for a chosen subset of rows in a chosen order.
  auto probe = forest::testdata::noisyBlock(9000 + begin, 9000 + end, d, 0.);
  std::size_t const m = probe.labels.size();
  if (m > 3) {
    probe.x[1] = std::nanf("");
    probe.x[d + 2] = std::numeric_limits<float>::infinity();
    probe.x[2 * d + 3] = -std::numeric_limits<float>::infinity();
  }
  auto const probeBins = forest::binFeatureMajor(got.model.edges, probe.x.data(), m);
  std::vector<std::size_t> rows;
  for (std::size_t i = m; i-- > 0;)
    if (i % 3 != 1) rows.push_back(i);
  auto const fromBins = forest::predictProbaBinned(got.model, probeBins.data(), m, rows);
  auto const fromFloats = forest::predictProba(got.model, probe.x.data(), m);
  BOOST_REQUIRE(fromBins.size() == rows.size() * 3);
  for (std::size_t j = 0; j < rows.size(); ++j)
    for (int c = 0; c < 3; ++c)
      BOOST_TEST(fromBins[j * 3 + c] == fromFloats[rows[j] * 3 + c],
                 boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(row_major_bins_are_the_transpose) {
  // 130 rows (two chunks of 64 and a partial one) x 3 features, by hand: bin = 7f + i % 5.
  std::size_t const rows = 130;
  int const d = 3;
  std::vector<std::uint8_t> bins(rows * d);
  for (int f = 0; f < d; ++f)
    for (std::size_t i = 0; i < rows; ++i) bins[f * rows + i] = std::uint8_t(7 * f + i % 5);
  auto const t = forest::transposeBins(bins.data(), rows, d);
  BOOST_REQUIRE(t.size() == rows * d);
  for (std::size_t i = 0; i < rows; ++i)
    for (int f = 0; f < d; ++f) BOOST_TEST(int(t[i * d + f]) == int(7 * f + i % 5));
}

BOOST_AUTO_TEST_CASE(oob_sums_are_the_leaves_of_the_trees_each_row_is_out_of) {
  auto const comm = comm::Comm::world();
  int const d = 6;
  auto const [begin, end] = share(comm, 2400);
  auto const data = forest::testdata::noisyBlock(begin, end, d, 0.2);
  std::size_t const n = data.labels.size();
  forest::ForestConfig config;
  config.trees = 5;
  config.seed = 23;
  config.localNodeSamples = 300;  // level-wise at the top, small nodes on owner ranks below
  auto edges = forest::computeBinEdges(comm, data.x.data(), n, d, config.bins, nullptr);
  auto const bins = forest::binFeatureMajor(edges, data.x.data(), n);
  forest::BinnedShard const binned{bins.data(), n, d, begin, data.labels.data(), 3, nullptr};
  auto const r = forest::trainForestBinned(config, comm, binned, edges);
  // Independently: each row walks each tree whose bootstrap left it out, reading the
  // feature-major bins, and sums the leaf distributions in tree order.
  for (std::size_t i = 0; i < n; ++i) {
    double sums[3] = {0., 0., 0.};
    std::uint32_t trees = 0;
    for (int t = 0; t < config.trees; ++t) {
      if (forest::bootstrapWeight(config, t, begin + i) != 0) continue;
      auto const bin = [&](int f) { return bins[std::size_t(f) * n + i]; };
      std::int64_t const leaf = forest::leafOfBinned(r.model, t, bin);
      for (int c = 0; c < 3; ++c) sums[c] += r.model.value[std::size_t(leaf) * 3 + c];
      ++trees;
    }
    BOOST_TEST(r.oobTrees[i] == trees);
    for (int c = 0; c < 3; ++c) BOOST_TEST(r.oobProbabilitySums[i * 3 + c] == sums[c]);
  }
}

BOOST_AUTO_TEST_CASE(prediction_from_bins_over_several_blocks_of_rows) {
  // 2100 features: predictProbaBinned walks blocks of about 2^18 / 2101 = 124 rows, so the
  // 400 rows of every rank span several blocks and a partial one.
  auto const comm = comm::Comm::world();
  int const d = 2100;
  auto const data =
      forest::testdata::noisyBlock(1000 * comm.rank(), 1000 * comm.rank() + 400, d, 0.1);
  std::size_t const n = data.labels.size();
  forest::ForestConfig config;
  config.trees = 3;
  config.seed = 5;
  config.bins = 16;
  forest::ForestShard const shard{data.x.data(),      n, d,      1000 * std::uint64_t(comm.rank()),
                                  data.labels.data(), 3, nullptr};
  auto const r = forest::trainForest(config, comm, shard);
  auto const bins = forest::binFeatureMajor(r.model.edges, data.x.data(), n);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n; ++i)
    if (i % 7 != 3) rows.push_back(i);
  auto const fromBins = forest::predictProbaBinned(r.model, bins.data(), n, rows);
  auto const fromFloats = forest::predictProba(r.model, data.x.data(), n);
  BOOST_REQUIRE(fromBins.size() == rows.size() * 3);
  for (std::size_t j = 0; j < rows.size(); ++j)
    for (int c = 0; c < 3; ++c)
      BOOST_TEST(fromBins[j * 3 + c] == fromFloats[rows[j] * 3 + c],
                 boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
