#pragma once
// Initial codebooks of a self-organising map: random within the data's range (independent of
// how the rows are partitioned) or linear along the first two principal components.
#include "som/batch_som.hpp"

#include <cstddef>
#include <vector>

namespace vocloud::som {

/// Per-dimension bounds of a set of rows (+inf / -inf where there are none).
struct DataRange {
  std::vector<double> min;  ///< [dims]
  std::vector<double> max;  ///< [dims]
};

/// The bounds of n row-major rows of `dims` floats. Distributed: reduce min with MIN and max
/// with MAX over ranks before initialiseRandom.
DataRange localDataRange(float const* rows, std::size_t n, std::size_t dims);

/// Random codebook: w_kd = min_d + u (max_d - min_d) with u in [0, 1) a hash of
/// (config.seed, k, d), so it depends only on the seed and the (global) range, never on how
/// the rows are partitioned. Throws vocloud::Error for an empty or non-finite range.
Codebook initialiseRandom(SomConfig const& config, DataRange const& range);

/// The mean and first two principal axes of a data set (unit vectors, variances as
/// eigenvalues of the covariance with n - 1).
struct PcaBasis {
  std::vector<double> mean;    ///< [dims]
  std::vector<double> first;   ///< [dims]
  std::vector<double> second;  ///< [dims], zeros when dims == 1
  double firstVariance = 0.;
  double secondVariance = 0.;
};

/// PCA basis of n rows on one process (Eigen's self-adjoint solver on the covariance; the
/// sign of each axis makes its largest |coefficient| positive, as preprocess::PcaAccumulator
/// does, so a distributed fit gives the same axes up to rounding). Throws for n < 2.
PcaBasis pcaBasis(float const* rows, std::size_t n, std::size_t dims);

/// Column sums of n rows (double): the first pass of a PCA; add over ranks.
std::vector<double> localColumnSums(float const* rows, std::size_t n, std::size_t dims);

/// The centred scatter matrix sum_i (x_i - mean)(x_i - mean)^T of n rows, [dims][dims]
/// (lower triangle filled): the second pass; add over ranks.
std::vector<double> localScatter(float const* rows, std::size_t n, std::size_t dims,
                                 std::vector<double> const& mean);

/// The basis from the mean and the scatter matrix (lower triangle) of n rows: covariance
/// with n - 1, Eigen's self-adjoint solver, signs as pcaBasis.
PcaBasis pcaBasisFromScatter(std::vector<double> const& mean, std::vector<double> const& scatter,
                             double n);

/// Linear (PCA) codebook: node positions are scaled to [-1, 1] along each map axis and
/// w_k = mean + u_k sqrt(var1) first + v_k sqrt(var2) second, the longer map axis (columns
/// when cols >= rows) along the first component: the map spans one standard deviation of
/// the data along its two main directions.
Codebook initialisePca(SomConfig const& config, PcaBasis const& basis);

}  // namespace vocloud::som
