#pragma once
// Pieces shared by the two growth paths (level-wise distributed and local subtree): the
// tree under construction, the growth parameters, and the leaf rules.
#include "forest/forest_random.hpp"
#include "forest/split.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace vocloud::forest::detail {

/// One tree under construction, tree-local indices (the flat model's per-node arrays).
struct TreeNodes {
  int classes = 0;
  std::vector<std::int32_t> feature, thresholdBin, left, right;
  std::vector<float> value;
  std::vector<std::uint64_t> samples;
  std::vector<double> gain;

  int size() const { return static_cast<int>(feature.size()); }
  /// Appends a leaf with the distribution of `counts` and returns its index.
  int add(SplitScorer const& scorer, std::uint64_t const* counts, std::uint64_t nodeSamples);
  /// Turns node k into a split on (feature, bin) with the given children and gain.
  void setSplit(int k, SplitChoice const& split, int leftChild, int rightChild);
};

/// What every growth path needs to decide a node alike.
struct GrowParams {
  std::uint64_t seed = 0;
  int tree = 0;
  int features = 0;
  int classes = 0;
  int mtry = 1;
  int maxDepth = 0;
  std::uint64_t minSamplesSplit = 2;
  std::uint64_t minSamplesLeaf = 1;
  std::vector<int> bins;  ///< bins of each feature
  int maxBins = 1;
};

/// True when a node must be a leaf before looking at splits: pure, too few samples to split
/// into two valid leaves or to be split at all, or at the depth limit.
bool leafByRule(GrowParams const& p, std::uint64_t const* counts, std::uint64_t samples, int depth);

/// The features a node examines next: after `drawn` features of its order with `nonConstant`
/// of them taking more than one bin, the next mtry - nonConstant features of the order
/// (none once mtry non-constant features were seen or all features were drawn). This is
/// scikit-learn's rule: keep drawing until mtry non-constant features were examined.
void nextFeatures(GrowParams const& p, FeatureSampler& sampler, std::uint64_t key, int drawn,
                  int nonConstant, std::vector<int>& scratch, std::vector<int>& out);

/// Rows by position, with their label and bootstrap weight; a node owns a range of
/// positions, its rows kept in increasing order (a stable partition preserves it).
struct Positions {
  std::vector<int> row;
  std::vector<std::uint8_t> label;
  std::vector<std::uint32_t> weight;
  std::vector<int> tmpRow;
  std::vector<std::uint8_t> tmpLabel;
  std::vector<std::uint32_t> tmpWeight;

  /// Sizes the scratch arrays for the rows now held.
  void reserveScratch() {
    tmpRow.resize(row.size());
    tmpLabel.resize(row.size());
    tmpWeight.resize(row.size());
  }

  /// Stable partition of positions [begin, end) by col[row] <= bin; returns the split.
  int partition(std::uint8_t const* col, int begin, int end, int bin) {
    int mid = begin, spill = 0;
    for (int k = begin; k < end; ++k) {
      if (col[row[k]] <= bin) {
        row[mid] = row[k];
        label[mid] = label[k];
        weight[mid++] = weight[k];
      } else {
        tmpRow[spill] = row[k];
        tmpLabel[spill] = label[k];
        tmpWeight[spill++] = weight[k];
      }
    }
    std::copy_n(tmpRow.begin(), spill, row.begin() + mid);
    std::copy_n(tmpLabel.begin(), spill, label.begin() + mid);
    std::copy_n(tmpWeight.begin(), spill, weight.begin() + mid);
    return mid;
  }
};

/// The rows of one node gathered on the rank that finishes it, in increasing global row
/// order: bins feature-major (features x rows), label and bootstrap weight per row. A view:
/// the caller keeps the arrays alive while the block is used.
struct NodeBlock {
  int rows = 0;
  std::uint8_t const* bins = nullptr;
  std::uint8_t const* labels = nullptr;
  std::uint32_t const* weights = nullptr;
};

/// Grows the whole subtree of one node serially, depth first, from its gathered rows.
/// Scratch buffers are kept between calls; nothing is allocated per node.
class LocalGrower {
 public:
  LocalGrower(GrowParams const& params, SplitScorer& scorer);
  /// Grows the subtree of the node with key `rootKey` at depth `rootDepth`; `out` is
  /// cleared and receives the root as node 0, then the rest in depth-first preorder.
  void grow(NodeBlock const& block, std::uint64_t rootKey, int rootDepth, TreeNodes& out);

 private:
  /// Scans `feature` for the node at positions [begin, end); nextFeature (-1: none) is the
  /// feature scanned next, whose values are prefetched.
  bool evaluate(NodeBlock const& block, int begin, int end, int feature, int nextFeature,
                std::uint64_t const* counts, std::uint64_t samples, double nodeScore,
                SplitChoice& best);

  GrowParams const& _p;
  SplitScorer& _scorer;
  FeatureSampler _sampler;
  Positions _at;  ///< the block's rows by position
  std::vector<int> _drawScratch, _feats;
  std::vector<std::uint32_t> _hist;  ///< maxBins x classes, all zero between evaluations
  std::vector<int> _occupied;        ///< bins filled by a small node's rows, increasing
  std::vector<std::uint64_t> _counts;
};

}  // namespace vocloud::forest::detail
