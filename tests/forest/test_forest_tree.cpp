// Trees by hand and forests on problems whose answer is known without the code: a tiny
// three-class case whose gini splits are computed by hand, separable integer-grid data
// learnt perfectly, a noisy problem whose OOB error must sit near its Bayes error, the
// growth path (level-wise, local subtrees, mixed) not changing the forest, the training
// mask, configuration errors naming their parameter, and model validation.
#include "comm/comm.hpp"
#include "core/error.hpp"
#include "forest/forest_config.hpp"
#include "forest/forest_model.hpp"
#include "forest/forest_random.hpp"
#include "forest/forest_train.hpp"
#include "forest_test_data.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <string>

using namespace vocloud;
using forest::ForestConfig;

namespace {

forest::ForestResult train(ForestConfig const& config, std::vector<float> const& x,
                           std::vector<int> const& labels, int features, int classes,
                           std::uint8_t const* mask = nullptr) {
  auto const comm = comm::Comm::world();
  forest::ForestShard const shard{x.data(),      labels.size(), features, 0,
                                  labels.data(), classes,       mask};
  return forest::trainForest(config, comm, shard);
}

double accuracy(forest::ForestModel const& m, std::vector<float> const& x,
                std::vector<int> const& labels) {
  auto const predicted = forest::predictClass(m, x.data(), labels.size());
  std::size_t ok = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) ok += predicted[i] == labels[i];
  return double(ok) / double(labels.size());
}

bool throwsNaming(ForestConfig const& c, std::string const& word) {
  try {
    forest::validateForestConfig(c);
  } catch (Error const& e) {
    std::string const what = e.what();
    return what.rfind("forest: ", 0) == 0 && what.find(word) != std::string::npos;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_tree)

// Six rows: x0 constant, x1 = 0..5, classes 0,0,1,1,2,2. With every feature examined and
// no bootstrap the root's candidates on x1 are x1 < 1 .. x1 < 5; gini scores (sum v^2 / V
// per side): x1 < 2 gives 4/2 + 8/4 = 4, x1 < 4 gives 8/4 + 4/2 = 4, the others less
// (x1 < 1: 1 + (1+4+4)/5 = 2.8; x1 < 3: (4+1)/3 + (1+4)/3 = 3.33), so the tie goes to the
// smaller threshold x1 < 2. Its left child is pure (class 0); the right one splits at
// x1 < 4 into pure class-1 and class-2 leaves. Both growth paths must give this tree,
// nodes numbered root 0, left leaf 1, right node 2, then its leaves 3 and 4.
BOOST_AUTO_TEST_CASE(tabled_poisson_weights_equal_the_plain_inversion) {
  // The training loop draws bootstrap weights from a table of cumulative probabilities;
  // every draw must be the one poissonWeight's loop takes (the forest depends on it).
  for (double mean : {0.2, 1.0, 2.5, 4.0}) {
    forest::detail::PoissonWeights const tabled(mean);
    std::uint64_t sum = 0;
    for (std::uint64_t row = 0; row < 20000; ++row)
      for (int tree : {0, 7}) {
        std::uint32_t const w = forest::detail::poissonWeight(3, tree, row, mean);
        BOOST_TEST(tabled(3, tree, row) == w);
        sum += w;
      }
    BOOST_TEST(std::abs(double(sum) / 40000. - mean) < 0.05);  // Poisson(mean) after all
  }
}

BOOST_AUTO_TEST_CASE(tiny_tree_by_hand) {
  std::vector<float> x;
  std::vector<int> const labels = {0, 0, 1, 1, 2, 2};
  for (int i = 0; i < 6; ++i) x.insert(x.end(), {7.f, float(i)});
  for (std::uint64_t const local : {std::uint64_t(1), std::uint64_t(8192)}) {
    ForestConfig c;
    c.trees = 1;
    c.bootstrap = false;
    c.maxFeatures = forest::MaxFeatures::All;
    c.bins = 8;
    c.localNodeSamples = local;
    auto const r = train(c, x, labels, 2, 3);
    auto const& m = r.model;
    BOOST_TEST_CONTEXT("localNodeSamples " << local) {
      BOOST_TEST(m.nodes() == 5);
      BOOST_TEST(m.feature == (std::vector<std::int32_t>{1, -1, 1, -1, -1}),
                 boost::test_tools::per_element());
      BOOST_TEST(m.left[0] == 1);
      BOOST_TEST(m.right[0] == 2);
      BOOST_TEST(m.left[2] == 3);
      BOOST_TEST(m.right[2] == 4);
      BOOST_TEST((m.threshold[0] > 1.f && m.threshold[0] <= 2.f));
      BOOST_TEST((m.threshold[2] > 3.f && m.threshold[2] <= 4.f));
      std::vector<float> const leaves = {1, 0, 0, 0, 1, 0, 0, 0, 1};  // nodes 1, 3, 4
      std::vector<float> got;
      for (int node : {1, 3, 4}) got.insert(got.end(), &m.value[node * 3], &m.value[node * 3 + 3]);
      BOOST_TEST(got == leaves, boost::test_tools::per_element());
      BOOST_TEST(m.samples[0] == 6u);
      BOOST_TEST(m.samples[2] == 4u);
      // Impurity decreases: root 4 - 12/6 = 2, right node 2 + 2 - 8/4 = 2.
      BOOST_TEST(m.impurityDecrease[0] == 2.);
      BOOST_TEST(m.impurityDecrease[2] == 2.);
      BOOST_TEST(r.impurityImportance[1] == 1.);
      BOOST_TEST(accuracy(m, x, labels) == 1.);
    }
  }
}

// Classes from two integer-valued features (class = (x0 >= 5) + (x1 >= 3)), three noise
// features: every distinct value gets its own bin, so the data stay separable after binning
// and fully grown trees fit them exactly.
BOOST_AUTO_TEST_CASE(separable_data_is_learnt_perfectly) {
  int const d = 5;
  std::vector<float> x;
  std::vector<int> labels;
  for (std::uint64_t g = 0; g < 3000; ++g) {
    float const x0 = std::floor(10. * forest::testdata::uniform(g, 0, 1));
    float const x1 = std::floor(6. * forest::testdata::uniform(g, 1, 1));
    x.insert(x.end(), {float(forest::testdata::normal(g, 2, 1)), x0,
                       float(forest::testdata::normal(g, 3, 1)), x1,
                       float(forest::testdata::normal(g, 4, 1))});
    labels.push_back((x0 >= 5.f ? 1 : 0) + (x1 >= 3.f ? 1 : 0));
  }
  ForestConfig c;
  c.trees = 10;
  c.bootstrap = false;
  c.seed = 3;
  auto const plain = train(c, x, labels, d, 3);
  forest::validateForestModel(plain.model);
  BOOST_TEST(accuracy(plain.model, x, labels) == 1.);
  for (int j = 0; j < plain.model.nodes(); ++j)  // every leaf is pure
    if (plain.model.feature[j] < 0)
      BOOST_TEST(*std::max_element(&plain.model.value[j * 3], &plain.model.value[j * 3 + 3]) ==
                 1.f);

  c.bootstrap = true;
  c.trees = 30;
  auto const bagged = train(c, x, labels, d, 3);
  BOOST_TEST(accuracy(bagged.model, x, labels) == 1.);
  // Every grid cell holds ~50 rows, so out-of-bag rows fall in cells the trees have learnt.
  BOOST_TEST(bagged.oobError <= 0.01);
  BOOST_TEST(bagged.oobRows == 3000u);  // P(a row is in bag in all 30 trees) ~ 1e-6
  // Only x0 (feature 1) and x1 (feature 3) matter.
  auto const& imp = bagged.impurityImportance;
  BOOST_TEST(imp[1] + imp[3] > 0.9);
}

// Labels (x0 > 0) + (x1 > 0.5), 30% of them replaced by a uniformly random class: the Bayes
// error is 0.3 * 2/3 = 0.2. A forest's OOB error must come near it (it cannot beat it by
// more than sampling noise, ~0.01 on 4000 rows) and far from chance (2/3).
BOOST_AUTO_TEST_CASE(oob_error_is_sane_on_noisy_data) {
  int const d = 8;
  auto const data = forest::testdata::noisyBlock(0, 4000, d, 0.3);
  ForestConfig c;
  c.trees = 60;
  c.seed = 11;
  c.minSamplesLeaf = 5;
  auto const r = train(c, data.x, data.labels, d, 3);
  BOOST_TEST_MESSAGE("OOB error " << r.oobError);
  BOOST_TEST(r.oobError > 0.17);
  BOOST_TEST(r.oobError < 0.3);
  // OOB sums: one leaf distribution per OOB tree.
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    double sum = 0.;
    for (int c2 = 0; c2 < 3; ++c2) sum += r.oobProbabilitySums[i * 3 + c2];
    BOOST_TEST(std::abs(sum - r.oobTrees[i]) < 1e-4);
  }
  // Features 0 and 1 carry the class; the noise features' accuracy drop is sampling noise.
  auto const& perm = r.permutationImportance;
  BOOST_TEST(perm[0] > 0.1);
  BOOST_TEST(perm[1] > 0.05);
  for (int f = 3; f < d; ++f) BOOST_TEST(std::abs(perm[f]) < 0.02);
  auto const& imp = r.impurityImportance;
  BOOST_TEST(imp[0] > imp[3]);
  BOOST_TEST(imp[1] > imp[3]);
}

// Growth is a speed choice only: all level-wise, all on one subtree grower, or mixed.
BOOST_AUTO_TEST_CASE(growth_path_does_not_change_the_forest) {
  int const d = 7;
  auto const data = forest::testdata::noisyBlock(0, 2500, d, 0.2);
  ForestConfig c;
  c.trees = 8;
  c.seed = 21;
  c.maxFeatures = forest::MaxFeatures::Fraction;
  c.maxFeaturesFraction = 0.5;
  c.criterion = forest::Criterion::Entropy;
  c.classWeight = forest::ClassWeight::Balanced;
  std::vector<std::vector<double>> probabilities;
  std::vector<std::int64_t> nodes;
  for (std::uint64_t local : {std::uint64_t(1), std::uint64_t(300), std::uint64_t(1) << 40}) {
    c.localNodeSamples = local;
    auto const r = train(c, data.x, data.labels, d, 3);
    forest::validateForestModel(r.model);
    probabilities.push_back(forest::predictProba(r.model, data.x.data(), data.labels.size()));
    nodes.push_back(r.model.nodes());
  }
  BOOST_TEST(nodes[0] == nodes[1]);
  BOOST_TEST(nodes[0] == nodes[2]);
  BOOST_TEST(probabilities[0] == probabilities[1], boost::test_tools::per_element());
  BOOST_TEST(probabilities[0] == probabilities[2], boost::test_tools::per_element());
}

// A row outside the training set is as good as an unlabelled one: same forest, no OOB.
BOOST_AUTO_TEST_CASE(training_mask_excludes_rows) {
  int const d = 5;
  auto data = forest::testdata::noisyBlock(0, 1500, d, 0.2);
  std::vector<std::uint8_t> mask(data.labels.size());
  for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = i % 5 != 2;
  ForestConfig c;
  c.trees = 6;
  c.seed = 5;
  auto const masked = train(c, data.x, data.labels, d, 3, mask.data());
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (!mask[i]) data.labels[i] = -1;
  auto const unlabelled = train(c, data.x, data.labels, d, 3);
  BOOST_TEST(masked.model.feature == unlabelled.model.feature, boost::test_tools::per_element());
  BOOST_TEST(masked.model.threshold == unlabelled.model.threshold,
             boost::test_tools::per_element());
  BOOST_TEST(masked.model.value == unlabelled.model.value, boost::test_tools::per_element());
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (!mask[i]) BOOST_TEST(masked.oobTrees[i] == 0u);
  BOOST_TEST(masked.oobRows <= 1200u);
}

BOOST_AUTO_TEST_CASE(config_errors_name_the_parameter) {
  ForestConfig c;
  BOOST_CHECK_NO_THROW(forest::validateForestConfig(c));
  ForestConfig bad = c;
  bad.trees = 0;
  BOOST_TEST(throwsNaming(bad, "trees"));
  bad = c;
  bad.bins = 257;
  BOOST_TEST(throwsNaming(bad, "bins"));
  bad = c;
  bad.maxFeatures = forest::MaxFeatures::Fraction;
  bad.maxFeaturesFraction = 1.5;
  BOOST_TEST(throwsNaming(bad, "max_features"));
  bad = c;
  bad.minSamplesLeaf = 0;
  BOOST_TEST(throwsNaming(bad, "min_samples_leaf"));
  bad = c;
  bad.minSamplesSplit = 1;
  BOOST_TEST(throwsNaming(bad, "min_samples_split"));
  bad = c;
  bad.sampleFraction = 0.;
  BOOST_TEST(throwsNaming(bad, "sample_fraction"));
  bad = c;
  bad.maxDepth = -2;
  BOOST_TEST(throwsNaming(bad, "max_depth"));
  BOOST_TEST(forest::featuresPerSplit(c, 200) == 14);
  c.maxFeatures = forest::MaxFeatures::Log2;
  BOOST_TEST(forest::featuresPerSplit(c, 200) == 7);
  c.maxFeatures = forest::MaxFeatures::Count;
  c.maxFeaturesCount = 500;
  BOOST_TEST(forest::featuresPerSplit(c, 200) == 200);
}

BOOST_AUTO_TEST_CASE(model_validation_catches_corruption) {
  auto const data = forest::testdata::noisyBlock(0, 500, 4, 0.2);
  ForestConfig c;
  c.trees = 3;
  auto const r = train(c, data.x, data.labels, 4, 3);
  BOOST_CHECK_NO_THROW(forest::validateForestModel(r.model));
  auto broken = r.model;
  int const split =
      int(std::find_if(broken.feature.begin(), broken.feature.end(), [](int f) { return f >= 0; }) -
          broken.feature.begin());
  broken.left[split] = 0;  // a cycle back to the root
  BOOST_CHECK_THROW(forest::validateForestModel(broken), Error);
  broken = r.model;
  broken.threshold[split] += 1.f;
  BOOST_CHECK_THROW(forest::validateForestModel(broken), Error);
  broken = r.model;
  broken.value.pop_back();
  BOOST_CHECK_THROW(forest::validateForestModel(broken), Error);
  broken = r.model;
  broken.feature[split] = 4;
  BOOST_CHECK_THROW(forest::validateForestModel(broken), Error);
}

BOOST_AUTO_TEST_SUITE_END()
