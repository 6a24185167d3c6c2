#pragma once
// A trained forest as flat arrays, ready for HDF5: tree t owns the nodes
// [treeOffsets[t], treeOffsets[t + 1]); per node the split feature (-1 for a leaf), the
// threshold bin (left when bin <= thresholdBin) and the threshold value (left when
// x < threshold, NaN goes right; the two agree on the training binning), the tree-local
// indices of the children (-1 for a leaf; always greater than the node's own index), the
// node's class distribution (class-weighted, sums to 1; a leaf's is its prediction), its
// number of bootstrap samples and the weighted impurity decrease of its split. The bin edges
// of the training data are kept so the model can also route binned rows.
#include "forest/binning.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vocloud::forest {

struct ForestModel {
  int classes = 0;
  int features = 0;
  std::vector<std::int64_t> treeOffsets;  ///< trees + 1
  std::vector<std::int32_t> feature;
  std::vector<std::int32_t> thresholdBin;
  std::vector<float> threshold;
  std::vector<std::int32_t> left;
  std::vector<std::int32_t> right;
  std::vector<float> value;              ///< nodes x classes
  std::vector<std::uint64_t> samples;    ///< sum of bootstrap weights reaching the node
  std::vector<double> impurityDecrease;  ///< 0 for a leaf
  BinEdges edges;

  int trees() const { return treeOffsets.empty() ? 0 : int(treeOffsets.size()) - 1; }
  std::int64_t nodes() const { return static_cast<std::int64_t>(feature.size()); }
};

/// Checks a model read back from a file: array lengths agree, every tree is a proper tree
/// (root 0, children inside the tree and after their parent, every non-root node reached
/// exactly once), split features in range and thresholds finite, threshold values equal to
/// the bin edges of their threshold bins, leaf distributions finite. Throws vocloud::Error
/// ("forest: model ...") naming the first fault.
void validateForestModel(ForestModel const& model);

/// Class probabilities (rows x classes, row-major) of `rows` float rows (rows x features,
/// row-major): the mean of the leaf distributions over trees (forest_predict kernel on
/// Kokkos' default host space; Kokkos must be initialised). Local, no communication.
std::vector<double> predictProba(ForestModel const& model, float const* x, std::size_t rows);

/// The most probable class of each row (ties to the lowest class index).
std::vector<int> predictClass(ForestModel const& model, float const* x, std::size_t rows);

/// The leaf (global node index) tree `tree` routes a binned row to; `bins(f)` gives the row's
/// bin of feature f.
template <class BinOfFeature>
std::int64_t leafOfBinned(ForestModel const& model, int tree, BinOfFeature const& bins) {
  std::int64_t const base = model.treeOffsets[tree];
  std::int64_t node = base;
  while (model.feature[node] >= 0) {
    bool const goLeft = int(bins(model.feature[node])) <= model.thresholdBin[node];
    node = base + (goLeft ? model.left[node] : model.right[node]);
  }
  return node;
}

/// Index of the largest of `n` values (the first on ties).
template <class T>
int argmax(T const* values, int n) {
  int best = 0;
  for (int c = 1; c < n; ++c)
    if (values[c] > values[best]) best = c;
  return best;
}

}  // namespace vocloud::forest
