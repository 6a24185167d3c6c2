// What the exact PCA sums cost: X^T X and column sums of N rows of D floats (default
// N = 100000, D = 800; arguments: N D), once as the PCA did before (double rank-k updates
// over 16 MiB batches) and once as comm::ExactScatter does now (256-row chunks, each
// converted to 128-bit fixed point). Prints CPU seconds and the largest relative difference.
#include "comm/comm.hpp"
#include "comm/exact_scatter.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <vector>

using namespace vocloud;
using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

/// CPU seconds of this process since `start` (less sensitive than wall time to other
/// processes sharing the cores).
double seconds(std::clock_t start) {
  return double(std::clock() - start) / CLOCKS_PER_SEC;
}

/// The former PcaAccumulator: double sums over batches of 16 MiB of floats.
MatrixD doubleScatter(std::vector<float> const& rows, std::size_t n, std::size_t dims) {
  auto const d = static_cast<Eigen::Index>(dims);
  MatrixD gram = MatrixD::Zero(d, d);
  std::size_t const batch = std::max<std::size_t>(1, (16u << 20) / (4 * dims));
  for (std::size_t first = 0; first < n; first += batch) {
    auto const m = static_cast<Eigen::Index>(std::min(batch, n - first));
    Eigen::Map<MatrixF const> const x(rows.data() + first * dims, m, d);
    gram.selfadjointView<Eigen::Lower>().rankUpdate(x.cast<double>().transpose());
  }
  return gram;
}

}  // namespace

int main(int argc, char** argv) {
  comm::Environment mpi(argc, argv);
  std::size_t const n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  std::size_t const dims = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 800;
  std::mt19937 rng(1);
  std::normal_distribution<float> noise(0.f, 0.05f);
  std::vector<float> rows(n * dims);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < dims; ++d)
      rows[i * dims + d] = 1.f + 0.3f * std::sin(0.01f * d * (i % 7 + 1)) + noise(rng);
  double maxAbs = 0.;
  for (float v : rows) maxAbs = std::max(maxAbs, std::fabs(static_cast<double>(v)));

  std::clock_t start = std::clock();
  MatrixD const plain = doubleScatter(rows, n, dims);
  double const tPlain = seconds(start);

  comm::Comm const self = comm::Comm::self();
  start = std::clock();
  comm::ExactScatter exact(dims, comm::scatterExponents(maxAbs, static_cast<double>(n)));
  exact.addChunks(rows.data(), n);
  exact.allreduce(self);
  std::vector<double> const s = exact.scatter();
  double const tExact = seconds(start);

  double worst = 0.;
  for (std::size_t i = 0; i < dims; ++i)
    for (std::size_t j = 0; j <= i; ++j)
      worst = std::max(worst, std::fabs(s[i * dims + j] - plain(i, j)) / std::fabs(plain(i, j)));
  std::printf(
      "N %zu D %zu: double batches %.2f s, exact chunks %.2f s (%+.0f%%), "
      "largest relative difference %.1e\n",
      n, dims, tPlain, tExact, 100. * (tExact / tPlain - 1.), worst);
  return 0;
}
