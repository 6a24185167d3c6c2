#include "som/som_distributed.hpp"

#include "comm/exact_scatter.hpp"
#include "comm/exact_sum.hpp"
#include "core/error.hpp"
#include "som/som_init.hpp"
#include "som/som_quality.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace vocloud::som {

namespace {

/// Dimensions above which the PCA initialisation's dims x dims scatter matrix is refused.
constexpr std::size_t kMaxPcaDims = 8192;

/// Throws on every rank when any rank failed, naming the lowest failing rank's reason.
void agreeOrThrow(comm::Comm const& comm, std::string const& failure) {
  auto const [rank, message] = comm::firstFailure(comm, failure);
  if (rank >= 0) throw Error(message + " (rank " + std::to_string(rank) + ")");
}

/// The histogram of the distances sqrt(dist2) of all ranks' rows by BMU node, over their
/// global range (zeros and log bins). Collective over comm.
DistanceHistogram reducedHistogram(comm::Comm const& comm, int nodes, std::vector<int> const& bmu,
                                   std::vector<float> const& dist2, int bins) {
  DistanceRange range = localDistanceRange(dist2);
  range.minPositive = comm.allreduce(range.minPositive, comm::Op::Min);
  range.max = comm.allreduce(range.max, comm::Op::Max);
  DistanceHistogram histogram = localDistanceHistogram(nodes, bmu, dist2, range, bins);
  comm.allreduce(histogram.counts, comm::Op::Sum);
  return histogram;
}

/// One histogram of non-negative values of all rows. Collective over comm.
DistanceHistogram globalHistogram(comm::Comm const& comm, std::vector<float> const& values,
                                  int bins) {
  std::vector<float> squares(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) squares[i] = values[i] * values[i];
  return reducedHistogram(comm, 1, std::vector<int>(values.size(), 0), squares, bins);
}

/// applyEpoch shared by the ranks: each updates a contiguous share of the map's blocks of
/// kApplyBlockNodes nodes (the same blocks as one process's applyEpoch, so the same bits) and
/// the shares are gathered in rank order, so the K x K_hit x D smoothing shrinks with the
/// number of ranks instead of running whole on every rank. One rank, or a codebook too large
/// for one gather, updates the whole map itself.
void applySharedEpoch(Codebook& codebook, EpochPartial const& reduced, SomConfig const& config,
                      int epoch, comm::Comm const& comm) {
  int const nodes = codebook.nodes();
  if (comm.size() == 1 || codebook.weights.size() > static_cast<std::size_t>(INT_MAX)) {
    applyEpoch(codebook, reduced, config, epoch);
    return;
  }
  long const blocks = (nodes + kApplyBlockNodes - 1) / kApplyBlockNodes;
  auto const cut = [&](int rank) {
    long const block = blocks * rank / comm.size();
    return static_cast<int>(std::min<long>(block * kApplyBlockNodes, nodes));
  };
  int const first = cut(comm.rank());
  int const end = cut(comm.rank() + 1);
  applyEpochRange(codebook, reduced, config, epoch, first, end);
  std::vector<float> const mine(codebook.weights.begin() + static_cast<long>(first) * codebook.dims,
                                codebook.weights.begin() + static_cast<long>(end) * codebook.dims);
  std::vector<float> all = comm.allgatherv(mine);
  if (all.size() != codebook.weights.size())
    throw Error("som: the gathered map holds " + std::to_string(all.size()) +
                " weights, expected " + std::to_string(codebook.weights.size()));
  codebook.weights = std::move(all);
}

}  // namespace

PcaBasis distributedPcaBasis(comm::Comm const& comm, float const* rows, std::size_t n,
                             std::size_t dims, double maxAbs, double total) {
  if (dims > kMaxPcaDims)
    throw Error("som: the PCA initialisation of " + std::to_string(dims) +
                "-dimensional rows needs a dims x dims matrix; use init: random or a feature set");
  comm::ExactSums sums(dims, comm::exactSumExponent(maxAbs * total));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < dims; ++d) sums.add(d, rows[i * dims + d]);
  sums.allreduce(comm);
  std::vector<double> mean = sums.values();
  for (double& m : mean) m /= total;
  // Centred values are at most 2 maxAbs in magnitude.
  comm::ExactScatter scatter(dims, comm::scatterExponents(2. * maxAbs, total), mean);
  scatter.addShard(comm, rows, n);
  scatter.allreduce(comm);
  return pcaBasisFromScatter(mean, scatter.scatter(), total);
}

TrainingState startTraining(SomConfig const& config, comm::Comm const& comm, float const* rows,
                            std::size_t n, std::size_t dims) {
  validateSomConfig(config);
  if (dims == 0) throw Error("som: rows have no values");
  std::string failure;
  double maxAbs = 0.;
  try {
    maxAbs = localMaxAbs(rows, n, dims);
  } catch (Error const& e) {
    failure = e.what();
  }
  agreeOrThrow(comm, failure);
  double const total = comm.allreduce(static_cast<double>(n), comm::Op::Sum);
  if (total < 1.) throw Error("som: no rows to train on");

  TrainingState state;
  maxAbs = comm.allreduce(maxAbs, comm::Op::Max);
  state.exponent = fixedPointExponent(maxAbs, total);
  if (config.init == "pca") {
    if (total < 2.) throw Error("som: the PCA initialisation needs at least 2 rows");
    state.codebook = initialisePca(config, distributedPcaBasis(comm, rows, n, dims, maxAbs, total));
  } else {
    DataRange range = localDataRange(rows, n, dims);
    comm.allreduce(range.min, comm::Op::Min);
    comm.allreduce(range.max, comm::Op::Max);
    state.codebook = initialiseRandom(config, range);
  }
  return state;
}

void continueTraining(TrainingState& state, SomConfig const& config, comm::Comm const& comm,
                      float const* rows, std::size_t n, std::size_t dims,
                      std::function<void(TrainingState const&)> const& afterEpoch) {
  validateSomConfig(config);
  if (config.online) {
    if (comm.size() > 1)
      throw Error(
          "som: online training updates the map row by row and runs on one rank; "
          "use batch training (som.method: batch) or run with 1 rank");
    if (state.nextEpoch == 0) trainOnline(state.codebook, config, rows, n, dims);
    state.nextEpoch = config.epochs;
    return;
  }
  for (int epoch = state.nextEpoch; epoch < config.epochs; ++epoch) {
    ExactPartial partial = localEpochExact(state.codebook, rows, n, dims, state.exponent);
    comm.allreduce(partial.sums, comm::Op::Sum);
    comm.allreduce(partial.counts, comm::Op::Sum);
    // Counts are whole numbers (exact in double); the distances are summed exactly, so the
    // error history does not depend on how rows are split over ranks.
    double scalars[2] = {partial.topographicErrors, partial.rows};
    comm.allreduce(scalars, 2, comm::Op::Sum);
    partial.distanceSum =
        comm::exactTotal(comm, partial.distances.data(), partial.distances.size());
    partial.topographicErrors = scalars[0];
    partial.rows = scalars[1];
    applySharedEpoch(state.codebook, partialFromExact(partial, state.exponent), config, epoch,
                     comm);

    EpochRecord record;
    record.radius = epochRadius(config, epoch);
    record.quantisationError = partial.rows > 0. ? partial.distanceSum / partial.rows : 0.;
    record.topographicError = partial.rows > 0. ? partial.topographicErrors / partial.rows : 0.;
    state.history.push_back(record);
    state.nextEpoch = epoch + 1;
    if (afterEpoch) afterEpoch(state);
  }
}

Codebook trainDistributed(SomConfig const& config, comm::Comm const& comm, float const* rows,
                          std::size_t n, std::size_t dims) {
  TrainingState state = startTraining(config, comm, rows, n, dims);
  continueTraining(state, config, comm, rows, n, dims);
  return std::move(state.codebook);
}

MapEvaluation evaluateMap(Codebook const& codebook, comm::Comm const& comm, float const* rows,
                          std::size_t n, std::size_t dims, OutlierOptions const& options) {
  MapEvaluation out;
  int const nodes = codebook.nodes();
  out.bmu.assign(n, -1);
  out.second.assign(n, -1);
  std::vector<float> dist2(n), secondDist2(n);
  std::string failure;
  try {
    findBmus(codebook, rows, n, dims, out.bmu.data(), dist2.data(), out.second.data(),
             secondDist2.data());
  } catch (Error const& e) {
    failure = e.what();
  }
  agreeOrThrow(comm, failure);
  out.distance.resize(n);
  for (std::size_t i = 0; i < n; ++i) out.distance[i] = std::sqrt(dist2[i]);

  double sums[3] = {0., topographicErrorCount(codebook.grid, out.bmu, out.second),
                    static_cast<double>(n)};
  comm.allreduce(sums + 1, 2, comm::Op::Sum);
  std::vector<double> const distances(out.distance.begin(), out.distance.end());
  sums[0] = comm::exactTotal(comm, distances.data(), distances.size());  // rank-count free
  out.rows = sums[2];
  out.quantisationError = out.rows > 0. ? sums[0] / out.rows : 0.;
  out.topographicError = out.rows > 0. ? sums[1] / out.rows : 0.;

  // Outlier scores from distance histograms over the global range (they add over ranks).
  DistanceHistogram const histogram = reducedHistogram(comm, nodes, out.bmu, dist2, options.bins);
  std::vector<double> const medians = histogramMedians(histogram);
  out.hits = histogramHits(histogram);
  out.nodeMedian.assign(medians.begin(), medians.begin() + nodes);
  out.globalMedian = medians.back();
  out.distanceScore =
      outlierScores(out.bmu, dist2, medians, out.hits, histogram.range, options.minNodeRows);

  // Two views of how badly a row fits: its residual from the map's local surface and its
  // density factor against the hit nodes. Each becomes the fraction of all rows it exceeds.
  out.residual = manifoldResiduals(codebook, rows, n, out.bmu, options.neighbours);
  out.density = densityModel(codebook, out.hits, out.nodeMedian, options.mass * out.rows);
  out.densityFactor = densityFactors(codebook, out.density, rows, n);
  DistanceHistogram const residualHistogram = globalHistogram(comm, out.residual, options.bins);
  DistanceHistogram const densityHistogram = globalHistogram(comm, out.densityFactor, options.bins);
  out.residualMedian = histogramMedians(residualHistogram).back();
  out.densityMedian = histogramMedians(densityHistogram).back();
  HistogramFraction const residualFraction(residualHistogram, 0);
  HistogramFraction const densityFraction(densityHistogram, 0);
  out.score.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    out.score[i] = static_cast<float>(
        std::max(residualFraction(out.residual[i]), densityFraction(out.densityFactor[i])));
  out.sparseNode = sparseNodes(out.hits, options.sparseFraction);
  out.inSparseNode.resize(n);
  for (std::size_t i = 0; i < n; ++i) out.inSparseNode[i] = out.sparseNode[out.bmu[i]];
  out.uMatrix = uMatrix(codebook);
  return out;
}

std::vector<double> classHits(std::vector<int> const& bmu, std::vector<int> const& classOf,
                              int classes, int nodes, comm::Comm const& comm) {
  if (classOf.size() != bmu.size()) throw Error("som: one class per row is needed for class hits");
  std::vector<double> hits(static_cast<std::size_t>(classes) * nodes, 0.);
  for (std::size_t i = 0; i < bmu.size(); ++i)
    if (classOf[i] >= 0 && classOf[i] < classes && bmu[i] >= 0 && bmu[i] < nodes)
      hits[static_cast<std::size_t>(classOf[i]) * nodes + bmu[i]] += 1.;
  comm.allreduce(hits, comm::Op::Sum);
  return hits;
}

}  // namespace vocloud::som
