#pragma once
// Principal component analysis of a data set spread over ranks: each rank adds its rows to
// X^T X and the column sums, one allreduce combines them, Eigen's self-adjoint solver gives
// the components, and each rank projects its own rows.
#include "comm/comm.hpp"

#include <cstdint>
#include <vector>

namespace vocloud::preprocess {

struct PcaModel {
  std::size_t dims = 0;
  std::uint64_t count = 0;                     ///< rows the model was fitted on
  std::vector<double> mean;                    ///< [dims]
  std::vector<double> components;              ///< [k][dims], row-major, unit vectors
  std::vector<double> explainedVariance;       ///< [k], eigenvalues of the covariance (n - 1)
  std::vector<double> explainedVarianceRatio;  ///< [k], fraction of the total variance
  std::size_t k() const { return dims ? components.size() / dims : 0; }
};

/// Sums of one rank's rows, in double precision.
class PcaAccumulator {
 public:
  explicit PcaAccumulator(std::size_t dims);
  /// Adds `n` row-major rows of `dims` values.
  void add(float const* rows, std::size_t n);
  std::size_t dims() const { return _dims; }

  /// Combines every rank's sums and fits `k` components (k <= dims). Every rank gets the
  /// same model. Component signs are fixed so the largest |coefficient| is positive.
  /// Collective over comm.
  PcaModel finish(int k, comm::Comm const& comm);

 private:
  std::size_t _dims;
  std::uint64_t _count = 0;
  std::vector<double> _sum;   // [dims]
  std::vector<double> _gram;  // [dims][dims], lower triangle filled
};

/// A model for projecting rows onto a basis fitted elsewhere (e.g. the one a forest was
/// trained on): `components` is [k][mean.size()]; no variances. Throws vocloud::Error when
/// the sizes do not fit.
PcaModel pcaBasis(std::vector<double> mean, std::vector<double> components);

/// Projections of `n` rows onto the model's components (projections[n][k]) and the
/// Euclidean distance of each row to its reconstruction from them (errors[n]), from one
/// centring and one product.
void pcaProject(PcaModel const& model, float const* rows, std::size_t n, float* projections,
                float* errors);

}  // namespace vocloud::preprocess
