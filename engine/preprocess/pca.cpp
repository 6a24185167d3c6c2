#include "preprocess/pca.hpp"

#include "core/error.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace vocloud::preprocess {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

PcaAccumulator::PcaAccumulator(std::size_t dims, double maxAbs, std::uint64_t rows)
    : _dims(dims), _scatter(dims, comm::scatterExponents(maxAbs, static_cast<double>(rows))) {}

void PcaAccumulator::add(float const* rows, std::size_t n) {
  _scatter.addChunks(rows, n);
}

double pcaMaxAbs(float const* rows, std::size_t n, std::size_t dims) {
  double maxAbs = 0.;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < dims; ++d) {
      float const v = rows[i * dims + d];
      if (!std::isfinite(v))
        throw Error("preprocess: local row " + std::to_string(i) +
                    " has a non-finite value at column " + std::to_string(d));
      maxAbs = std::max(maxAbs, static_cast<double>(std::fabs(v)));
    }
  return maxAbs;
}

PcaModel PcaAccumulator::finish(int k, comm::Comm const& comm) {
  _scatter.allreduce(comm);
  std::uint64_t const n = _scatter.rows();
  std::vector<double> const sums = _scatter.sums();
  std::vector<double> const scatter = _scatter.scatter();
  PcaModel model;
  model.dims = _dims;
  model.count = n;
  if (n < 2)
    throw Error("preprocess: PCA needs at least 2 spectra, the data set has " + std::to_string(n));
  auto const d = static_cast<Eigen::Index>(_dims);
  Eigen::Map<MatrixD const> const gram(scatter.data(), d, d);
  Eigen::Map<Eigen::VectorXd const> const sum(sums.data(), d);
  Eigen::VectorXd const mean = sum / static_cast<double>(n);
  // Covariance = (X^T X - n mean mean^T) / (n - 1), from the lower triangle.
  MatrixD cov = gram;
  cov.noalias() -= static_cast<double>(n) * mean * mean.transpose();
  cov /= static_cast<double>(n - 1);
  Eigen::SelfAdjointEigenSolver<MatrixD> solver(cov);
  if (solver.info() != Eigen::Success)
    throw Error("preprocess: the PCA eigen-decomposition failed");
  int const kept = std::min<int>(k, static_cast<int>(_dims));
  double const total = std::max(0., cov.trace());
  model.mean.assign(mean.data(), mean.data() + d);
  for (int c = 0; c < kept; ++c) {
    Eigen::Index const col = d - 1 - c;  // eigenvalues ascend
    Eigen::VectorXd v = solver.eigenvectors().col(col);
    Eigen::Index largest = 0;
    v.cwiseAbs().maxCoeff(&largest);
    if (v[largest] < 0) v = -v;
    double const lambda = std::max(0., solver.eigenvalues()[col]);
    model.components.insert(model.components.end(), v.data(), v.data() + d);
    model.explainedVariance.push_back(lambda);
    model.explainedVarianceRatio.push_back(total > 0 ? lambda / total : 0.);
  }
  return model;
}

PcaModel pcaBasis(std::vector<double> mean, std::vector<double> components) {
  if (mean.empty() || components.empty() || components.size() % mean.size() != 0)
    throw Error("preprocess: a PCA basis of " + std::to_string(components.size()) +
                " values does not hold whole components of " + std::to_string(mean.size()));
  PcaModel model;
  model.dims = mean.size();
  model.mean = std::move(mean);
  model.components = std::move(components);
  return model;
}

void pcaProject(PcaModel const& model, float const* rows, std::size_t n, float* projections,
                float* errors) {
  auto const d = static_cast<Eigen::Index>(model.dims);
  auto const k = static_cast<Eigen::Index>(model.k());
  Eigen::Map<MatrixF const> const x(rows, static_cast<Eigen::Index>(n), d);
  Eigen::Map<MatrixD const> const c(model.components.data(), k, d);
  Eigen::Map<Eigen::RowVectorXd const> const mean(model.mean.data(), d);
  MatrixD const centred = x.cast<double>().rowwise() - mean;
  MatrixD const p = centred * c.transpose();
  Eigen::Map<MatrixF>(projections, static_cast<Eigen::Index>(n), k) = p.cast<float>();
  MatrixD const residual = centred - p * c;
  for (std::size_t i = 0; i < n; ++i)
    errors[i] = static_cast<float>(residual.row(static_cast<Eigen::Index>(i)).norm());
}

}  // namespace vocloud::preprocess
