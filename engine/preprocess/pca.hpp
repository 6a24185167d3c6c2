#pragma once
// Principal component analysis of a data set spread over ranks: each rank adds its chunks of
// rows to X^T X and the column sums (exactly), one allreduce combines them, Eigen's self-adjoint
// solver gives the components, and each rank projects its own rows.
#include "comm/comm.hpp"
#include "comm/exact_scatter.hpp"

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

/// Sums of one rank's rows, exact and independent of the number of ranks: rows are added in
/// fixed chunks of comm::kScatterChunk rows by global row index (each rank takes the chunks
/// that comm::chunkAlignedRange gives it), each chunk's X^T X and column sums in double,
/// then into 128-bit fixed point (comm::ExactScatter).
class PcaAccumulator {
 public:
  /// `maxAbs` and `rows` are the largest |value| and the row count of the whole data set
  /// (the same on every rank); they fix the binary scale of the sums.
  PcaAccumulator(std::size_t dims, double maxAbs, std::uint64_t rows);
  /// Adds `n` row-major rows of `dims` values that start at a chunk edge (global row index
  /// a multiple of comm::kScatterChunk) and end at one or at the end of the data.
  void add(float const* rows, std::size_t n);
  std::size_t dims() const { return _dims; }

  /// Combines every rank's sums and fits `k` components (k <= dims). Every rank gets the
  /// same model, bitwise the same for any number of ranks. Component signs are fixed so
  /// the largest |coefficient| is positive. Collective over comm.
  PcaModel finish(int k, comm::Comm const& comm);

 private:
  std::size_t _dims;
  comm::ExactScatter _scatter;
};

/// Largest |value| of n rows of `dims` floats; throws vocloud::Error naming the local row of
/// a non-finite value.
double pcaMaxAbs(float const* rows, std::size_t n, std::size_t dims);

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
