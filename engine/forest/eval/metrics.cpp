#include "forest/eval/metrics.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vocloud::forest {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void checkClasses(int classes) {
  if (classes < 1) throw Error("forest: need at least 1 class, got " + std::to_string(classes));
}

void checkClass(int value, int classes, char const* what, std::size_t row) {
  if (value < 0 || value >= classes)
    throw Error(std::string("forest: ") + what + " class " + std::to_string(value) +
                " of local row " + std::to_string(row) + " outside [0, " + std::to_string(classes) +
                ")");
}

ConfusionMatrix emptyMatrix(int classes) {
  ConfusionMatrix m;
  m.classes = classes;
  m.counts.assign(static_cast<std::size_t>(classes) * static_cast<std::size_t>(classes), 0);
  return m;
}

double ratio(double num, double den) {
  return den > 0. ? num / den : 0.;
}

}  // namespace

std::uint64_t ConfusionMatrix::total() const {
  std::uint64_t sum = 0;
  for (auto const n : counts) sum += n;
  return sum;
}

ConfusionMatrix confusionMatrix(std::vector<int> const& truth, std::vector<int> const& predicted,
                                int classes) {
  return confusionMatricesByFold(truth, predicted, std::vector<int>(truth.size(), 0), 1,
                                 classes)[0];
}

std::vector<ConfusionMatrix> confusionMatricesByFold(std::vector<int> const& truth,
                                                     std::vector<int> const& predicted,
                                                     std::vector<int> const& folds, int k,
                                                     int classes) {
  checkClasses(classes);
  if (predicted.size() != truth.size() || folds.size() != truth.size())
    throw Error("forest: " + std::to_string(truth.size()) + " true classes but " +
                std::to_string(predicted.size()) + " predictions and " +
                std::to_string(folds.size()) + " folds");
  std::vector<ConfusionMatrix> out(static_cast<std::size_t>(std::max(k, 0)), emptyMatrix(classes));
  auto const uc = static_cast<std::size_t>(classes);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (folds[i] < 0 || folds[i] >= k) continue;  // e.g. unlabelled rows, fold -1
    checkClass(truth[i], classes, "true", i);
    checkClass(predicted[i], classes, "predicted", i);
    ++out[static_cast<std::size_t>(folds[i])]
          .counts[static_cast<std::size_t>(truth[i]) * uc + static_cast<std::size_t>(predicted[i])];
  }
  return out;
}

void reduce(ConfusionMatrix& matrix, comm::Comm const& comm) {
  comm.allreduce(matrix.counts, comm::Op::Sum);
}

ClassMetrics classMetrics(ConfusionMatrix const& matrix) {
  int const classes = matrix.classes;
  auto const uc = static_cast<std::size_t>(classes);
  ClassMetrics m;
  m.precision.assign(uc, 0.);
  m.recall.assign(uc, 0.);
  m.f1.assign(uc, 0.);
  m.support.assign(uc, 0);
  std::vector<std::uint64_t> predictedCount(uc, 0);
  std::uint64_t correct = 0, total = 0;
  for (int t = 0; t < classes; ++t)
    for (int p = 0; p < classes; ++p) {
      std::uint64_t const n = matrix.at(t, p);
      m.support[static_cast<std::size_t>(t)] += n;
      predictedCount[static_cast<std::size_t>(p)] += n;
      total += n;
      if (t == p) correct += n;
    }
  m.accuracy = ratio(static_cast<double>(correct), static_cast<double>(total));
  int present = 0;
  for (std::size_t c = 0; c < uc; ++c) {
    auto const tp = static_cast<double>(matrix.at(static_cast<int>(c), static_cast<int>(c)));
    m.precision[c] = ratio(tp, static_cast<double>(predictedCount[c]));
    m.recall[c] = ratio(tp, static_cast<double>(m.support[c]));
    m.f1[c] = ratio(2. * m.precision[c] * m.recall[c], m.precision[c] + m.recall[c]);
    if (m.support[c] == 0 && predictedCount[c] == 0) continue;  // not in sklearn's label set
    ++present;
    m.macroPrecision += m.precision[c];
    m.macroRecall += m.recall[c];
    m.macroF1 += m.f1[c];
  }
  if (present > 0) {
    m.macroPrecision /= present;
    m.macroRecall /= present;
    m.macroF1 /= present;
  }
  return m;
}

ScoreHistogram scoreHistogram(std::vector<int> const& truth, std::vector<float> const& scores,
                              int classes, int bins) {
  checkClasses(classes);
  if (bins < 1)
    throw Error("forest: a score histogram needs at least 1 bin, got " + std::to_string(bins));
  auto const uc = static_cast<std::size_t>(classes);
  auto const ub = static_cast<std::size_t>(bins);
  if (scores.size() != truth.size() * uc)
    throw Error("forest: " + std::to_string(scores.size()) + " scores for " +
                std::to_string(truth.size()) + " rows of " + std::to_string(classes) + " classes");
  ScoreHistogram h;
  h.classes = classes;
  h.bins = bins;
  h.positive.assign(uc * ub, 0);
  h.negative.assign(uc * ub, 0);
  h.lowest.assign(uc * ub, std::numeric_limits<float>::infinity());
  h.highest.assign(uc * ub, -std::numeric_limits<float>::infinity());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    checkClass(truth[i], classes, "true", i);
    for (std::size_t c = 0; c < uc; ++c) {
      float const s = scores[i * uc + c];
      if (!(s >= 0.f && s <= 1.f))
        throw Error("forest: score " + std::to_string(s) + " of local row " + std::to_string(i) +
                    ", class " + std::to_string(c) + " outside [0, 1]");
      auto const b = std::min(static_cast<std::size_t>(static_cast<double>(s) * bins), ub - 1);
      std::size_t const at = c * ub + b;
      ++(static_cast<std::size_t>(truth[i]) == c ? h.positive : h.negative)[at];
      h.lowest[at] = std::min(h.lowest[at], s);
      h.highest[at] = std::max(h.highest[at], s);
    }
  }
  return h;
}

void reduce(ScoreHistogram& histogram, comm::Comm const& comm) {
  comm.allreduce(histogram.positive, comm::Op::Sum);
  comm.allreduce(histogram.negative, comm::Op::Sum);
  comm.allreduce(histogram.lowest, comm::Op::Min);
  comm.allreduce(histogram.highest, comm::Op::Max);
}

AucMetrics rocAuc(ScoreHistogram const& histogram) {
  auto const uc = static_cast<std::size_t>(histogram.classes);
  auto const ub = static_cast<std::size_t>(histogram.bins);
  AucMetrics m;
  m.auc.assign(uc, kNaN);
  m.errorBound.assign(uc, kNaN);
  int defined = 0;
  m.macroAuc = 0.;
  m.macroErrorBound = 0.;
  for (std::size_t c = 0; c < uc; ++c) {
    // Counts stay integers as long as they can: ordered pairs and twice the tied pairs.
    double below = 0., ordered = 0., ties = 0., uncertain = 0., positives = 0.;
    for (std::size_t b = 0; b < ub; ++b) {
      auto const pos = static_cast<double>(histogram.positive[c * ub + b]);
      auto const neg = static_cast<double>(histogram.negative[c * ub + b]);
      ordered += pos * below;
      ties += pos * neg;
      if (histogram.lowest[c * ub + b] < histogram.highest[c * ub + b]) uncertain += pos * neg;
      below += neg;
      positives += pos;
    }
    double const pairs = positives * below;
    if (pairs == 0.) continue;
    m.auc[c] = (ordered + 0.5 * ties) / pairs;
    m.errorBound[c] = 0.5 * uncertain / pairs;
    ++defined;
    m.macroAuc += m.auc[c];
    m.macroErrorBound += m.errorBound[c];
  }
  if (defined > 0) {
    m.macroAuc /= defined;
    m.macroErrorBound /= defined;
  } else {
    m.macroAuc = m.macroErrorBound = kNaN;
  }
  return m;
}

Spread spread(std::vector<double> const& values) {
  Spread s;
  double sum = 0.;
  for (double const v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++s.count;
    }
  if (s.count == 0) return Spread{kNaN, kNaN, 0};
  s.mean = sum / s.count;
  if (s.count < 2) {
    s.sd = kNaN;
    return s;
  }
  double squares = 0.;
  for (double const v : values)
    if (std::isfinite(v)) squares += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(squares / (s.count - 1));
  return s;
}

CvSummary summariseFolds(std::vector<ClassMetrics> const& folds,
                         std::vector<AucMetrics> const& aucs) {
  if (!aucs.empty() && aucs.size() != folds.size())
    throw Error("forest: " + std::to_string(aucs.size()) + " AUC results for " +
                std::to_string(folds.size()) + " folds");
  std::size_t const classes = folds.empty() ? 0 : folds.front().f1.size();
  for (auto const& f : folds)
    if (f.f1.size() != classes) throw Error("forest: folds disagree on the number of classes");
  for (auto const& a : aucs)
    if (a.auc.size() != classes) throw Error("forest: AUC and folds disagree on the classes");
  auto over = [&](auto get) {
    std::vector<double> values;
    for (std::size_t f = 0; f < folds.size(); ++f) values.push_back(get(f));
    return spread(values);
  };
  CvSummary s;
  s.accuracy = over([&](std::size_t f) { return folds[f].accuracy; });
  s.macroPrecision = over([&](std::size_t f) { return folds[f].macroPrecision; });
  s.macroRecall = over([&](std::size_t f) { return folds[f].macroRecall; });
  s.macroF1 = over([&](std::size_t f) { return folds[f].macroF1; });
  s.macroAuc =
      aucs.empty() ? Spread{kNaN, kNaN, 0} : over([&](std::size_t f) { return aucs[f].macroAuc; });
  for (std::size_t c = 0; c < classes; ++c) {
    s.precision.push_back(over([&](std::size_t f) { return folds[f].precision[c]; }));
    s.recall.push_back(over([&](std::size_t f) { return folds[f].recall[c]; }));
    s.f1.push_back(over([&](std::size_t f) { return folds[f].f1[c]; }));
    if (!aucs.empty()) s.auc.push_back(over([&](std::size_t f) { return aucs[f].auc[c]; }));
  }
  return s;
}

}  // namespace vocloud::forest
