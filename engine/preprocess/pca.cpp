#include "preprocess/pca.hpp"

#include "core/error.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace vocloud::preprocess {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

PcaAccumulator::PcaAccumulator(std::size_t dims)
    : _dims(dims), _sum(dims, 0.), _gram(dims * dims, 0.) {}

void PcaAccumulator::add(float const* rows, std::size_t n) {
  if (n == 0) return;
  Eigen::Map<MatrixF const> const x(rows, static_cast<Eigen::Index>(n),
                                    static_cast<Eigen::Index>(_dims));
  MatrixD const xd = x.cast<double>();
  Eigen::Map<MatrixD> gram(_gram.data(), static_cast<Eigen::Index>(_dims),
                           static_cast<Eigen::Index>(_dims));
  // G += X^T X, lower triangle only (a symmetric rank-n update).
  gram.selfadjointView<Eigen::Lower>().rankUpdate(xd.transpose());
  Eigen::Map<Eigen::VectorXd> sum(_sum.data(), static_cast<Eigen::Index>(_dims));
  sum += xd.colwise().sum().transpose();
  _count += n;
}

PcaModel PcaAccumulator::finish(int k, comm::Comm const& comm) {
  comm.allreduce(_sum, comm::Op::Sum);
  comm.allreduce(_gram, comm::Op::Sum);
  std::uint64_t const n = comm.allreduce<unsigned long long>(_count, comm::Op::Sum);
  PcaModel model;
  model.dims = _dims;
  model.count = n;
  if (n < 2)
    throw Error("preprocess: PCA needs at least 2 spectra, the data set has " + std::to_string(n));
  auto const d = static_cast<Eigen::Index>(_dims);
  Eigen::Map<MatrixD const> const gram(_gram.data(), d, d);
  Eigen::Map<Eigen::VectorXd const> const sum(_sum.data(), d);
  Eigen::VectorXd const mean = sum / static_cast<double>(n);
  // Covariance = (X^T X - n mean mean^T) / (n - 1), from the lower triangle.
  MatrixD cov = gram.selfadjointView<Eigen::Lower>();
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
