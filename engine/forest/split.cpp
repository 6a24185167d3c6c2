#include "forest/split.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

namespace vocloud::forest::detail {

namespace {

using Mode = SplitScorer::Mode;

/// Largest node (in bootstrap samples) whose scan uses a table indexed by counts: 32 MiB.
constexpr std::uint64_t kMaxTable = std::uint64_t(1) << 22;

/// Relative bound, far above the rounding error, on how much the gain computed with
/// reciprocals from the table may differ from the gain computed with divisions.
constexpr double kReciprocalSlack = 1e-12;

/// What the gain of a candidate reads besides the left counts.
struct GainInputs {
  int k;
  double const* total;    ///< class totals of the node, as doubles
  double const* weights;  ///< class weights (Gini, Entropy)
  double const* table;    ///< 1 / n (GiniUnit) or n ln n (EntropyUnit), n up to the node size
  double nodeScore;
};

/// The running best of one scan, in locals; written back to the SplitChoice at the end.
struct ScanState {
  std::uint64_t totalSamples, minLeaf;
  std::uint64_t leftSamples;
  bool nonConstant;
  int bestBin;
  double bestGain;
};

/// The gain of "left counts vs the rest": score(left) + score(right) - nodeScore with the
/// operations of SplitScorer::score in the same order (see split.hpp).
template <int K, Mode M>
inline double gainOf(double const* left, std::uint64_t leftSamples, std::uint64_t totalSamples,
                     GainInputs const& in) {
  int const k = K > 0 ? K : in.k;
  if constexpr (M == Mode::Gini || M == Mode::GiniUnit) {
    double lt = 0., ls = 0., rt = 0., rs = 0.;
    for (int c = 0; c < k; ++c) {
      double vl = left[c], vr = in.total[c] - left[c];
      if constexpr (M == Mode::Gini) {
        vl *= in.weights[c];
        vr *= in.weights[c];
      }
      lt += vl;
      ls += vl * vl;
      rt += vr;
      rs += vr * vr;
    }
    return ls / lt + rs / rt - in.nodeScore;
  } else if constexpr (M == Mode::EntropyUnit) {
    // v ln v of an integer count is a table entry; V = the side's sample count.
    double ls = 0., rs = 0.;
    for (int c = 0; c < k; ++c) {
      auto const nl = std::int64_t(left[c]);
      auto const nr = std::int64_t(in.total[c] - left[c]);
      if (nl > 0) ls += in.table[nl];
      if (nr > 0) rs += in.table[nr];
    }
    double const l = ls - in.table[leftSamples];
    double const r = rs - in.table[totalSamples - leftSamples];
    return l + r - in.nodeScore;
  } else {
    double lt = 0., ls = 0., rt = 0., rs = 0.;
    for (int c = 0; c < k; ++c) {
      double const vl = in.weights[c] * left[c];
      double const vr = in.weights[c] * (in.total[c] - left[c]);
      lt += vl;
      if (vl > 0.) ls += vl * std::log(vl);
      rt += vr;
      if (vr > 0.) rs += vr * std::log(vr);
    }
    double const l = lt > 0. ? ls - lt * std::log(lt) : 0.;
    double const r = rt > 0. ? rs - rt * std::log(rt) : 0.;
    return l + r - in.nodeScore;
  }
}

/// Gini with unit weights: whether the candidate beats the best, and its gain when it does.
/// The divisions bound the scan, so a first estimate multiplies by reciprocals from the
/// table and rejects the candidates that cannot win by a margin far above its rounding
/// error; the others get the gain with divisions, as gainOf computes it.
template <int K>
inline bool giniUnitBeats(double const* left, GainInputs const& in, ScanState const& s,
                          double& gain) {
  int const k = K > 0 ? K : in.k;
  double lt = 0., ls = 0., rt = 0., rs = 0.;
  for (int c = 0; c < k; ++c) {
    double const vl = left[c], vr = in.total[c] - left[c];
    lt += vl;
    ls += vl * vl;
    rt += vr;
    rs += vr * vr;
  }
  double const estimate =
      ls * in.table[s.leftSamples] + rs * in.table[s.totalSamples - s.leftSamples];
  if (estimate - in.nodeScore + kReciprocalSlack * estimate <= s.bestGain) return false;
  gain = ls / lt + rs / rt - in.nodeScore;
  return gain > s.bestGain;
}

/// Offers "bin <= t" once the left counts include bin t; false when no larger t can be
/// valid (the right side is below minSamplesLeaf) or the left side holds everything.
template <int K, Mode M>
inline bool offer(double const* left, int t, GainInputs const& in, ScanState& s) {
  if (s.leftSamples >= s.totalSamples) return false;
  s.nonConstant = true;
  if (s.totalSamples - s.leftSamples < s.minLeaf) return false;
  if (s.leftSamples < s.minLeaf) return true;
  double gain;
  bool beats;
  if constexpr (M == Mode::GiniUnit) {
    beats = giniUnitBeats<K>(left, in, s, gain);
  } else {
    gain = gainOf<K, M>(left, s.leftSamples, s.totalSamples, in);
    beats = gain > s.bestGain;
  }
  if (beats) {
    s.bestGain = gain;
    s.bestBin = t;
  }
  return true;
}

/// Adds bin b of the histogram to the left counts and offers it; false ends the scan.
template <int K, Mode M>
inline bool addBin(std::uint32_t const* hist, int b, double* left, GainInputs const& in,
                   ScanState& s) {
  int const k = K > 0 ? K : in.k;
  std::uint32_t const* h = hist + std::size_t(b) * k;
  std::uint64_t add = 0;
  for (int c = 0; c < k; ++c) add += h[c];
  if (add == 0) return true;  // an empty bin repeats the previous candidate
  for (int c = 0; c < k; ++c) left[c] += double(h[c]);
  s.leftSamples += add;
  return offer<K, M>(left, b, in, s);
}

template <int K, Mode M>
void scanHistogramOf(std::uint32_t const* hist, int firstBin, int bins, double* dynamicLeft,
                     GainInputs const& in, ScanState& s) {
  int const k = K > 0 ? K : in.k;
  double fixedLeft[K > 0 ? K : 1];
  double* const left = K > 0 ? fixedLeft : dynamicLeft;
  for (int c = 0; c < k; ++c) left[c] = 0.;
  for (int b = firstBin; b + 1 < bins; ++b)
    if (!addBin<K, M>(hist, b, left, in, s)) break;
}

template <int K, Mode M>
void scanOccupiedOf(std::uint32_t const* hist, int const* occupied, int count, double* dynamicLeft,
                    GainInputs const& in, ScanState& s) {
  int const k = K > 0 ? K : in.k;
  double fixedLeft[K > 0 ? K : 1];
  double* const left = K > 0 ? fixedLeft : dynamicLeft;
  for (int c = 0; c < k; ++c) left[c] = 0.;
  for (int i = 0; i < count; ++i)
    if (!addBin<K, M>(hist, occupied[i], left, in, s)) break;
}

/// Calls f(std::integral_constant<int, K>, std::integral_constant<Mode, M>) with K the
/// class count when it has its own instantiation (2, 3, 4) and 0 otherwise.
template <class F>
void dispatch(Mode mode, int k, F&& f) {
  auto const withMode = [&](auto m) {
    switch (k) {
      case 2:
        return f(std::integral_constant<int, 2>{}, m);
      case 3:
        return f(std::integral_constant<int, 3>{}, m);
      case 4:
        return f(std::integral_constant<int, 4>{}, m);
      default:
        return f(std::integral_constant<int, 0>{}, m);
    }
  };
  switch (mode) {
    case Mode::Gini:
      return withMode(std::integral_constant<Mode, Mode::Gini>{});
    case Mode::GiniUnit:
      return withMode(std::integral_constant<Mode, Mode::GiniUnit>{});
    case Mode::Entropy:
      return withMode(std::integral_constant<Mode, Mode::Entropy>{});
    case Mode::EntropyUnit:
      return withMode(std::integral_constant<Mode, Mode::EntropyUnit>{});
  }
}

}  // namespace

SplitScorer::SplitScorer(Criterion criterion, std::vector<double> classWeights,
                         std::uint64_t minSamplesLeaf)
    : _criterion(criterion),
      _weights(std::move(classWeights)),
      _minLeaf(minSamplesLeaf < 1 ? 1 : minSamplesLeaf),
      _unitWeights(true),
      _left(_weights.size()),
      _total(_weights.size()) {
  for (double const w : _weights) _unitWeights = _unitWeights && w == 1.;
}

double SplitScorer::score(std::uint64_t const* counts) const {
  int const k = classes();
  double total = 0., s = 0.;
  if (_criterion == Criterion::Gini) {
    for (int c = 0; c < k; ++c) {
      double const v = _weights[c] * double(counts[c]);
      total += v;
      s += v * v;
    }
    return total > 0. ? s / total : 0.;
  }
  for (int c = 0; c < k; ++c) {
    double const v = _weights[c] * double(counts[c]);
    total += v;
    if (v > 0.) s += v * std::log(v);
  }
  return total > 0. ? s - total * std::log(total) : 0.;
}

void SplitScorer::distribution(std::uint64_t const* counts, float* out) const {
  int const k = classes();
  double total = 0.;
  for (int c = 0; c < k; ++c) total += _weights[c] * double(counts[c]);
  for (int c = 0; c < k; ++c)
    out[c] = total > 0. ? float(_weights[c] * double(counts[c]) / total) : float(1. / k);
}

SplitScorer::Mode SplitScorer::prepare(std::uint64_t const* total, std::uint64_t totalSamples) {
  for (int c = 0; c < classes(); ++c) _total[c] = double(total[c]);
  bool const gini = _criterion == Criterion::Gini;
  if (!_unitWeights || totalSamples >= kMaxTable) return gini ? Mode::Gini : Mode::Entropy;
  if (_table.size() <= totalSamples) {
    std::size_t const from = _table.size();
    _table.resize(std::max<std::size_t>(totalSamples + 1, 2 * from));
    for (std::size_t n = from; n < _table.size(); ++n) {
      double const v = double(n);
      _table[n] = n == 0 ? 0. : gini ? 1. / v : v * std::log(v);
    }
  }
  return gini ? Mode::GiniUnit : Mode::EntropyUnit;
}

template <class Scan>
bool SplitScorer::scanWith(std::uint64_t const* total, std::uint64_t totalSamples, double nodeScore,
                           int feature, SplitChoice& best, Scan const& scan) {
  Mode const mode = prepare(total, totalSamples);
  GainInputs const in{classes(), _total.data(), _weights.data(), _table.data(), nodeScore};
  ScanState s{totalSamples, _minLeaf, 0, false, -1, best.gain};
  dispatch(mode, classes(), [&](auto k, auto m) { scan(k, m, _left.data(), in, s); });
  if (s.bestBin >= 0) best = SplitChoice{feature, s.bestBin, s.bestGain};
  return s.nonConstant;
}

bool SplitScorer::scanHistogram(std::uint32_t const* hist, int bins, std::uint64_t const* total,
                                std::uint64_t totalSamples, double nodeScore, int feature,
                                SplitChoice& best, int firstBin) {
  return scanWith(total, totalSamples, nodeScore, feature, best,
                  [&](auto k, auto m, double* left, GainInputs const& in, ScanState& s) {
                    scanHistogramOf<decltype(k)::value, decltype(m)::value>(hist, firstBin, bins,
                                                                            left, in, s);
                  });
}

bool SplitScorer::scanOccupied(std::uint32_t const* hist, int const* occupied, int count,
                               std::uint64_t const* total, std::uint64_t totalSamples,
                               double nodeScore, int feature, SplitChoice& best) {
  return scanWith(total, totalSamples, nodeScore, feature, best,
                  [&](auto k, auto m, double* left, GainInputs const& in, ScanState& s) {
                    scanOccupiedOf<decltype(k)::value, decltype(m)::value>(hist, occupied, count,
                                                                           left, in, s);
                  });
}

}  // namespace vocloud::forest::detail
