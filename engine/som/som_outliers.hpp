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
// A second view of the same residual x_i - w_bmu weighs each dimension by how well the map
// fits it overall: v_d = mean over all rows of r_id^2 and
//   residual_i = sqrt(mean_d r_id^2 / v_d)   (dimensions with v_d = 0 left out).
// A row that departs from its node where the map fits every other row closely (a line at
// the wrong wavelength, a spike) stands out here even when its plain distance is ordinary,
// because normal spectra differ most where they all vary (line strengths). The stage's
// outlier score is the mean of score_i and residual_i / median(residual).
//
// Sparse nodes: nodes hit by fewer rows than sparseFraction times the mean hits per node
// (0 hits included); a row "is in a sparse node" when its BMU is one.
#include "som/batch_som.hpp"

#include <cstdint>
#include <vector>

namespace vocloud::som {

struct OutlierOptions {
  int bins = 1024;              ///< log-spaced histogram bins per node
  int minNodeRows = 8;          ///< rows a node needs for its own median to be used
  double sparseFraction = 0.1;  ///< sparse: hits < sparseFraction * mean hits per node
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

/// Rows per node (the histogram's row sums): nodes values.
std::vector<double> histogramHits(DistanceHistogram const& histogram);

/// Scores of the local rows as described in the file comment, from the reduced histogram's
/// medians and hits and the global range.
std::vector<float> outlierScores(std::vector<int> const& bmu, std::vector<float> const& dist2,
                                 std::vector<double> const& medians,
                                 std::vector<double> const& hits, DistanceRange const& range,
                                 int minNodeRows);

/// Per-dimension sums of squared residuals r_id = x_id - w_{bmu_i, d} of n local rows
/// (dims values; add over ranks, then divide by the number of rows for v_d).
std::vector<double> localResidualSquares(Codebook const& codebook, float const* rows, std::size_t n,
                                         std::vector<int> const& bmu);

/// residual_i = sqrt(mean_d r_id^2 / v_d) of n local rows, dimensions with v_d == 0 skipped.
std::vector<float> standardisedResiduals(Codebook const& codebook, float const* rows,
                                         std::size_t n, std::vector<int> const& bmu,
                                         std::vector<double> const& variance);

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
