#pragma once
// Outlier scores of the rows of a trained map and the sparsely hit nodes.
//
// score_i = |x_i - w_bmu| / m, where m is the median BMU distance of the rows of node bmu_i
// when that node has at least minNodeRows rows and its median is positive, and otherwise the
// median over all rows (a node's own median cannot judge a row that is alone or nearly alone
// there: an isolated spectrum would score 1). If that is 0 too, m is the smallest positive
// distance; with no positive distance at all every score is 0.
//
// Medians come from histograms of the distances, so they add over ranks and a distributed
// run gives exactly the serial scores: per node and over all rows, counts of exact zeros and
// of `bins` log-spaced bins between the smallest positive and the largest distance of the
// whole data set; the median is interpolated log-linearly inside its bin, within a relative
// error of (hi / lo)^(1 / bins) - 1 (0.7 % for 1024 bins over a factor 1000).
//
// The stage's outlier score measures the residual against the map's local surface instead
// of a single node. Around node k the map spans an affine patch: w_k plus combinations of
// w_j - w_k over the `neighbours` nodes j nearest to w_k in data space (ties: lower index).
//   residual_i = |r_i - P_k r_i|,   r_i = x_i - w_k, k = bmu_i,
// where P_k projects onto the span of those differences. Normal spectra vary continuously
// (line strengths, widths, shifts), so most of a normal spectrum's distance to its node lies
// along the map and is removed by P_k; a P Cygni trough, a line at the wrong wavelength or a
// spike has no counterpart in nearby nodes and remains. The score is residual_i divided by
// its median over all rows. Each row's residual depends only on the codebook and the row, so
// it is the same for any number of ranks.
//
// Sparse nodes: nodes hit by fewer rows than sparseFraction times the mean hits per node
// (0 hits included); a row "is in a sparse node" when its BMU is one.
#include "som/batch_som.hpp"
#include "som/som_nearest.hpp"

#include <cstdint>
#include <vector>

namespace vocloud::som {

struct OutlierOptions {
  int bins = 1024;              ///< log-spaced histogram bins per node
  int minNodeRows = 8;          ///< rows a node needs for its own median to be used
  double sparseFraction = 0.1;  ///< sparse: hits < sparseFraction * mean hits per node
  int neighbours = 19;          ///< nearest nodes spanning the patch of the manifold residual
  double mass = 0.01;           ///< density factor's neighbourhood mass, fraction of all rows
};

/// Smallest positive and largest BMU distance (not squared). Distributed: MIN of minPositive,
/// MAX of max over ranks.
struct DistanceRange {
  double minPositive = 0.;  ///< +inf when no row has a positive distance
  double max = 0.;
};

/// The range of sqrt(dist2) over local rows.
DistanceRange localDistanceRange(std::vector<float> const& dist2);

/// Counts of BMU distances per node and over all rows.
struct DistanceHistogram {
  int nodes = 0;
  int bins = 0;
  DistanceRange range;         ///< the global range the bins span
  std::vector<double> counts;  ///< [nodes + 1][bins + 1]: column 0 exact zeros, 1..bins log
                               ///< bins; row `nodes` counts all rows. Adds over ranks.
};

/// Histogram of the local rows' distances sqrt(dist2) by BMU node, over the global `range`.
/// Throws vocloud::Error for bins < 1, nodes < 1, mismatched bmu and dist2, or a BMU outside
/// [0, nodes).
DistanceHistogram localDistanceHistogram(int nodes, std::vector<int> const& bmu,
                                         std::vector<float> const& dist2,
                                         DistanceRange const& range, int bins);

/// Median distance of every node and (last entry) of all rows from a histogram summed over
/// ranks: nodes + 1 values, NaN where there are no rows.
std::vector<double> histogramMedians(DistanceHistogram const& histogram);

/// Fraction of the rows counted in histogram row `row` (a node, or `nodes` for all rows) whose
/// distance is at most d: exact zeros and the bins below d's bin count fully, d's own bin in
/// proportion to d's log-position inside it. NaN when the row is empty. The cumulative
/// counts are summed once, at construction; each call is O(1).
class HistogramFraction {
 public:
  /// Throws vocloud::Error for a row outside [0, nodes].
  HistogramFraction(DistanceHistogram const& histogram, int row);
  double operator()(double d) const;

 private:
  DistanceRange _range;
  int _bins;
  std::vector<double> _below;  ///< [bins + 2]: rows in the bins before b; last: all rows
};

/// Rows per node (the histogram's row sums): nodes values.
std::vector<double> histogramHits(DistanceHistogram const& histogram);

/// Scores of the local rows as described in the file comment, from the reduced histogram's
/// medians and hits and the global range.
std::vector<float> outlierScores(std::vector<int> const& bmu, std::vector<float> const& dist2,
                                 std::vector<double> const& medians,
                                 std::vector<double> const& hits, DistanceRange const& range,
                                 int minNodeRows);

/// residual_i = distance of row i from the affine patch of its BMU and the BMU's `neighbours`
/// nearest nodes (see above), for n local rows.
std::vector<float> manifoldResiduals(Codebook const& codebook, float const* rows, std::size_t n,
                                     std::vector<int> const& bmu, int neighbours);

/// 1 for nodes with hits < fraction * (sum of hits / nodes), else 0.
std::vector<std::uint8_t> sparseNodes(std::vector<double> const& hits, double fraction);

/// Everything above for the rows of one process.
struct OutlierReport {
  std::vector<float> score;                ///< per row
  std::vector<std::uint8_t> inSparseNode;  ///< per row
  std::vector<std::uint8_t> sparseNode;    ///< per node
  std::vector<double> hits;                ///< per node
  std::vector<double> nodeMedian;          ///< per node, NaN for empty nodes
  double globalMedian = 0.;
};

/// Outlier scores and sparse nodes of n = bmu.size() rows on one process.
OutlierReport outliersSerial(int nodes, std::vector<int> const& bmu,
                             std::vector<float> const& dist2,
                             OutlierOptions const& options = OutlierOptions{});

}  // namespace vocloud::som
