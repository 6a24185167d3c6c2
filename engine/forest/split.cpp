#include "forest/split.hpp"

#include <cmath>

namespace vocloud::forest::detail {

SplitScorer::SplitScorer(Criterion criterion, std::vector<double> classWeights,
                         std::uint64_t minSamplesLeaf)
    : _criterion(criterion),
      _weights(std::move(classWeights)),
      _minLeaf(minSamplesLeaf < 1 ? 1 : minSamplesLeaf),
      _left(_weights.size()),
      _right(_weights.size()) {}

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

bool SplitScorer::offer(std::uint64_t leftSamples, std::uint64_t const* total,
                        std::uint64_t totalSamples, double nodeScore, int feature, int t,
                        SplitChoice& best) {
  std::uint64_t const rightSamples = totalSamples - leftSamples;
  if (rightSamples < _minLeaf) return false;
  if (leftSamples < _minLeaf) return true;
  int const k = classes();
  double gain;
  if (_criterion == Criterion::Gini) {
    // score(left) + score(right), the same operations as score() in one pass.
    double lt = 0., ls = 0., rt = 0., rs = 0.;
    for (int c = 0; c < k; ++c) {
      double const vl = _weights[c] * double(_left[c]);
      double const vr = _weights[c] * double(total[c] - _left[c]);
      lt += vl;
      ls += vl * vl;
      rt += vr;
      rs += vr * vr;
    }
    gain = ls / lt + rs / rt - nodeScore;
  } else {
    for (int c = 0; c < k; ++c) _right[c] = total[c] - _left[c];
    gain = score(_left.data()) + score(_right.data()) - nodeScore;
  }
  if (gain > best.gain) best = SplitChoice{feature, t, gain};
  return true;
}

bool SplitScorer::scanHistogram(std::uint32_t const* hist, int bins, std::uint64_t const* total,
                                std::uint64_t totalSamples, double nodeScore, int feature,
                                SplitChoice& best) {
  int const k = classes();
  for (int c = 0; c < k; ++c) _left[c] = 0;
  std::uint64_t leftSamples = 0;
  bool nonConstant = false;
  for (int b = 0; b + 1 < bins; ++b) {
    std::uint32_t const* h = hist + std::size_t(b) * k;
    std::uint64_t add = 0;
    for (int c = 0; c < k; ++c) {
      _left[c] += h[c];
      add += h[c];
    }
    if (add == 0) continue;  // an empty bin repeats the previous candidate
    leftSamples += add;
    if (leftSamples >= totalSamples) break;
    nonConstant = true;
    if (!offer(leftSamples, total, totalSamples, nodeScore, feature, b, best)) break;
  }
  return nonConstant;
}

bool SplitScorer::scanSorted(std::uint64_t const* entries, int n, std::uint64_t const* total,
                             std::uint64_t totalSamples, double nodeScore, int feature,
                             SplitChoice& best) {
  int const k = classes();
  for (int c = 0; c < k; ++c) _left[c] = 0;
  std::uint64_t leftSamples = 0;
  bool nonConstant = false;
  for (int i = 0; i < n;) {
    int const bin = int(entries[i] >> 40);
    for (; i < n && int(entries[i] >> 40) == bin; ++i) {
      std::uint32_t const w = std::uint32_t(entries[i] & 0xffffffffu);
      _left[(entries[i] >> 32) & 0xff] += w;
      leftSamples += w;
    }
    if (leftSamples >= totalSamples) break;
    if (leftSamples == 0) continue;
    nonConstant = true;
    if (!offer(leftSamples, total, totalSamples, nodeScore, feature, bin, best)) break;
  }
  return nonConstant;
}

}  // namespace vocloud::forest::detail
