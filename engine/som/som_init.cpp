#include "som/som_init.hpp"

#include "core/error.hpp"
#include "som/som_random.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vocloud::som {

namespace {

/// Rows per block of the PCA sums (bounds the double copy of a block).
constexpr std::size_t kPcaBlock = 4096;

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Codebook emptyCodebook(SomConfig const& config, std::size_t dims) {
  validateGrid(config.grid);
  if (dims == 0) throw Error("som: cannot initialise a codebook of 0 dimensions");
  Codebook codebook;
  codebook.grid = config.grid;
  codebook.dims = dims;
  codebook.weights.assign(static_cast<std::size_t>(codebook.nodes()) * dims, 0.f);
  return codebook;
}

/// Node positions mapped to [-1, 1] along x and y (0 along an axis with one position).
std::vector<NodePosition> unitPositions(SomGrid const& grid) {
  int const nodes = nodeCount(grid);
  std::vector<NodePosition> p(nodes);
  double minX = std::numeric_limits<double>::infinity(), maxX = -minX;
  double minY = minX, maxY = -minX;
  for (int k = 0; k < nodes; ++k) {
    p[k] = nodePosition(grid, k);
    minX = std::min(minX, p[k].x);
    maxX = std::max(maxX, p[k].x);
    minY = std::min(minY, p[k].y);
    maxY = std::max(maxY, p[k].y);
  }
  for (auto& q : p) {
    q.x = maxX > minX ? 2. * (q.x - minX) / (maxX - minX) - 1. : 0.;
    q.y = maxY > minY ? 2. * (q.y - minY) / (maxY - minY) - 1. : 0.;
  }
  return p;
}

}  // namespace

DataRange localDataRange(float const* rows, std::size_t n, std::size_t dims) {
  DataRange range;
  range.min.assign(dims, std::numeric_limits<double>::infinity());
  range.max.assign(dims, -std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < dims; ++d) {
      double const v = rows[i * dims + d];
      range.min[d] = std::min(range.min[d], v);
      range.max[d] = std::max(range.max[d], v);
    }
  return range;
}

Codebook initialiseRandom(SomConfig const& config, DataRange const& range) {
  std::size_t const dims = range.min.size();
  if (range.max.size() != dims) throw Error("som: the data range has mismatched min and max");
  Codebook codebook = emptyCodebook(config, dims);
  for (std::size_t d = 0; d < dims; ++d)
    if (!std::isfinite(range.min[d]) || !std::isfinite(range.max[d]) || range.min[d] > range.max[d])
      throw Error("som: no finite data range in dimension " + std::to_string(d) +
                  " for the random initialisation (no rows, or non-finite values)");
  for (int k = 0; k < codebook.nodes(); ++k)
    for (std::size_t d = 0; d < dims; ++d) {
      std::uint64_t const index = static_cast<std::uint64_t>(k) * dims + d;
      double const u = detail::uniform01(config.seed, detail::kInitStream, index);
      codebook.weights[index] =
          static_cast<float>(range.min[d] + u * (range.max[d] - range.min[d]));
    }
  return codebook;
}

std::vector<double> localColumnSums(float const* rows, std::size_t n, std::size_t dims) {
  auto const d = static_cast<Eigen::Index>(dims);
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(d);
  for (std::size_t first = 0; first < n; first += kPcaBlock) {
    auto const rowsInBlock = static_cast<Eigen::Index>(std::min(kPcaBlock, n - first));
    Eigen::Map<MatrixF const> const x(rows + first * dims, rowsInBlock, d);
    sum += x.cast<double>().colwise().sum().transpose();
  }
  return std::vector<double>(sum.data(), sum.data() + d);
}

std::vector<double> localScatter(float const* rows, std::size_t n, std::size_t dims,
                                 std::vector<double> const& mean) {
  auto const d = static_cast<Eigen::Index>(dims);
  if (mean.size() != dims) throw Error("som: the PCA mean has the wrong length");
  Eigen::Map<Eigen::VectorXd const> const m(mean.data(), d);
  MatrixD scatter = MatrixD::Zero(d, d);
  for (std::size_t first = 0; first < n; first += kPcaBlock) {
    auto const rowsInBlock = static_cast<Eigen::Index>(std::min(kPcaBlock, n - first));
    Eigen::Map<MatrixF const> const x(rows + first * dims, rowsInBlock, d);
    MatrixD const centred = x.cast<double>().rowwise() - m.transpose();
    scatter.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose());
  }
  return std::vector<double>(scatter.data(), scatter.data() + d * d);
}

PcaBasis pcaBasisFromScatter(std::vector<double> const& mean, std::vector<double> const& scatter,
                             double n) {
  std::size_t const dims = mean.size();
  auto const d = static_cast<Eigen::Index>(dims);
  if (n < 2) throw Error("som: the PCA initialisation needs at least 2 rows");
  if (dims == 0) throw Error("som: the PCA initialisation needs rows with values");
  if (scatter.size() != dims * dims) throw Error("som: the PCA scatter matrix has the wrong size");
  MatrixD cov = Eigen::Map<MatrixD const>(scatter.data(), d, d);
  cov = MatrixD(cov.selfadjointView<Eigen::Lower>());
  cov /= n - 1.;
  Eigen::SelfAdjointEigenSolver<MatrixD> solver(cov);
  if (solver.info() != Eigen::Success) throw Error("som: the PCA eigen-decomposition failed");
  PcaBasis basis;
  basis.mean = mean;
  basis.second.assign(dims, 0.);
  for (int c = 0; c < std::min<int>(2, static_cast<int>(d)); ++c) {
    Eigen::Index const col = d - 1 - c;  // eigenvalues ascend
    Eigen::VectorXd v = solver.eigenvectors().col(col);
    Eigen::Index largest = 0;
    v.cwiseAbs().maxCoeff(&largest);
    if (v[largest] < 0) v = -v;
    double const variance = std::max(0., solver.eigenvalues()[col]);
    (c == 0 ? basis.first : basis.second).assign(v.data(), v.data() + d);
    (c == 0 ? basis.firstVariance : basis.secondVariance) = variance;
  }
  return basis;
}

PcaBasis pcaBasis(float const* rows, std::size_t n, std::size_t dims) {
  if (n < 2)
    throw Error("som: the PCA initialisation needs at least 2 rows, got " + std::to_string(n));
  if (dims == 0) throw Error("som: the PCA initialisation needs rows with values");
  // Two passes over blocks of rows (mean, then the centred scatter matrix) so that no
  // n x dims double copy is ever held.
  std::vector<double> mean = localColumnSums(rows, n, dims);
  for (double& m : mean) m /= static_cast<double>(n);
  return pcaBasisFromScatter(mean, localScatter(rows, n, dims, mean), static_cast<double>(n));
}

Codebook initialisePca(SomConfig const& config, PcaBasis const& basis) {
  std::size_t const dims = basis.mean.size();
  if (basis.first.size() != dims || basis.second.size() != dims)
    throw Error("som: the PCA basis has axes of another length than its mean");
  if (!(basis.firstVariance >= 0.) || !(basis.secondVariance >= 0.))
    throw Error("som: the PCA basis has negative or non-finite variances");
  Codebook codebook = emptyCodebook(config, dims);
  std::vector<NodePosition> const unit = unitPositions(config.grid);
  bool const colsAlongFirst = config.grid.cols >= config.grid.rows;
  double const s1 = std::sqrt(basis.firstVariance);
  double const s2 = std::sqrt(basis.secondVariance);
  for (int k = 0; k < codebook.nodes(); ++k) {
    double const a = colsAlongFirst ? unit[k].x : unit[k].y;  // along the first component
    double const b = colsAlongFirst ? unit[k].y : unit[k].x;
    for (std::size_t d = 0; d < dims; ++d)
      codebook.weights[static_cast<std::size_t>(k) * dims + d] =
          static_cast<float>(basis.mean[d] + a * s1 * basis.first[d] + b * s2 * basis.second[d]);
  }
  return codebook;
}

}  // namespace vocloud::som
