#include "forest/tree_nodes.hpp"

#include <algorithm>

namespace vocloud::forest::detail {

namespace {
/// Up to this many rows a node lists the bins its rows fill and scans only those; above,
/// it scans the range between the lowest and the highest filled bin.
constexpr int kSparseRows = 256;
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
    : _p(params), _scorer(scorer), _sampler(params.features) {
  _hist.assign(std::size_t(params.maxBins) * params.classes, 0u);
  _occupied.resize(256);
  _counts.resize(std::size_t(params.classes));
}

bool LocalGrower::evaluate(NodeBlock const& block, int begin, int end, int feature, int nextFeature,
                           std::uint64_t const* counts, std::uint64_t samples, double nodeScore,
                           SplitChoice& best) {
  std::uint8_t const* col = block.bins + std::size_t(feature) * block.rows;
  // The gather from the column misses the cache on deep nodes (their rows are far apart):
  // fetch the next feature's values of the same rows meanwhile.
  std::uint8_t const* next =
      block.bins + std::size_t(nextFeature < 0 ? feature : nextFeature) * block.rows;
  int const n = end - begin;
  int const k = _p.classes;
  std::uint32_t* const hist = _hist.data();
  if (n <= kSparseRows) {
    std::uint64_t filled[4] = {0, 0, 0, 0};
    for (int j = begin; j < end; ++j) {
      int const b = col[_at.row[j]];
      __builtin_prefetch(next + _at.row[j]);
      hist[std::size_t(b) * k + _at.label[j]] += _at.weight[j];
      filled[b >> 6] |= std::uint64_t(1) << (b & 63);
    }
    int count = 0;
    for (int w = 0; w < 4; ++w)
      for (std::uint64_t m = filled[w]; m != 0; m &= m - 1)
        _occupied[count++] = 64 * w + __builtin_ctzll(m);
    bool const nonConstant = _scorer.scanOccupied(hist, _occupied.data(), count, counts, samples,
                                                  nodeScore, feature, best);
    // Clear through the rows again (cached now): cheaper than a memset per bin or of the
    // whole range for so few rows.
    for (int j = begin; j < end; ++j) hist[std::size_t(col[_at.row[j]]) * k + _at.label[j]] = 0;
    return nonConstant;
  }
  // Deep nodes fill few bins: scan only [lo, hi], then zero just that range again.
  int lo = 255, hi = 0;
  for (int j = begin; j < end; ++j) {
    int const b = col[_at.row[j]];
    __builtin_prefetch(next + _at.row[j]);
    hist[std::size_t(b) * k + _at.label[j]] += _at.weight[j];
    lo = std::min(lo, b);
    hi = std::max(hi, b);
  }
  bool const nonConstant =
      _scorer.scanHistogram(hist, hi + 1, counts, samples, nodeScore, feature, best, lo);
  std::fill(hist + std::size_t(lo) * k, hist + std::size_t(hi + 1) * k, 0u);
  return nonConstant;
}

void LocalGrower::grow(NodeBlock const& block, std::uint64_t rootKey, int rootDepth,
                       TreeNodes& out) {
  out = TreeNodes();
  out.classes = _p.classes;
  std::size_t const rows = std::size_t(block.rows);
  _at.row.resize(rows);
  for (int i = 0; i < block.rows; ++i) _at.row[i] = i;
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
      for (std::size_t i = 0; i < _feats.size(); ++i) {
        int const next = i + 1 < _feats.size() ? _feats[i + 1] : -1;
        if (evaluate(block, task.begin, task.end, _feats[i], next, _counts.data(), samples,
                     nodeScore, best))
          ++nonConstant;
      }
    }
    if (best.feature < 0) continue;

    // Stable partition: rows keep their increasing order on both sides.
    int const mid = _at.partition(block.bins + std::size_t(best.feature) * block.rows, task.begin,
                                  task.end, best.bin);
    out.setSplit(node, best, -1, -1);
    stack.push_back({mid, task.end, task.depth + 1, node, true, childKey(task.key, true)});
    stack.push_back({task.begin, mid, task.depth + 1, node, false, childKey(task.key, false)});
  }
}

}  // namespace vocloud::forest::detail
