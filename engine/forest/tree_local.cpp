#include "forest/tree_nodes.hpp"

#include <algorithm>

namespace vocloud::forest::detail {

namespace {
/// Below this many rows a node sorts its rows by bin instead of filling a histogram.
constexpr int kSortRows = 64;
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
  _hist.resize(std::size_t(params.maxBins) * params.classes);
  _counts.resize(std::size_t(params.classes));
}

bool LocalGrower::evaluate(NodeBlock const& block, int begin, int end, int feature,
                           std::uint64_t const* counts, std::uint64_t samples, double nodeScore,
                           SplitChoice& best) {
  std::uint8_t const* col = block.bins.data() + std::size_t(feature) * block.rows;
  int const n = end - begin;
  int const k = _p.classes;
  if (n <= kSortRows) {
    _entries.resize(std::size_t(n));
    for (int j = 0; j < n; ++j) {
      int const r = _pos[begin + j];
      _entries[j] = packSortEntry(col[r], block.labels[r], block.weights[r]);
    }
    std::sort(_entries.begin(), _entries.end());
    return _scorer.scanSorted(_entries.data(), n, counts, samples, nodeScore, feature, best);
  }
  int const bins = _p.bins[feature];
  std::fill(_hist.begin(), _hist.begin() + std::size_t(bins) * k, 0u);
  for (int j = begin; j < end; ++j) {
    int const r = _pos[j];
    _hist[std::size_t(col[r]) * k + block.labels[r]] += block.weights[r];
  }
  return _scorer.scanHistogram(_hist.data(), bins, counts, samples, nodeScore, feature, best);
}

void LocalGrower::grow(NodeBlock const& block, std::uint64_t rootKey, int rootDepth,
                       TreeNodes& out) {
  out = TreeNodes();
  out.classes = _p.classes;
  _pos.resize(std::size_t(block.rows));
  _tmp.resize(std::size_t(block.rows));
  for (int i = 0; i < block.rows; ++i) _pos[i] = i;

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
      int const r = _pos[j];
      _counts[block.labels[r]] += block.weights[r];
      samples += block.weights[r];
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
      for (int const f : _feats)
        if (evaluate(block, task.begin, task.end, f, _counts.data(), samples, nodeScore, best))
          ++nonConstant;
    }
    if (best.feature < 0) continue;

    // Stable partition: rows keep their increasing order on both sides.
    std::uint8_t const* col = block.bins.data() + std::size_t(best.feature) * block.rows;
    int mid = task.begin, spill = 0;
    for (int j = task.begin; j < task.end; ++j) {
      int const r = _pos[j];
      if (col[r] <= best.bin)
        _pos[mid++] = r;
      else
        _tmp[spill++] = r;
    }
    std::copy(_tmp.begin(), _tmp.begin() + spill, _pos.begin() + mid);
    out.setSplit(node, best, -1, -1);
    stack.push_back({mid, task.end, task.depth + 1, node, true, childKey(task.key, true)});
    stack.push_back({task.begin, mid, task.depth + 1, node, false, childKey(task.key, false)});
  }
}

}  // namespace vocloud::forest::detail
