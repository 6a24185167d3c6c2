#include "som/batch_som.hpp"

#include "core/error.hpp"
#include "kernels/som_accumulate.hpp"
#include "kernels/som_bmu.hpp"
#include "som/som_init.hpp"
#include "som/som_quality.hpp"
#include "som/som_random.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace vocloud::som {

namespace {

using HostSpace = Kokkos::DefaultHostExecutionSpace;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
template <class T>
using HostMatrix = Kokkos::View<T**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>;
template <class T>
using HostVector = Kokkos::View<T*, Kokkos::HostSpace, Unmanaged>;
using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void checkCodebook(Codebook const& codebook, std::size_t dims) {
  validateGrid(codebook.grid);
  if (codebook.dims == 0) throw Error("som: the codebook has no dimensions");
  if (codebook.weights.size() != static_cast<std::size_t>(codebook.nodes()) * codebook.dims)
    throw Error("som: the codebook holds " + std::to_string(codebook.weights.size()) +
                " weights, expected nodes x dims = " + std::to_string(codebook.nodes()) + " x " +
                std::to_string(codebook.dims));
  if (dims != codebook.dims)
    throw Error("som: rows of " + std::to_string(dims) + " values do not match the codebook's " +
                std::to_string(codebook.dims));
}

double defaultRadius0(SomGrid const& grid) {
  return std::max(grid.rows, grid.cols) / 2.;
}

/// The node nearest to x by the exactly-ordered double distance, ties to the lowest index:
/// the same definition as the BMU kernel, without its set-up cost for a single row.
int nearestNode(Codebook const& codebook, float const* x) {
  int best = -1;
  double bestD2 = 0.;
  for (int k = 0; k < codebook.nodes(); ++k) {
    float const* w = codebook.node(k);
    double const d2 = kernels::detail::bmuExactDistance2(
        static_cast<int>(codebook.dims), [&](int d) { return x[d]; }, [&](int d) { return w[d]; });
    if (std::isfinite(d2) && (best < 0 || d2 < bestD2)) {
      best = k;
      bestD2 = d2;
    }
  }
  return best;
}

}  // namespace

void validateSomConfig(SomConfig const& config) {
  validateGrid(config.grid);
  if (config.epochs < 1)
    throw Error("som: epochs must be at least 1, got " + std::to_string(config.epochs));
  parseNeighbourhood(config.neighbourhood);
  Cooling const cooling = parseCooling(config.cooling);
  if (config.init != "random" && config.init != "pca")
    throw Error("som: unknown init '" + config.init + "' (expected random or pca)");
  if (!std::isfinite(config.radius0) || !std::isfinite(config.radiusN) || config.radiusN < 0.)
    throw Error("som: radii must be finite and radiusN >= 0, got radius0 " +
                std::to_string(config.radius0) + " and radiusN " + std::to_string(config.radiusN));
  if (cooling == Cooling::Exponential && (config.radiusN <= 0. || config.radius0 == 0.))
    throw Error("som: exponential cooling needs radii > 0");
  if (config.online &&
      (!(config.scale0 > 0.) || config.scale0 > 1. || !(config.scaleN > 0.) || config.scaleN > 1.))
    throw Error("som: online learning rates must lie in (0, 1], got scale0 " +
                std::to_string(config.scale0) + " and scaleN " + std::to_string(config.scaleN));
}

double epochRadius(SomConfig const& config, int epoch) {
  double const start = config.radius0 >= 0. ? config.radius0 : defaultRadius0(config.grid);
  return cool(parseCooling(config.cooling), start, config.radiusN, config.epochs, epoch);
}

double epochScale(SomConfig const& config, int epoch) {
  return cool(parseCooling(config.cooling), config.scale0, config.scaleN, config.epochs, epoch);
}

void findBmus(Codebook const& codebook, float const* rows, std::size_t n, std::size_t dims,
              int* bmu, float* dist2, int* second, float* secondDist2) {
  checkCodebook(codebook, dims);
  if (n == 0) return;
  HostSpace const space;
  HostMatrix<float const> const x(rows, n, dims);
  HostMatrix<float const> const w(codebook.weights.data(), codebook.nodes(), dims);
  HostVector<int> const bmuView(bmu, n);
  HostVector<float> const distView(dist2, n);
  if (second != nullptr && secondDist2 != nullptr) {
    kernels::bmuSearchTopTwo(space, x, w, bmuView, distView, HostVector<int>(second, n),
                             HostVector<float>(secondDist2, n));
  } else {
    kernels::bmuSearch(space, x, w, bmuView, distView);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (bmu[i] < 0)
      throw Error("som: local row " + std::to_string(i) +
                  " has non-finite values (no node is at a finite distance)");
}

EpochPartial localEpoch(Codebook const& codebook, float const* rows, std::size_t n,
                        std::size_t dims) {
  checkCodebook(codebook, dims);
  int const nodes = codebook.nodes();
  EpochPartial partial;
  partial.sums.assign(static_cast<std::size_t>(nodes) * dims, 0.);
  partial.counts.assign(nodes, 0.);
  if (n == 0) return partial;
  std::vector<int> bmu(n);
  std::vector<float> dist2(n);
  findBmus(codebook, rows, n, dims, bmu.data(), dist2.data());
  HostSpace const space;
  kernels::accumulateByNode(space, HostMatrix<float const>(rows, n, dims),
                            HostVector<int const>(bmu.data(), n),
                            HostMatrix<double>(partial.sums.data(), nodes, dims),
                            HostVector<double>(partial.counts.data(), nodes));
  for (float const d2 : dist2) partial.distanceSum += std::sqrt(static_cast<double>(d2));
  partial.rows = static_cast<double>(n);
  return partial;
}

int fixedPointExponent(double maxAbs, double rows) {
  if (!(maxAbs > 0.)) return 0;
  if (!std::isfinite(maxAbs)) throw Error("som: the data hold non-finite values");
  // Largest q with maxAbs 2^q (rows + 1) <= 2^60.
  int q = 60 - static_cast<int>(std::ceil(std::log2(maxAbs * (rows + 1.))));
  while (std::ldexp(maxAbs * (rows + 1.), q) > std::ldexp(1., 60)) --q;
  return std::clamp(q, -900, 900);
}

double localMaxAbs(float const* rows, std::size_t n, std::size_t dims) {
  double maxAbs = 0.;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < dims; ++d) {
      float const v = rows[i * dims + d];
      if (!std::isfinite(v))
        throw Error("som: local row " + std::to_string(i) + " has a non-finite value at column " +
                    std::to_string(d));
      maxAbs = std::max(maxAbs, static_cast<double>(std::fabs(v)));
    }
  return maxAbs;
}

ExactPartial localEpochExact(Codebook const& codebook, float const* rows, std::size_t n,
                             std::size_t dims, int exponent) {
  checkCodebook(codebook, dims);
  int const nodes = codebook.nodes();
  ExactPartial partial;
  partial.sums.assign(static_cast<std::size_t>(nodes) * dims, 0);
  partial.counts.assign(nodes, 0);
  if (n == 0) return partial;
  std::vector<int> bmu(n), second(n);
  std::vector<float> dist2(n), secondDist2(n);
  findBmus(codebook, rows, n, dims, bmu.data(), dist2.data(), second.data(), secondDist2.data());
  HostSpace const space;
  kernels::accumulateByNodeFixed(space, HostMatrix<float const>(rows, n, dims),
                                 HostVector<int const>(bmu.data(), n), std::ldexp(1., exponent),
                                 HostMatrix<std::int64_t>(partial.sums.data(), nodes, dims),
                                 HostVector<std::int64_t>(partial.counts.data(), nodes));
  partial.distances.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    partial.distances[i] = std::sqrt(static_cast<double>(dist2[i]));
    partial.distanceSum += partial.distances[i];
  }
  partial.topographicErrors = topographicErrorCount(codebook.grid, bmu, second);
  partial.rows = static_cast<double>(n);
  return partial;
}

EpochPartial partialFromExact(ExactPartial const& exact, int exponent) {
  EpochPartial partial;
  partial.sums.resize(exact.sums.size());
  for (std::size_t i = 0; i < exact.sums.size(); ++i)
    partial.sums[i] = std::ldexp(static_cast<double>(exact.sums[i]), -exponent);
  partial.counts.assign(exact.counts.begin(), exact.counts.end());
  partial.distanceSum = exact.distanceSum;
  partial.rows = exact.rows;
  return partial;
}

void addPartial(EpochPartial& into, EpochPartial const& from) {
  if (into.sums.size() != from.sums.size() || into.counts.size() != from.counts.size())
    throw Error("som: adding epoch partials of different shapes");
  for (std::size_t i = 0; i < into.sums.size(); ++i) into.sums[i] += from.sums[i];
  for (std::size_t i = 0; i < into.counts.size(); ++i) into.counts[i] += from.counts[i];
  into.distanceSum += from.distanceSum;
  into.rows += from.rows;
}

void applyEpoch(Codebook& codebook, EpochPartial const& reduced, SomConfig const& config,
                int epoch) {
  applyEpochRange(codebook, reduced, config, epoch, 0, codebook.nodes());
}

void applyEpochRange(Codebook& codebook, EpochPartial const& reduced, SomConfig const& config,
                     int epoch, int firstNode, int endNode) {
  checkCodebook(codebook, codebook.dims);
  int const nodes = codebook.nodes();
  auto const dims = static_cast<Eigen::Index>(codebook.dims);
  if (reduced.sums.size() != static_cast<std::size_t>(nodes) * codebook.dims ||
      reduced.counts.size() != static_cast<std::size_t>(nodes))
    throw Error("som: the epoch partial does not match the " + std::to_string(nodes) + " x " +
                std::to_string(codebook.dims) + " codebook");
  if (firstNode < 0 || endNode > nodes || firstNode > endNode)
    throw Error("som: node range " + std::to_string(firstNode) + ".." + std::to_string(endNode) +
                " is outside the map of " + std::to_string(nodes) + " nodes");
  Neighbourhood const kind = parseNeighbourhood(config.neighbourhood);
  double const radius = epochRadius(config, epoch);

  // Only nodes with rows contribute (S_j = 0 and N_j = 0 elsewhere): gather them once.
  std::vector<int> hit;
  for (int j = 0; j < nodes; ++j)
    if (reduced.counts[j] > 0.) hit.push_back(j);
  if (hit.empty()) return;
  auto const nHit = static_cast<Eigen::Index>(hit.size());
  MatrixD sums(nHit, dims);
  Eigen::VectorXd counts(nHit);
  for (Eigen::Index h = 0; h < nHit; ++h) {
    sums.row(h) = Eigen::Map<Eigen::RowVectorXd const>(
        reduced.sums.data() + static_cast<std::size_t>(hit[h]) * codebook.dims, dims);
    counts[h] = reduced.counts[hit[h]];
  }
  std::vector<NodePosition> const positions = nodePositions(codebook.grid);

  for (int first = firstNode; first < endNode; first += kApplyBlockNodes) {
    int const block = std::min(kApplyBlockNodes, endNode - first);
    MatrixD weights(block, nHit);
    for (int b = 0; b < block; ++b)
      for (Eigen::Index h = 0; h < nHit; ++h)
        weights(b, h) = neighbourhoodWeight(
            kind, positionDistance(codebook.grid, positions[first + b], positions[hit[h]]), radius);
    MatrixD const numerator = weights * sums;
    Eigen::VectorXd const denominator = weights * counts;
    for (int b = 0; b < block; ++b) {
      if (!(denominator[b] > 0.)) continue;  // no rows within reach: keep the weights
      float* w = codebook.weights.data() + static_cast<std::size_t>(first + b) * codebook.dims;
      for (Eigen::Index d = 0; d < dims; ++d)
        w[d] = static_cast<float>(numerator(b, d) / denominator[b]);
    }
  }
}

void trainOnline(Codebook& codebook, SomConfig const& config, float const* rows, std::size_t n,
                 std::size_t dims) {
  validateSomConfig(config);
  checkCodebook(codebook, dims);
  Neighbourhood const kind = parseNeighbourhood(config.neighbourhood);
  int const nodes = codebook.nodes();
  std::vector<NodePosition> const positions = nodePositions(codebook.grid);
  std::vector<std::size_t> order(n);
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    double const radius = epochRadius(config, epoch);
    double const scale = epochScale(config, epoch);
    detail::shuffledOrder(config.seed, detail::kOrderStream + static_cast<std::uint64_t>(epoch),
                          order);
    for (std::size_t const i : order) {
      float const* x = rows + i * dims;
      int const best = nearestNode(codebook, x);
      if (best < 0) throw Error("som: row " + std::to_string(i) + " has non-finite values");
      for (int k = 0; k < nodes; ++k) {
        double const h = neighbourhoodWeight(
            kind, positionDistance(codebook.grid, positions[k], positions[best]), radius);
        if (h == 0.) continue;
        float* w = codebook.weights.data() + static_cast<std::size_t>(k) * dims;
        for (std::size_t d = 0; d < dims; ++d)
          w[d] = static_cast<float>(w[d] + scale * h * (static_cast<double>(x[d]) - w[d]));
      }
    }
  }
}

Codebook trainSerial(SomConfig const& config, float const* rows, std::size_t n, std::size_t dims) {
  validateSomConfig(config);
  if (n == 0) throw Error("som: no rows to train on");
  if (dims == 0) throw Error("som: rows have no values");
  Codebook codebook = config.init == "pca"
                          ? initialisePca(config, pcaBasis(rows, n, dims))
                          : initialiseRandom(config, localDataRange(rows, n, dims));
  if (config.online) {
    trainOnline(codebook, config, rows, n, dims);
    return codebook;
  }
  int const exponent = fixedPointExponent(localMaxAbs(rows, n, dims), static_cast<double>(n));
  for (int epoch = 0; epoch < config.epochs; ++epoch)
    applyEpoch(codebook,
               partialFromExact(localEpochExact(codebook, rows, n, dims, exponent), exponent),
               config, epoch);
  return codebook;
}

}  // namespace vocloud::som
