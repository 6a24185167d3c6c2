#pragma once
// Classification metrics whose inputs add over ranks: a confusion matrix and per-class
// histograms of scores are summed over ranks (reduce), then every rank derives the same
// accuracy, precision, recall, F1 and ROC AUC from them. No row leaves its rank.
//
// Precision, recall and F1 follow scikit-learn with zero_division=0: a ratio whose
// denominator is 0 is 0 (precision of a class never predicted, recall of a class without
// rows, F1 when precision + recall = 0). Macro averages are plain means over the classes
// that occur in the truth or in the predictions (scikit-learn's default label set).
//
// ROC AUC, one class against the rest, from histograms: each class's score s in [0, 1] falls
// in bin min(floor(s * bins), bins - 1); with P positives, N negatives and pos[b], neg[b]
// per bin,
//     AUC ~ (sum_b pos[b] * (neg[0] + ... + neg[b-1]) + pos[b] * neg[b] / 2) / (P N),
// i.e. pairs in different bins are ordered exactly and pairs sharing a bin count as ties.
// The exact AUC (ties = 1/2, as scikit-learn) differs only in pairs of the same bin whose
// scores differ, so
//     |AUC - exact| <= sum over bins with distinct scores of pos[b] neg[b] / (2 P N)
//                   <= max_b neg[b] / (2 N),
// and this bound is reported with every AUC. Each bin also keeps the smallest and largest
// score it received (reduced with min/max), so bins holding one value only contribute no
// error: scores from a discrete set (votes of T trees, v / T) give the exact AUC whenever
// bins > T. Per rank the cost is O(classes * bins) memory and one reduction.
#include "comm/comm.hpp"

#include <cstdint>
#include <vector>

namespace vocloud::forest {

/// Counts of (true class, predicted class) pairs.
struct ConfusionMatrix {
  int classes = 0;
  std::vector<std::uint64_t> counts;  ///< [truth][predicted], row-major; adds over ranks

  std::uint64_t at(int truth, int predicted) const {
    return counts[static_cast<std::size_t>(truth) * static_cast<std::size_t>(classes) +
                  static_cast<std::size_t>(predicted)];
  }
  /// The number of rows counted.
  std::uint64_t total() const;
};

/// Confusion matrix of the local rows. Throws vocloud::Error naming the row when a true or
/// predicted class lies outside [0, classes) or the vectors differ in length.
ConfusionMatrix confusionMatrix(std::vector<int> const& truth, std::vector<int> const& predicted,
                                int classes);

/// One confusion matrix per fold: matrix f counts the local rows with folds[i] == f, e.g.
/// out-of-fold predictions of k-fold CV. Rows with a fold outside [0, k) (unlabelled rows
/// have fold -1) are skipped unchecked; the others are checked as in confusionMatrix.
std::vector<ConfusionMatrix> confusionMatricesByFold(std::vector<int> const& truth,
                                                     std::vector<int> const& predicted,
                                                     std::vector<int> const& folds, int k,
                                                     int classes);

/// Sums the counts over ranks in place. Collective over comm.
void reduce(ConfusionMatrix& matrix, comm::Comm const& comm);

/// Metrics of one confusion matrix (see the file comment for 0/0 and macro averages).
struct ClassMetrics {
  double accuracy = 0.;  ///< trace / total; 0 for an empty matrix
  std::vector<double> precision, recall, f1;
  std::vector<std::uint64_t> support;  ///< true rows per class
  double macroPrecision = 0., macroRecall = 0., macroF1 = 0.;
};

/// Accuracy, per-class precision, recall, F1 and their macro means of a (reduced) matrix.
ClassMetrics classMetrics(ConfusionMatrix const& matrix);

/// Per class, counts of the scores of its positive and negative rows over `bins` equal bins
/// of [0, 1], and the range of the scores each bin received.
struct ScoreHistogram {
  int classes = 0;
  int bins = 0;
  std::vector<std::uint64_t> positive, negative;  ///< [class][bin]; add over ranks
  std::vector<float> lowest, highest;  ///< [class][bin]; min / max over ranks (+inf / -inf
                                       ///< for an empty bin)
};

/// Default bins of a score histogram: AUC within max_b neg[b] / (2N) of exact, and exact for
/// scores v / T with T < 4096.
constexpr int kAucBins = 4096;

/// Histogram of the local rows' class scores: scores is row-major [rows][classes] (e.g. class
/// probabilities), truth[i] the class of row i. Throws vocloud::Error naming the row for a
/// score outside [0, 1] (or NaN), a class outside [0, classes), or mismatched sizes.
ScoreHistogram scoreHistogram(std::vector<int> const& truth, std::vector<float> const& scores,
                              int classes, int bins = kAucBins);

/// Sums the counts and takes the min / max of the ranges over ranks in place.
/// Collective over comm.
void reduce(ScoreHistogram& histogram, comm::Comm const& comm);

/// One-vs-rest ROC AUC per class from a (reduced) histogram.
struct AucMetrics {
  std::vector<double> auc;         ///< per class; NaN without positives or negatives
  std::vector<double> errorBound;  ///< per class: |auc - exact AUC| <= errorBound
  double macroAuc = 0.;            ///< mean over classes with a finite AUC (NaN if none)
  double macroErrorBound = 0.;     ///< mean of their bounds
};

/// ROC AUC per class, its error bound and the macro mean (file comment).
AucMetrics rocAuc(ScoreHistogram const& histogram);

/// Mean and sample standard deviation (divisor n - 1) of a metric over folds.
struct Spread {
  double mean = 0.;
  double sd = 0.;
  int count = 0;  ///< finite values used
};

/// Mean and sample sd of the finite entries of `values` (NaN entries, e.g. an AUC undefined
/// in a fold, are left out); mean NaN without values, sd NaN with fewer than 2.
Spread spread(std::vector<double> const& values);

/// Spreads of every metric over the folds of a cross-validation.
struct CvSummary {
  Spread accuracy, macroPrecision, macroRecall, macroF1, macroAuc;
  std::vector<Spread> precision, recall, f1, auc;  ///< per class
};

/// Aggregates per-fold metrics; `aucs` may be empty (no scores) or hold one entry per fold.
/// Throws vocloud::Error when folds disagree on the number of classes.
CvSummary summariseFolds(std::vector<ClassMetrics> const& folds,
                         std::vector<AucMetrics> const& aucs = {});

}  // namespace vocloud::forest
