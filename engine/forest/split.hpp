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
// reduced histogram scanned bin by bin or through the list of its non-empty bins
// (scanHistogram and scanOccupied visit the same non-empty bins with the same counts).
//
// The scans keep the counts as doubles (exact below 2^53) and, when every class weight is
// 1, skip the multiplications by w_c and take v ln v from a table of n ln n; each is the
// same floating-point operation on the same values as the plain formula above, so the
// gains are bit for bit those of score(). Gini with unit weights first estimates the gain
// with reciprocals from a table of 1 / n and computes it with divisions only for the
// candidates the estimate cannot rule out, so the choice and gain are unchanged too.
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
  /// Bins below `firstBin` must be empty (they are not read). Returns whether the feature
  /// takes more than one bin in the node.
  bool scanHistogram(std::uint32_t const* hist, int bins, std::uint64_t const* total,
                     std::uint64_t totalSamples, double nodeScore, int feature, SplitChoice& best,
                     int firstBin = 0);

  /// The same scan visiting only the bins listed in `occupied` (increasing; every non-empty
  /// bin of the histogram, and possibly empty ones).
  bool scanOccupied(std::uint32_t const* hist, int const* occupied, int count,
                    std::uint64_t const* total, std::uint64_t totalSamples, double nodeScore,
                    int feature, SplitChoice& best);

  /// False when no split of a node with these totals can have a gain above bestGain, so a
  /// scan could not change the best split. With gini and unit class weights no split gains
  /// more than one into pure sides, V - nodeScore (V = totalSamples), also as the scans
  /// compute gains in floating point (ls / lt <= lt rounds to at most lt, and the sum and the
  /// difference round monotonically); once such a split is the best, the next features need
  /// no scan. Always true for other criteria and weights.
  bool mayImprove(double bestGain, std::uint64_t totalSamples, double nodeScore) const {
    return _criterion != Criterion::Gini || !_unitWeights ||
           bestGain < double(totalSamples) - nodeScore;
  }

  /// The kind of gain formula a scan instantiates (see split.cpp).
  enum class Mode { Gini, GiniUnit, Entropy, EntropyUnit };

 private:
  /// Prepares a scan: the totals as doubles and, for GiniUnit and EntropyUnit, a table
  /// covering totalSamples. Returns the mode to use.
  Mode prepare(std::uint64_t const* total, std::uint64_t totalSamples);

  /// What both scans share: prepare, run `scan` (a generic lambda taking the class count and
  /// mode as integral constants, the left-count buffer, the gain inputs and the scan state)
  /// and record the best split. Defined and instantiated in split.cpp only.
  template <class Scan>
  bool scanWith(std::uint64_t const* total, std::uint64_t totalSamples, double nodeScore,
                int feature, SplitChoice& best, Scan const& scan);

  Criterion _criterion;
  std::vector<double> _weights;
  std::uint64_t _minLeaf;
  bool _unitWeights;
  std::vector<double> _left, _total;
  std::vector<double> _table;  ///< 1 / n (gini) or n ln n (entropy), n = 0 .. size - 1
};

}  // namespace vocloud::forest::detail
