#include "som/som_outliers.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vocloud::som {

namespace {

/// Bin 1..bins of a positive distance on the log scale of `range`.
int logBin(double d, DistanceRange const& range, int bins) {
  if (!(range.max > range.minPositive)) return 1;
  double const t = std::log(d / range.minPositive) / std::log(range.max / range.minPositive);
  int const b = static_cast<int>(std::floor(t * bins));
  return 1 + std::clamp(b, 0, bins - 1);
}

/// Median of one histogram row (bins + 1 counts); NaN when empty.
double rowMedian(double const* counts, int bins, DistanceRange const& range) {
  double total = 0.;
  for (int b = 0; b <= bins; ++b) total += counts[b];
  if (total <= 0.) return std::numeric_limits<double>::quiet_NaN();
  double const half = total / 2.;
  if (counts[0] >= half) return 0.;
  double below = counts[0];
  double const logLo = std::log(range.minPositive);
  double const width = range.max > range.minPositive ? (std::log(range.max) - logLo) / bins : 0.;
  for (int b = 1; b <= bins; ++b) {
    if (counts[b] > 0. && below + counts[b] >= half) {
      double const f = (half - below) / counts[b];
      return std::exp(logLo + (b - 1 + f) * width);
    }
    below += counts[b];
  }
  return range.max;  // unreachable with consistent counts
}

}  // namespace

DistanceRange localDistanceRange(std::vector<float> const& dist2) {
  DistanceRange range;
  range.minPositive = std::numeric_limits<double>::infinity();
  for (float const d2 : dist2) {
    double const d = std::sqrt(static_cast<double>(d2));
    if (d > 0.) range.minPositive = std::min(range.minPositive, d);
    range.max = std::max(range.max, d);
  }
  return range;
}

DistanceHistogram localDistanceHistogram(int nodes, std::vector<int> const& bmu,
                                         std::vector<float> const& dist2,
                                         DistanceRange const& range, int bins) {
  if (nodes < 1 || bins < 1)
    throw Error("som: a distance histogram needs nodes >= 1 and bins >= 1, got " +
                std::to_string(nodes) + " and " + std::to_string(bins));
  if (bmu.size() != dist2.size())
    throw Error("som: " + std::to_string(bmu.size()) + " BMUs but " + std::to_string(dist2.size()) +
                " distances");
  DistanceHistogram h;
  h.nodes = nodes;
  h.bins = bins;
  h.range = range;
  std::size_t const stride = static_cast<std::size_t>(bins) + 1;
  h.counts.assign((static_cast<std::size_t>(nodes) + 1) * stride, 0.);
  for (std::size_t i = 0; i < bmu.size(); ++i) {
    if (bmu[i] < 0 || bmu[i] >= nodes)
      throw Error("som: row " + std::to_string(i) + " has BMU " + std::to_string(bmu[i]) +
                  " outside the map of " + std::to_string(nodes) + " nodes");
    double const d = std::sqrt(static_cast<double>(dist2[i]));
    int const b = d > 0. ? logBin(d, range, bins) : 0;
    h.counts[static_cast<std::size_t>(bmu[i]) * stride + b] += 1.;
    h.counts[static_cast<std::size_t>(nodes) * stride + b] += 1.;
  }
  return h;
}

std::vector<double> histogramMedians(DistanceHistogram const& histogram) {
  std::size_t const stride = static_cast<std::size_t>(histogram.bins) + 1;
  std::vector<double> out(static_cast<std::size_t>(histogram.nodes) + 1);
  for (std::size_t k = 0; k < out.size(); ++k)
    out[k] = rowMedian(histogram.counts.data() + k * stride, histogram.bins, histogram.range);
  return out;
}

HistogramFraction::HistogramFraction(DistanceHistogram const& histogram, int row)
    : _range(histogram.range), _bins(histogram.bins) {
  if (row < 0 || row > histogram.nodes)
    throw Error("som: histogram row " + std::to_string(row) + " outside 0.." +
                std::to_string(histogram.nodes));
  std::size_t const stride = static_cast<std::size_t>(histogram.bins) + 1;
  double const* counts = histogram.counts.data() + static_cast<std::size_t>(row) * stride;
  _below.assign(stride + 1, 0.);
  for (std::size_t b = 0; b < stride; ++b) _below[b + 1] = _below[b] + counts[b];
}

double HistogramFraction::operator()(double d) const {
  double const total = _below.back();
  if (total <= 0.) return std::numeric_limits<double>::quiet_NaN();
  double const zeros = _below[1];
  if (!(d > 0.)) return zeros / total;
  if (d >= _range.max) return 1.;
  if (d < _range.minPositive) return zeros / total;
  int const bin = logBin(d, _range, _bins);
  double const logLo = std::log(_range.minPositive);
  double const width =
      _range.max > _range.minPositive ? (std::log(_range.max) - logLo) / _bins : 0.;
  double const inside =
      width > 0. ? std::clamp((std::log(d) - logLo) / width - (bin - 1), 0., 1.) : 1.;
  return (_below[bin] + inside * (_below[bin + 1] - _below[bin])) / total;
}

std::vector<double> histogramHits(DistanceHistogram const& histogram) {
  std::size_t const stride = static_cast<std::size_t>(histogram.bins) + 1;
  std::vector<double> hits(histogram.nodes, 0.);
  for (int k = 0; k < histogram.nodes; ++k)
    for (std::size_t b = 0; b < stride; ++b) hits[k] += histogram.counts[k * stride + b];
  return hits;
}

std::vector<float> outlierScores(std::vector<int> const& bmu, std::vector<float> const& dist2,
                                 std::vector<double> const& medians,
                                 std::vector<double> const& hits, DistanceRange const& range,
                                 int minNodeRows) {
  if (bmu.size() != dist2.size())
    throw Error("som: outlier scores of mismatched BMUs and distances");
  if (medians.size() != hits.size() + 1)
    throw Error("som: outlier scores need one median per node plus the global one");
  auto const nodes = static_cast<int>(hits.size());
  double const global = medians.back();
  double fallback = global > 0. ? global : range.minPositive;
  if (!std::isfinite(fallback) || !(fallback > 0.)) fallback = 0.;
  std::vector<float> score(bmu.size(), 0.f);
  for (std::size_t i = 0; i < bmu.size(); ++i) {
    int const k = bmu[i];
    if (k < 0 || k >= nodes)
      throw Error("som: row " + std::to_string(i) + " has a BMU outside the map");
    double scale = fallback;
    if (hits[k] >= minNodeRows && medians[k] > 0.) scale = medians[k];
    if (scale > 0.) score[i] = static_cast<float>(std::sqrt(static_cast<double>(dist2[i])) / scale);
  }
  return score;
}

std::vector<std::uint8_t> sparseNodes(std::vector<double> const& hits, double fraction) {
  std::vector<std::uint8_t> sparse(hits.size(), 0);
  if (hits.empty()) return sparse;
  double total = 0.;
  for (double const h : hits) total += h;
  double const threshold = fraction * total / static_cast<double>(hits.size());
  for (std::size_t k = 0; k < hits.size(); ++k) sparse[k] = hits[k] < threshold ? 1 : 0;
  return sparse;
}

OutlierReport outliersSerial(int nodes, std::vector<int> const& bmu,
                             std::vector<float> const& dist2, OutlierOptions const& options) {
  DistanceRange const range = localDistanceRange(dist2);
  DistanceHistogram const histogram =
      localDistanceHistogram(nodes, bmu, dist2, range, options.bins);
  std::vector<double> const medians = histogramMedians(histogram);
  OutlierReport report;
  report.hits = histogramHits(histogram);
  report.score = outlierScores(bmu, dist2, medians, report.hits, range, options.minNodeRows);
  report.sparseNode = sparseNodes(report.hits, options.sparseFraction);
  report.inSparseNode.resize(bmu.size());
  for (std::size_t i = 0; i < bmu.size(); ++i) report.inSparseNode[i] = report.sparseNode[bmu[i]];
  report.nodeMedian.assign(medians.begin(), medians.end() - 1);
  report.globalMedian = medians.back();
  return report;
}

namespace {

/// sum_d a[d] b[d] over n values in eight interleaved partial sums (value d to sum d % 8,
/// added pairwise at the end): one fixed order, so every row's residual is reproducible,
/// and independent sums the compiler vectorises instead of one dependent chain.
double laneDot(double const* a, double const* b, std::size_t n) {
  double lane[8] = {0., 0., 0., 0., 0., 0., 0., 0.};
  std::size_t d = 0;
  for (; d + 8 <= n; d += 8)
    for (std::size_t l = 0; l < 8; ++l) lane[l] += a[d + l] * b[d + l];
  for (std::size_t l = 0; d < n; ++d, ++l) lane[l] += a[d] * b[d];
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/// Removes from v (dims values) its components along the first `count` orthonormal rows of
/// `basis` (modified Gram-Schmidt order).
void projectOff(std::vector<double> const& basis, std::size_t count, std::vector<double>& v) {
  std::size_t const dims = v.size();
  for (std::size_t b = 0; b < count; ++b) {
    double const* q = basis.data() + b * dims;
    double const dot = laneDot(q, v.data(), dims);
    for (std::size_t d = 0; d < dims; ++d) v[d] -= dot * q[d];
  }
}

/// Orthonormal basis (rows of `dims` values) of the differences w_j - w_k, j in `near`, by
/// modified Gram-Schmidt applied twice; directions that are (numerically) dependent on the
/// ones before are dropped.
std::vector<double> patchBasis(Codebook const& codebook, int k, std::vector<int> const& near) {
  std::size_t const dims = codebook.dims;
  std::vector<double> basis;
  std::vector<double> v(dims);
  float const* wk = codebook.node(k);
  for (int const j : near) {
    float const* wj = codebook.node(j);
    double norm0 = 0.;
    for (std::size_t d = 0; d < dims; ++d) {
      v[d] = static_cast<double>(wj[d]) - static_cast<double>(wk[d]);
      norm0 += v[d] * v[d];
    }
    std::size_t const have = basis.size() / dims;
    projectOff(basis, have, v);
    projectOff(basis, have, v);
    double const norm = laneDot(v.data(), v.data(), dims);
    if (!(norm > 1e-20 * norm0) || !(norm > 0.)) continue;
    double const inv = 1. / std::sqrt(norm);
    for (double const x : v) basis.push_back(x * inv);
  }
  return basis;
}

}  // namespace

std::vector<float> manifoldResiduals(Codebook const& codebook, float const* rows, std::size_t n,
                                     std::vector<int> const& bmu, int neighbours) {
  std::size_t const dims = codebook.dims;
  int const nodes = codebook.nodes();
  if (bmu.size() != n) throw Error("som: one BMU per row is needed for the residuals");
  // Rows grouped by BMU, so that each node's basis is built once.
  std::vector<std::size_t> start(static_cast<std::size_t>(nodes) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (bmu[i] < 0 || bmu[i] >= nodes)
      throw Error("som: row " + std::to_string(i) + " has a BMU outside the map");
    ++start[static_cast<std::size_t>(bmu[i]) + 1];
  }
  for (int k = 0; k < nodes; ++k) start[k + 1] += start[k];
  std::vector<std::size_t> order(n), next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < n; ++i) order[next[bmu[i]]++] = i;

  std::vector<std::vector<int>> const near = nearestNodes(codebook, neighbours);
  std::vector<float> out(n, 0.f);
  std::vector<double> r(dims);
  for (int k = 0; k < nodes; ++k) {
    if (start[k] == start[k + 1]) continue;
    std::vector<double> const basis = patchBasis(codebook, k, near[k]);
    std::size_t const have = basis.size() / dims;
    float const* w = codebook.node(k);
    for (std::size_t at = start[k]; at < start[k + 1]; ++at) {
      float const* x = rows + order[at] * dims;
      for (std::size_t d = 0; d < dims; ++d)
        r[d] = static_cast<double>(x[d]) - static_cast<double>(w[d]);
      projectOff(basis, have, r);
      double const sum = laneDot(r.data(), r.data(), dims);
      out[order[at]] = static_cast<float>(std::sqrt(sum));
    }
  }
  return out;
}

}  // namespace vocloud::som
