// Metrics by hand on small cases, ROC AUC from histograms against the exact pairwise AUC
// within the stated bound, and mean / sample sd over folds.
#include "core/error.hpp"
#include "forest/eval/metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>
#include <vector>

using namespace vocloud;
using namespace vocloud::forest;
namespace tt = boost::test_tools;

namespace {

// The exact one-vs-rest AUC of class c by comparing every positive with every negative
// (ties count 1/2), as scikit-learn's roc_auc_score computes it.
double exactAuc(std::vector<int> const& truth, std::vector<float> const& scores, int classes,
                int c) {
  std::vector<float> pos, neg;
  for (std::size_t i = 0; i < truth.size(); ++i)
    (truth[i] == c ? pos : neg).push_back(scores[i * classes + c]);
  double sum = 0.;
  for (float p : pos)
    for (float n : neg) sum += p > n ? 1. : p == n ? 0.5 : 0.;
  return sum / (double(pos.size()) * double(neg.size()));
}

// Random class scores summing to 1 per row, tilted towards the true class; with `grain` > 0
// every score is rounded to a multiple of 1 / grain (as votes of grain trees).
void randomScores(std::size_t n, int classes, unsigned seed, int grain, std::vector<int>& truth,
                  std::vector<float>& scores) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0., 1.);
  truth.resize(n);
  scores.assign(n * classes, 0.f);
  for (std::size_t i = 0; i < n; ++i) {
    truth[i] = int(rng() % classes);
    std::vector<double> w(classes);
    double sum = 0.;
    for (int c = 0; c < classes; ++c) sum += w[c] = u(rng) + (c == truth[i] ? 0.4 : 0.);
    for (int c = 0; c < classes; ++c) {
      double s = w[c] / sum;
      if (grain > 0) s = std::round(s * grain) / grain;
      scores[i * classes + c] = float(s);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_metrics)

// truth 0 0 0 1 1 2 2 2, predicted 0 0 1 1 0 3 2 2 (class 3 predicted once, never true):
//   class 0: tp 2, predicted 3, true 3 -> P 2/3, R 2/3, F1 2/3
//   class 1: tp 1, predicted 2, true 2 -> P 1/2, R 1/2, F1 1/2
//   class 2: tp 2, predicted 2, true 3 -> P 1,   R 2/3, F1 4/5
//   class 3: tp 0, predicted 1, true 0 -> P 0,   R 0/0 = 0, F1 0
// accuracy 5/8; macro over classes 0..3 (a 5th class with no rows at all is left out):
// P (2/3 + 1/2 + 1 + 0) / 4, R (2/3 + 1/2 + 2/3 + 0) / 4, F1 (2/3 + 1/2 + 4/5 + 0) / 4.
BOOST_AUTO_TEST_CASE(confusion_and_class_metrics_by_hand) {
  std::vector<int> const truth = {0, 0, 0, 1, 1, 2, 2, 2};
  std::vector<int> const predicted = {0, 0, 1, 1, 0, 3, 2, 2};
  for (int classes : {4, 5}) {
    auto const m = confusionMatrix(truth, predicted, classes);
    BOOST_TEST(m.total() == 8u);
    BOOST_TEST(m.at(0, 0) == 2u);
    BOOST_TEST(m.at(0, 1) == 1u);
    BOOST_TEST(m.at(1, 0) == 1u);
    BOOST_TEST(m.at(2, 3) == 1u);
    BOOST_TEST(m.at(3, 3) == 0u);
    auto const s = classMetrics(m);
    BOOST_TEST(s.accuracy == 5. / 8., tt::tolerance(1e-15));
    std::vector<double> const p = {2. / 3, 0.5, 1., 0.}, r = {2. / 3, 0.5, 2. / 3, 0.},
                              f = {2. / 3, 0.5, 0.8, 0.};
    for (int c = 0; c < 4; ++c) {
      BOOST_TEST(s.precision[c] == p[c], tt::tolerance(1e-15));
      BOOST_TEST(s.recall[c] == r[c], tt::tolerance(1e-15));
      BOOST_TEST(s.f1[c] == f[c], tt::tolerance(1e-15));
    }
    BOOST_TEST(s.support[2] == 3u);
    BOOST_TEST(s.macroPrecision == (2. / 3 + 0.5 + 1.) / 4, tt::tolerance(1e-15));
    BOOST_TEST(s.macroRecall == (2. / 3 + 0.5 + 2. / 3) / 4, tt::tolerance(1e-15));
    BOOST_TEST(s.macroF1 == (2. / 3 + 0.5 + 0.8) / 4, tt::tolerance(1e-15));
  }
  // An empty matrix: everything 0, nothing divided by 0.
  auto const empty = classMetrics(confusionMatrix({}, {}, 3));
  BOOST_TEST(empty.accuracy == 0.);
  BOOST_TEST(empty.macroF1 == 0.);
}

BOOST_AUTO_TEST_CASE(confusion_by_fold_counts_each_fold_once) {
  std::vector<int> const truth = {0, 1, 1, 0, 1, 0};
  std::vector<int> const predicted = {0, 1, 0, 0, 1, 1};
  std::vector<int> const folds = {0, 1, 2, 1, 0, -1};  // the last row is in no fold
  auto const m = confusionMatricesByFold(truth, predicted, folds, 3, 2);
  BOOST_TEST(m.size() == 3u);
  BOOST_TEST(m[0].counts == (std::vector<std::uint64_t>{1, 0, 0, 1}), tt::per_element());
  BOOST_TEST(m[1].counts == (std::vector<std::uint64_t>{1, 0, 0, 1}), tt::per_element());
  BOOST_TEST(m[2].counts == (std::vector<std::uint64_t>{0, 0, 1, 0}), tt::per_element());
  BOOST_CHECK_THROW(confusionMatrix({0, 2}, {0, 1}, 2), Error);
  BOOST_CHECK_THROW(confusionMatrix({0, 1}, {0, -1}, 2), Error);
  BOOST_CHECK_THROW(confusionMatrix({0, 1}, {0}, 2), Error);
}

// Binary case, class-1 scores: positives 0.9 0.8 0.4, negatives 0.7 0.4 0.1. Of the 9
// pairs, 7 are ordered and one (0.4, 0.4) tied: AUC = 7.5 / 9. With 2 bins ([0, .5), [.5, 1])
// the histogram sees 2 * 2 ordered pairs and 4 tied ones: AUC 6 / 9, bound 0.5 * 4 / 9.
BOOST_AUTO_TEST_CASE(auc_by_hand) {
  std::vector<int> const truth = {1, 1, 1, 0, 0, 0};
  std::vector<float> const p1 = {0.9f, 0.8f, 0.4f, 0.7f, 0.4f, 0.1f};
  std::vector<float> scores;
  for (float s : p1) scores.insert(scores.end(), {1.f - s, s});
  auto const fine = rocAuc(scoreHistogram(truth, scores, 2));
  BOOST_TEST(fine.auc[1] == 7.5 / 9, tt::tolerance(1e-15));
  BOOST_TEST(fine.auc[0] == 7.5 / 9, tt::tolerance(1e-15));
  BOOST_TEST(fine.errorBound[1] == 0.);  // the only shared bin holds one value, 0.4
  BOOST_TEST(fine.macroAuc == 7.5 / 9, tt::tolerance(1e-15));
  auto const coarse = rocAuc(scoreHistogram(truth, scores, 2, 2));
  BOOST_TEST(coarse.auc[1] == 6. / 9, tt::tolerance(1e-15));
  BOOST_TEST(coarse.errorBound[1] == 2. / 9, tt::tolerance(1e-15));
  BOOST_TEST(std::abs(coarse.auc[1] - 7.5 / 9) <= coarse.errorBound[1]);
  // A class without positives has no AUC and is left out of the macro mean.
  auto const one = rocAuc(scoreHistogram({0, 0}, {0.3f, 0.7f, 0.6f, 0.4f}, 2));
  BOOST_TEST(std::isnan(one.auc[0]));
  BOOST_TEST(std::isnan(one.macroAuc));
  BOOST_CHECK_THROW(scoreHistogram({0}, {1.5f, 0.f}, 2), Error);
  BOOST_CHECK_THROW(scoreHistogram({0}, {std::nanf(""), 0.f}, 2), Error);
  BOOST_CHECK_THROW(scoreHistogram({0}, {0.5f}, 2), Error);
  BOOST_CHECK_THROW(scoreHistogram({0}, {0.5f, 0.5f}, 2, 0), Error);
}

BOOST_AUTO_TEST_CASE(auc_within_the_bound_of_the_exact_pairwise_auc) {
  int const classes = 3;
  std::vector<int> truth;
  std::vector<float> scores;
  for (int bins : {kAucBins, 256, 16}) {
    randomScores(3000, classes, 17, 0, truth, scores);
    auto const hist = scoreHistogram(truth, scores, classes, bins);
    auto const a = rocAuc(hist);
    for (int c = 0; c < classes; ++c) {
      double const exact = exactAuc(truth, scores, classes, c);
      BOOST_TEST(std::abs(a.auc[c] - exact) <= a.errorBound[c] + 1e-12, "bins " << bins);
      // The a-priori form of the bound: half the largest share of negatives in one bin.
      double worst = 0., negatives = 0.;
      for (int b = 0; b < bins; ++b) negatives += double(hist.negative[c * bins + b]);
      for (int b = 0; b < bins; ++b)
        worst = std::max(worst, double(hist.negative[c * bins + b]) / negatives);
      BOOST_TEST(a.errorBound[c] <= 0.5 * worst + 1e-15);
      if (bins == kAucBins) BOOST_TEST(a.errorBound[c] < 1e-3);
    }
  }
  // Scores from a discrete set (multiples of 1/100, as votes of 100 trees) with many ties:
  // the default bins separate every value, so the AUC is exact and the bound 0.
  randomScores(3000, classes, 23, 100, truth, scores);
  auto const a = rocAuc(scoreHistogram(truth, scores, classes));
  for (int c = 0; c < classes; ++c) {
    BOOST_TEST(a.auc[c] == exactAuc(truth, scores, classes, c), tt::tolerance(1e-12));
    BOOST_TEST(a.errorBound[c] == 0.);
  }
}

BOOST_AUTO_TEST_CASE(mean_and_sample_sd_over_folds) {
  auto const s = spread({1., 2., 3., 4.});
  BOOST_TEST(s.mean == 2.5);
  BOOST_TEST(s.sd == std::sqrt(5. / 3.), tt::tolerance(1e-15));  // squares 2.25+.25+.25+2.25
  BOOST_TEST(s.count == 4);
  auto const gaps = spread({1., std::nan(""), 3.});
  BOOST_TEST(gaps.mean == 2.);
  BOOST_TEST(gaps.sd == std::sqrt(2.), tt::tolerance(1e-15));
  BOOST_TEST(gaps.count == 2);
  BOOST_TEST(std::isnan(spread({5.}).sd));
  BOOST_TEST(spread({5.}).mean == 5.);
  BOOST_TEST(std::isnan(spread({}).mean));

  // Two folds: all right, then half right.
  auto const f0 = classMetrics(confusionMatrix({0, 1}, {0, 1}, 2));
  auto const f1 = classMetrics(confusionMatrix({0, 1}, {0, 0}, 2));
  AucMetrics a0, a1;
  a0.auc = {1., 1.};
  a0.macroAuc = 1.;
  a1.auc = {0.5, std::nan("")};
  a1.macroAuc = 0.5;
  auto const cv = summariseFolds({f0, f1}, {a0, a1});
  BOOST_TEST(cv.accuracy.mean == 0.75);
  BOOST_TEST(cv.accuracy.sd == std::sqrt(0.125), tt::tolerance(1e-15));
  // Fold 1: class 0 P 1/2 R 1 F1 2/3, class 1 P 0 R 0 F1 0 -> macro F1 1/3.
  BOOST_TEST(cv.macroF1.mean == (1. + 1. / 3) / 2, tt::tolerance(1e-15));
  BOOST_TEST(cv.f1[0].mean == (1. + 2. / 3) / 2, tt::tolerance(1e-15));
  BOOST_TEST(cv.auc[1].count == 1);
  BOOST_TEST(cv.macroAuc.mean == 0.75);
  BOOST_CHECK_THROW(summariseFolds({f0, f1}, {a0}), Error);
}

BOOST_AUTO_TEST_SUITE_END()
