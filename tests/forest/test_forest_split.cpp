// The split scorer against the documented formula computed plainly: for random class
// histograms (gini and entropy, unit and non-unit class weights, 2 to 5 classes, sparse and
// dense, minSamplesLeaf 1 and 4) every scan path must choose the split a direct evaluation
// of score(left) + score(right) - score(node) over all valid thresholds chooses, with the
// same gain bit for bit; ties go to the smallest threshold and to the feature offered first.
// mayImprove is false only when no split can beat the best: random histograms never yield
// a gain above the pure-split bound it uses.
#include "forest/split.hpp"
#include "forest_test_data.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

using namespace vocloud;
using forest::Criterion;
using forest::detail::SplitChoice;
using forest::detail::SplitScorer;

namespace {

/// score() of split.hpp written out: gini sum v^2 / V, entropy sum v ln v - V ln V.
double plainScore(Criterion criterion, std::vector<double> const& w,
                  std::vector<std::uint64_t> const& n) {
  double total = 0., s = 0.;
  for (std::size_t c = 0; c < n.size(); ++c) {
    double const v = w[c] * double(n[c]);
    total += v;
    if (criterion == Criterion::Gini)
      s += v * v;
    else if (v > 0.)
      s += v * std::log(v);
  }
  if (total <= 0.) return 0.;
  return criterion == Criterion::Gini ? s / total : s - total * std::log(total);
}

/// Class totals of a bins x k histogram; `samples` gets their sum.
std::vector<std::uint64_t> classTotals(std::vector<std::uint32_t> const& hist, int bins, int k,
                                       std::uint64_t& samples) {
  std::vector<std::uint64_t> total(std::size_t(k), 0);
  samples = 0;
  for (int b = 0; b < bins; ++b)
    for (int c = 0; c < k; ++c) {
      total[c] += hist[std::size_t(b) * k + c];
      samples += hist[std::size_t(b) * k + c];
    }
  return total;
}

struct Plain {
  SplitChoice best;
  bool nonConstant = false;
};

/// Every threshold t with a non-empty bin t and rows on both sides, in increasing t.
Plain plainScan(Criterion criterion, std::vector<double> const& w, std::uint64_t minLeaf,
                std::vector<std::uint32_t> const& hist, int bins, int k, int feature) {
  std::uint64_t samples = 0;
  std::vector<std::uint64_t> const total = classTotals(hist, bins, k, samples);
  std::vector<std::uint64_t> left(std::size_t(k), 0), right(std::size_t(k), 0);
  double const nodeScore = plainScore(criterion, w, total);
  Plain out;
  std::uint64_t leftSamples = 0;
  for (int t = 0; t + 1 < bins; ++t) {
    std::uint64_t add = 0;
    for (int c = 0; c < k; ++c) {
      left[c] += hist[std::size_t(t) * k + c];
      add += hist[std::size_t(t) * k + c];
    }
    leftSamples += add;
    if (add == 0 || leftSamples == 0 || leftSamples >= samples) continue;
    out.nonConstant = true;
    if (leftSamples < minLeaf || samples - leftSamples < minLeaf) continue;
    for (int c = 0; c < k; ++c) right[c] = total[c] - left[c];
    double const gain =
        plainScore(criterion, w, left) + plainScore(criterion, w, right) - nodeScore;
    if (gain > out.best.gain) out.best = SplitChoice{feature, t, gain};
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_split)

BOOST_AUTO_TEST_CASE(every_scan_path_matches_the_plain_formula) {
  int cases = 0;
  for (Criterion const criterion : {Criterion::Gini, Criterion::Entropy})
    for (int const k : {2, 3, 5})
      for (bool const unit : {true, false})
        for (std::uint64_t const minLeaf : {1u, 4u})
          for (int trial = 0; trial < 40; ++trial) {
            std::uint64_t const seed = std::uint64_t(cases++);
            std::vector<double> w(std::size_t(k), 1.);
            if (!unit)
              for (int c = 0; c < k; ++c) w[c] = 0.25 + 2. * forest::testdata::uniform(seed, c, 5);
            int const bins = 2 + int(250. * forest::testdata::uniform(seed, 0, 1));
            double const fill = forest::testdata::uniform(seed, 1, 2);  // sparse to dense
            int const scale = trial % 2 == 0 ? 3 : 400;                 // few rows per bin, or many
            std::vector<std::uint32_t> hist(std::size_t(bins) * k, 0);
            std::vector<int> occupied;
            for (int b = 0; b < bins; ++b) {
              if (forest::testdata::uniform(seed, 10 + b, 3) > fill) continue;
              std::uint64_t add = 0;
              for (int c = 0; c < k; ++c) {
                hist[std::size_t(b) * k + c] =
                    std::uint32_t(scale * forest::testdata::uniform(seed, 1000 + b * k + c, 4));
                add += hist[std::size_t(b) * k + c];
              }
              if (add > 0) occupied.push_back(b);
            }
            if (occupied.empty()) continue;
            std::uint64_t samples = 0;
            std::vector<std::uint64_t> const total = classTotals(hist, bins, k, samples);
            Plain const want = plainScan(criterion, w, minLeaf, hist, bins, k, 7);
            SplitScorer scorer(criterion, w, minLeaf);
            double const nodeScore = scorer.score(total.data());
            BOOST_TEST(nodeScore == plainScore(criterion, w, total));

            SplitChoice full, ranged, listed;
            bool const a =
                scorer.scanHistogram(hist.data(), bins, total.data(), samples, nodeScore, 7, full);
            bool const b = scorer.scanHistogram(hist.data(), occupied.back() + 1, total.data(),
                                                samples, nodeScore, 7, ranged, occupied.front());
            bool const c = scorer.scanOccupied(hist.data(), occupied.data(), int(occupied.size()),
                                               total.data(), samples, nodeScore, 7, listed);
            BOOST_TEST_CONTEXT("case " << seed << " k " << k << " bins " << bins) {
              for (auto const& [got, nonConstant] :
                   {std::pair{full, a}, std::pair{ranged, b}, std::pair{listed, c}}) {
                BOOST_TEST(nonConstant == want.nonConstant);
                BOOST_TEST(got.feature == want.best.feature);
                BOOST_TEST(got.bin == want.best.bin);
                BOOST_TEST((got.gain == want.best.gain ||
                            (std::isinf(got.gain) && std::isinf(want.best.gain))));
              }
            }
          }
  BOOST_TEST(cases == 2 * 3 * 2 * 2 * 40);
}

// Bins 0 and 2 hold (2, 0) and (0, 2) and bin 1 is empty; bin 3 holds (2, 0) and bin 4
// (0, 2). Thresholds 0 and 3 both cut a pure pair off a balanced rest with the same gain,
// so the scan keeps t = 0; offering the same histogram as a later feature keeps the first.
BOOST_AUTO_TEST_CASE(ties_go_to_the_smallest_threshold_and_the_first_feature) {
  std::vector<std::uint32_t> const hist = {2, 0, 0, 0, 0, 2, 2, 0, 0, 2};
  std::vector<std::uint64_t> const total = {4, 4};
  for (Criterion const criterion : {Criterion::Gini, Criterion::Entropy}) {
    SplitScorer scorer(criterion, {1., 1.}, 1);
    double const nodeScore = scorer.score(total.data());
    SplitChoice best;
    BOOST_TEST(scorer.scanHistogram(hist.data(), 5, total.data(), 8, nodeScore, 3, best));
    BOOST_TEST(best.feature == 3);
    BOOST_TEST(best.bin == 0);
    std::vector<int> const occupied = {0, 2, 3, 4};
    BOOST_TEST(
        scorer.scanOccupied(hist.data(), occupied.data(), 4, total.data(), 8, nodeScore, 5, best));
    BOOST_TEST(best.feature == 3);
    BOOST_TEST(best.bin == 0);
  }
}

BOOST_AUTO_TEST_CASE(no_gain_exceeds_the_pure_split_bound) {
  // Gini, unit weights: a split into pure sides gains exactly V - score(node), and no
  // threshold of any random histogram gains more (as the scan computes gains), so after a
  // pure split mayImprove is false; other criteria or weights always say true.
  std::vector<std::uint32_t> const pure = {3, 0, 0, 0, 0, 5};  // bins x 2 classes
  std::vector<std::uint64_t> const pureTotal = {3, 5};
  SplitScorer gini(Criterion::Gini, {1., 1.}, 1);
  double const pureScore = gini.score(pureTotal.data());
  SplitChoice best;
  BOOST_TEST(gini.mayImprove(best.gain, 8, pureScore));
  BOOST_TEST(gini.scanHistogram(pure.data(), 3, pureTotal.data(), 8, pureScore, 0, best));
  BOOST_TEST(best.gain == 8. - pureScore);
  BOOST_TEST(!gini.mayImprove(best.gain, 8, pureScore));
  SplitScorer entropy(Criterion::Entropy, {1., 1.}, 1);
  BOOST_TEST(entropy.mayImprove(best.gain, 8, pureScore));
  SplitScorer weighted(Criterion::Gini, {1., 2.}, 1);
  BOOST_TEST(weighted.mayImprove(best.gain, 8, pureScore));

  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    int const k = 2 + int(seed % 3), bins = 2 + int(seed % 40);
    std::vector<std::uint32_t> hist(std::size_t(bins) * k);
    std::vector<std::uint64_t> total(std::size_t(k), 0);
    std::uint64_t samples = 0;
    for (int b = 0; b < bins; ++b)
      for (int c = 0; c < k; ++c) {
        auto const v = std::uint32_t(forest::testdata::uniform(seed, std::uint64_t(b * k + c), 5) *
                                     (seed % 2 ? 3. : 40.));
        hist[std::size_t(b) * k + c] = v;
        total[c] += v;
        samples += v;
      }
    if (samples == 0) continue;
    SplitScorer scorer(Criterion::Gini, std::vector<double>(std::size_t(k), 1.), 1);
    double const nodeScore = scorer.score(total.data());
    SplitChoice any;
    scorer.scanHistogram(hist.data(), bins, total.data(), samples, nodeScore, 0, any);
    if (any.feature >= 0) BOOST_TEST(any.gain <= double(samples) - nodeScore);
  }
}

BOOST_AUTO_TEST_SUITE_END()
