#include "forest/tree_nodes.hpp"

#include <algorithm>

namespace vocloud::forest::detail {

namespace {
/// Up to this many rows a node lists the bins its rows fill and scans only those; above,
/// it scans the range between the lowest and the highest filled bin.
constexpr int kSparseRows = 256;
/// Rows ahead whose bytes a histogram pass fetches while it reads the current row.
constexpr int kPrefetchRows = 8;
}  // namespace

int TreeNodes::add(SplitScorer const& scorer, std::uint64_t const* counts,
                   std::uint64_t nodeSamples) {
  int const k = size();
  feature.push_back(-1);
  thresholdBin.push_back(-1);
  left.push_back(-1);
  right.push_back(-1);
  samples.push_back(nodeSamples);
  gain.push_back(0.);
  value.resize(value.size() + std::size_t(classes));
  scorer.distribution(counts, value.data() + std::size_t(k) * classes);
  return k;
}

void TreeNodes::setSplit(int k, SplitChoice const& split, int leftChild, int rightChild) {
  feature[k] = split.feature;
  thresholdBin[k] = split.bin;
  left[k] = leftChild;
  right[k] = rightChild;
  gain[k] = split.gain;
}

bool leafByRule(GrowParams const& p, std::uint64_t const* counts, std::uint64_t samples,
                int depth) {
  if (samples < p.minSamplesSplit || samples < 2 * p.minSamplesLeaf) return true;
  if (p.maxDepth > 0 && depth >= p.maxDepth) return true;
  int present = 0;
  for (int c = 0; c < p.classes; ++c) present += counts[c] > 0 ? 1 : 0;
  return present <= 1;
}

void nextFeatures(GrowParams const& p, FeatureSampler& sampler, std::uint64_t key, int drawn,
                  int nonConstant, std::vector<int>& scratch, std::vector<int>& out) {
  out.clear();
  int const want = p.mtry - nonConstant;
  if (want <= 0 || drawn >= p.features) return;
  int const count = std::min(p.features, drawn + want);
  sampler.draw(p.seed, p.tree, key, count, scratch);
  out.assign(scratch.begin() + drawn, scratch.begin() + count);
}

LocalGrower::LocalGrower(GrowParams const& params, SplitScorer& scorer)
    : _p(params),
      _scorer(scorer),
      _sampler(params.features),
      _stride(std::size_t(params.maxBins) * params.classes) {
  std::size_t const m = std::size_t(std::max(params.mtry, 1));
  _hist.assign(m * _stride, 0u);
  _filled.assign(4 * m, 0);
  _lo.resize(m);
  _hi.resize(m);
  _occupied.resize(256);
  _counts.resize(std::size_t(params.classes));
}

bool LocalGrower::scanSparse(int i, int feature, std::uint64_t const* counts, std::uint64_t samples,
                             double nodeScore, SplitChoice& best) {
  std::uint32_t* const hist = _hist.data() + std::size_t(i) * _stride;
  int count = 0;
  for (int w = 0; w < 4; ++w) {
    for (std::uint64_t m = _filled[4 * i + w]; m != 0; m &= m - 1)
      _occupied[count++] = 64 * w + __builtin_ctzll(m);
    _filled[4 * i + w] = 0;
  }
  // One filled bin: constant. A best split that no split can beat: only whether it is constant.
  if (count < 2 || !_scorer.mayImprove(best.gain, samples, nodeScore)) return count >= 2;
  return _scorer.scanOccupied(hist, _occupied.data(), count, counts, samples, nodeScore, feature,
                              best);
}

void LocalGrower::prefetchRow(std::uint8_t const* row) const {
  // The cache lines of the row that hold the features of the round (_lines: their offsets,
  // increasing, at least a line apart).
  if (row != nullptr)
    for (int offset : _lines) __builtin_prefetch(row + offset);
}

int LocalGrower::evaluate(int begin, int end, std::uint64_t const* counts, std::uint64_t samples,
                          double nodeScore, SplitChoice& best) {
  _lines.assign(_feats.begin(), _feats.end());
  std::sort(_lines.begin(), _lines.end());
  int kept = 0;
  for (int f : _lines)
    if (kept == 0 || f >= _lines[kept - 1] + 64) _lines[kept++] = f;
  _lines.resize(std::size_t(kept));
  return end - begin <= kSparseRows ? evaluateSparse(begin, end, counts, samples, nodeScore, best)
                                    : evaluateDense(begin, end, counts, samples, nodeScore, best);
}

int LocalGrower::evaluateSparse(int begin, int end, std::uint64_t const* counts,
                                std::uint64_t samples, double nodeScore, SplitChoice& best) {
  std::size_t const stride = _stride;
  int const k = _p.classes, m = static_cast<int>(_feats.size());
  int const* const feats = _feats.data();
  std::uint32_t* const hist = _hist.data();
  int nonConstant = 0;
  std::uint64_t* const filled = _filled.data();
  for (int j = begin; j < end; ++j) {
    std::uint8_t const* row = _at.row[j];
    prefetchRow(j + kPrefetchRows < end ? _at.row[j + kPrefetchRows] : nullptr);
    int const label = _at.label[j];
    std::uint32_t const weight = _at.weight[j];
    for (int i = 0; i < m; ++i) {
      int const b = row[feats[i]];
      hist[i * stride + std::size_t(b) * k + label] += weight;
      filled[4 * i + (b >> 6)] |= std::uint64_t(1) << (b & 63);
    }
  }
  for (int i = 0; i < m; ++i)
    nonConstant += scanSparse(i, feats[i], counts, samples, nodeScore, best) ? 1 : 0;
  // Clear through the rows again (cached now): cheaper than a memset per bin.
  for (int j = begin; j < end; ++j) {
    std::uint8_t const* row = _at.row[j];
    int const label = _at.label[j];
    for (int i = 0; i < m; ++i) hist[i * stride + std::size_t(row[feats[i]]) * k + label] = 0;
  }
  return nonConstant;
}

int LocalGrower::evaluateDense(int begin, int end, std::uint64_t const* counts,
                               std::uint64_t samples, double nodeScore, SplitChoice& best) {
  std::size_t const stride = _stride;
  int const k = _p.classes, m = static_cast<int>(_feats.size());
  int const* const feats = _feats.data();
  std::uint32_t* const hist = _hist.data();
  int nonConstant = 0;
  // Deep nodes fill few bins: scan only [lo, hi], then zero just that range again.
  std::fill_n(_lo.begin(), m, 255);
  std::fill_n(_hi.begin(), m, 0);
  int* const lo = _lo.data();
  int* const hi = _hi.data();
  for (int j = begin; j < end; ++j) {
    std::uint8_t const* row = _at.row[j];
    prefetchRow(j + kPrefetchRows < end ? _at.row[j + kPrefetchRows] : nullptr);
    int const label = _at.label[j];
    std::uint32_t const weight = _at.weight[j];
    for (int i = 0; i < m; ++i) {
      int const b = row[feats[i]];
      hist[i * stride + std::size_t(b) * k + label] += weight;
      lo[i] = std::min(lo[i], b);
      hi[i] = std::max(hi[i], b);
    }
  }
  for (int i = 0; i < m; ++i) {
    std::uint32_t* const h = hist + i * stride;
    if (!_scorer.mayImprove(best.gain, samples, nodeScore))
      nonConstant += lo[i] < hi[i] ? 1 : 0;  // lo and hi are filled bins
    else if (_scorer.scanHistogram(h, hi[i] + 1, counts, samples, nodeScore, feats[i], best, lo[i]))
      ++nonConstant;
    std::fill(h + std::size_t(lo[i]) * k, h + std::size_t(hi[i] + 1) * k, 0u);
  }
  return nonConstant;
}

void LocalGrower::grow(NodeBlock const& block, int tree, std::uint64_t rootKey, int rootDepth,
                       TreeNodes& out) {
  _p.tree = tree;
  out.clear(_p.classes);
  std::size_t const rows = std::size_t(block.rows);
  _at.row.assign(block.bins, block.bins + rows);
  _at.label.assign(block.labels, block.labels + rows);
  _at.weight.assign(block.weights, block.weights + rows);
  _at.reserveScratch();

  struct Task {
    int begin, end, depth, parent;
    bool isRight;
    std::uint64_t key;
  };
  std::vector<Task> stack{{0, block.rows, rootDepth, -1, false, rootKey}};
  while (!stack.empty()) {
    Task const task = stack.back();
    stack.pop_back();
    std::fill(_counts.begin(), _counts.end(), 0);
    std::uint64_t samples = 0;
    for (int j = task.begin; j < task.end; ++j) {
      _counts[_at.label[j]] += _at.weight[j];
      samples += _at.weight[j];
    }
    int const node = out.add(_scorer, _counts.data(), samples);
    if (task.parent >= 0) (task.isRight ? out.right : out.left)[task.parent] = node;
    if (leafByRule(_p, _counts.data(), samples, task.depth)) continue;

    double const nodeScore = _scorer.score(_counts.data());
    SplitChoice best;
    int drawn = 0, nonConstant = 0;
    for (;;) {
      nextFeatures(_p, _sampler, task.key, drawn, nonConstant, _drawScratch, _feats);
      if (_feats.empty()) break;
      drawn += static_cast<int>(_feats.size());
      nonConstant += evaluate(task.begin, task.end, _counts.data(), samples, nodeScore, best);
    }
    if (best.feature < 0) continue;

    // Stable partition: rows keep their increasing order on both sides.
    int const f = best.feature;
    int const mid = _at.partition([f](std::uint8_t const* row) { return row[f]; }, task.begin,
                                  task.end, best.bin);
    out.setSplit(node, best, -1, -1);
    stack.push_back({mid, task.end, task.depth + 1, node, true, childKey(task.key, true)});
    stack.push_back({task.begin, mid, task.depth + 1, node, false, childKey(task.key, false)});
  }
}

}  // namespace vocloud::forest::detail
