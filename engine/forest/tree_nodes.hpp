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
  /// Empties the tree for `classesOf` classes, keeping the arrays' storage for the next.
  void clear(int classesOf) {
    classes = classesOf;
    for (auto* v : {&feature, &thresholdBin, &left, &right}) v->clear();
    value.clear();
    samples.clear();
    gain.clear();
  }
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
  std::uint64_t gatherBatchBytes = std::uint64_t(64) << 20;  ///< ForestConfig's
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
/// positions, its rows kept in increasing order (a stable partition preserves it). A row is
/// a local row index (Positions) or a pointer to the row's bins (LocalGrower).
template <class Row>
struct PositionsOf {
  std::vector<Row> row;
  std::vector<std::uint8_t> label;
  std::vector<std::uint32_t> weight;
  std::vector<Row> tmpRow;
  std::vector<std::uint8_t> tmpLabel;
  std::vector<std::uint32_t> tmpWeight;

  /// Sizes the scratch arrays for the rows now held.
  void reserveScratch() {
    tmpRow.resize(row.size());
    tmpLabel.resize(row.size());
    tmpWeight.resize(row.size());
  }

  /// Stable partition of positions [begin, end) by binOf(row) <= bin; returns the split.
  template <class BinOfRow>
  int partition(BinOfRow const& binOf, int begin, int end, int bin) {
    int mid = begin, spill = 0;
    for (int k = begin; k < end; ++k) {
      if (binOf(row[k]) <= bin) {
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

using Positions = PositionsOf<int>;

/// The rows of one node gathered on the rank that finishes it, in increasing global row
/// order: per row a pointer to its bins (features bytes, a row of a row-major array), its
/// label and its bootstrap weight. A view: the caller keeps the arrays alive while the
/// block is used. Rows are whole because the subtree is grown depth first: a node reads all
/// the features it examines of a row in one pass, and its children's rows, a subset, are
/// then still in cache.
struct NodeBlock {
  int rows = 0;
  std::uint8_t const* const* bins = nullptr;
  std::uint8_t const* labels = nullptr;
  std::uint32_t const* weights = nullptr;
};

/// Grows the whole subtree of one node serially, depth first, from its gathered rows.
/// Scratch buffers are kept between calls; nothing is allocated per node.
class LocalGrower {
 public:
  LocalGrower(GrowParams const& params, SplitScorer& scorer);
  /// Grows the subtree of the node of tree `tree` with key `rootKey` at depth `rootDepth`;
  /// `out` is cleared and receives the root as node 0, then the rest in depth-first preorder.
  void grow(NodeBlock const& block, int tree, std::uint64_t rootKey, int rootDepth, TreeNodes& out);

 private:
  /// Scans the features of _feats, in order, for the node at positions [begin, end): the
  /// histograms of all of them are built in one pass over the rows. Returns how many of
  /// them take more than one bin in the node.
  int evaluate(int begin, int end, std::uint64_t const* counts, std::uint64_t samples,
               double nodeScore, SplitChoice& best);
  /// evaluate for nodes of at most kSparseRows rows: the histograms' filled bins are listed
  /// and scanned alone.
  int evaluateSparse(int begin, int end, std::uint64_t const* counts, std::uint64_t samples,
                     double nodeScore, SplitChoice& best);
  /// evaluate for larger nodes: each histogram is scanned between its lowest and highest
  /// filled bin.
  int evaluateDense(int begin, int end, std::uint64_t const* counts, std::uint64_t samples,
                    double nodeScore, SplitChoice& best);
  /// Asks the cache for the bytes of the round's features in block row `row` (-1: none).
  void prefetchRow(std::uint8_t const* row) const;
  /// The scan of _feats[i] once its histogram is built (its filled bits cleared).
  bool scanSparse(int i, int feature, std::uint64_t const* counts, std::uint64_t samples,
                  double nodeScore, SplitChoice& best);

  GrowParams _p;  ///< the parameters, with the tree of the node being grown
  SplitScorer& _scorer;
  FeatureSampler _sampler;
  PositionsOf<std::uint8_t const*> _at;  ///< the block's rows by position
  std::vector<int> _drawScratch, _feats;
  std::size_t _stride;                 ///< maxBins x classes: one feature's histogram
  std::vector<std::uint32_t> _hist;    ///< mtry histograms, all zero between evaluations
  std::vector<std::uint64_t> _filled;  ///< per histogram, 4 words of "bin is filled" bits
  std::vector<int> _lo, _hi;           ///< per histogram, lowest and highest filled bin
  std::vector<int> _lines;             ///< row offsets prefetchRow asks for
  std::vector<int> _occupied;          ///< bins filled by a small node's rows, increasing
  std::vector<std::uint64_t> _counts;
};

}  // namespace vocloud::forest::detail
