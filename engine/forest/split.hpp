#pragma once
// Split search shared by every growth path. A node's candidate splits on feature f are
// "bin <= t" for each bin t; the score of a set of class counts n_c with class weights w_c
// (v_c = w_c n_c, V = sum v_c) is
//   gini:    sum_c v_c^2 / V                 (= V - V * gini impurity)
//   entropy: sum_c v_c ln v_c - V ln V       (= -V * entropy in nats)
// and the gain of a split is score(left) + score(right) - score(node), the weighted
// impurity decrease. Candidates are visited in increasing t for features in draw order and
// a candidate replaces the best only when its gain is strictly larger, so ties go to the
// earliest feature drawn and the smallest threshold. A candidate is valid when both sides
// hold at least minSamplesLeaf bootstrap samples. Counts are exact integers and the gain is
// a fixed function of them, so the choice is the same whether the counts come from a
// reduced histogram or from a node's rows sorted by bin (scanHistogram and scanSorted visit
// the same non-empty bins with the same counts).
#include "forest/forest_config.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace vocloud::forest::detail {

/// The best split found so far: feature -1 when none is valid.
struct SplitChoice {
  int feature = -1;
  int bin = -1;
  double gain = -std::numeric_limits<double>::infinity();
};

/// Pack of one row for scanSorted: bin in bits 40..47, class in 32..39, weight in 0..31.
inline std::uint64_t packSortEntry(int bin, int label, std::uint32_t weight) {
  return (std::uint64_t(bin) << 40) | (std::uint64_t(label) << 32) | weight;
}

class SplitScorer {
 public:
  SplitScorer(Criterion criterion, std::vector<double> classWeights, std::uint64_t minSamplesLeaf);

  int classes() const { return static_cast<int>(_weights.size()); }
  /// The score of class counts (see above).
  double score(std::uint64_t const* counts) const;
  /// The class distribution of counts: v_c / V (uniform when V is 0), written to out.
  void distribution(std::uint64_t const* counts, float* out) const;

  /// Scans feature `feature`'s class histogram (bins x classes, uint32) of a node with class
  /// totals `total` (totalSamples = their sum) and score `nodeScore`; updates `best`.
  /// Returns whether the feature takes more than one bin in the node.
  bool scanHistogram(std::uint32_t const* hist, int bins, std::uint64_t const* total,
                     std::uint64_t totalSamples, double nodeScore, int feature, SplitChoice& best);

  /// The same scan over a node's rows given as packSortEntry values sorted increasingly.
  bool scanSorted(std::uint64_t const* entries, int n, std::uint64_t const* total,
                  std::uint64_t totalSamples, double nodeScore, int feature, SplitChoice& best);

 private:
  /// Offers "bin <= t" with the left counts in _left (leftSamples their sum); returns false
  /// when no larger t can be valid (the right side is below minSamplesLeaf).
  bool offer(std::uint64_t leftSamples, std::uint64_t const* total, std::uint64_t totalSamples,
             double nodeScore, int feature, int t, SplitChoice& best);

  Criterion _criterion;
  std::vector<double> _weights;
  std::uint64_t _minLeaf;
  std::vector<std::uint64_t> _left, _right;
};

}  // namespace vocloud::forest::detail
