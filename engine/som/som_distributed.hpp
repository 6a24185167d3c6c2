#pragma once
// The distributed layer of the batch SOM: the serial steps of batch_som.hpp with the sync
// points added. Each rank holds a contiguous block of the rows:
//   initialise: data range (MIN/MAX allreduce) or PCA sums (allreduce) -> same codebook
//   per epoch:  localEpochExact (BMUs, fixed-point per-node sums) -> one allreduce of the
//               K x D sums, K counts and 3 scalars -> applyEpoch, identical on every rank
//   after:      BMUs, errors, hits, U-matrix and outlier scores from histograms that add
// The per-node sums are integers and the BMU search is partition-independent, so with a
// random initialisation the codebook is bitwise the same for any number of ranks and equal
// to trainSerial's. A PCA initialisation adds double sums over ranks, whose rounding can
// differ in the last bits between rank counts; the maps then agree to that rounding.
#include "comm/comm.hpp"
#include "comm/ranking.hpp"
#include "som/batch_som.hpp"
#include "som/som_density.hpp"
#include "som/som_init.hpp"
#include "som/som_outliers.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vocloud::som {

/// One epoch's measures, taken at its BMU search (before the epoch's update).
struct EpochRecord {
  double radius = 0.;
  double quantisationError = 0.;  ///< mean |x - w_bmu| over all rows
  double topographicError = 0.;   ///< fraction of rows whose two nearest nodes are not neighbours
};

/// Everything a training needs to continue after an epoch: what a checkpoint holds.
struct TrainingState {
  Codebook codebook;
  int nextEpoch = 0;                 ///< epochs done
  int exponent = 0;                  ///< fixed-point exponent of the epoch sums
  std::vector<EpochRecord> history;  ///< one per epoch done
};

/// The initial state: codebook per config.init from the rows of all ranks, the global
/// fixed-point exponent, no epochs done. Throws vocloud::Error when the ranks hold no rows
/// at all or a value is non-finite (on every rank, naming the rank). Collective over comm.
TrainingState startTraining(SomConfig const& config, comm::Comm const& comm, float const* rows,
                            std::size_t n, std::size_t dims);

/// The PCA basis of all ranks' rows (ranks hold consecutive blocks in rank order) for
/// init: pca, bitwise the same for any number of ranks: exact column sums (each value in
/// fixed point), then the centred scatter in fixed 256-row chunks by global row index
/// (comm::ExactScatter). maxAbs (largest |value|) and total (rows) are those of all ranks.
/// Throws vocloud::Error for more than 8192 dims. Collective over comm.
PcaBasis distributedPcaBasis(comm::Comm const& comm, float const* rows, std::size_t n,
                             std::size_t dims, double maxAbs, double total);

/// Runs the batch epochs state.nextEpoch .. config.epochs - 1, calling afterEpoch(state) on
/// every rank after each (e.g. to write a checkpoint). Collective over comm.
void continueTraining(TrainingState& state, SomConfig const& config, comm::Comm const& comm,
                      float const* rows, std::size_t n, std::size_t dims,
                      std::function<void(TrainingState const&)> const& afterEpoch = {});

/// startTraining + continueTraining; online training runs on one rank only (it is
/// sequential by nature) and throws vocloud::Error with more. Collective over comm.
Codebook trainDistributed(SomConfig const& config, comm::Comm const& comm, float const* rows,
                          std::size_t n, std::size_t dims);

/// A trained map applied to the data: per local row and, reduced over ranks, per node.
struct MapEvaluation {
  std::vector<int> bmu;              ///< local rows
  std::vector<int> second;           ///< local rows: second-best node (-1 on a 1-node map)
  std::vector<float> distance;       ///< local rows: |x - w_bmu|
  std::vector<float> distanceScore;  ///< local rows: distance / node median (som_outliers.hpp)
  std::vector<float> residual;       ///< local rows: manifold residual (som_outliers.hpp)
  std::vector<float> densityFactor;  ///< local rows: LOF against the map (som_density.hpp)
  std::vector<float> score;  ///< local rows: max of the residual's and the factor's percentile
  std::vector<std::uint8_t> inSparseNode;  ///< local rows
  std::vector<double> hits;                ///< per node, all rows
  std::vector<double> nodeMedian;          ///< per node: median distance of its rows (NaN: none)
  std::vector<std::uint8_t> sparseNode;    ///< per node
  std::vector<double> uMatrix;             ///< per node
  DensityModel density;                    ///< per node: hits, spreads, reach radii, densities
  double globalMedian = 0.;                ///< median distance of all rows
  double residualMedian = 0.;              ///< median manifold residual of all rows
  double densityMedian = 0.;               ///< median density factor of all rows
  double quantisationError = 0.;           ///< mean distance of all rows
  double topographicError = 0.;            ///< fraction of all rows
  double rows = 0.;                        ///< all rows
};

/// BMUs of the local rows, then quantisation and topographic errors, hits, U-matrix and
/// outlier scores of all rows. The distance scores equal outliersSerial's on the whole data
/// set; every reduction is of counts or of per-dimension sums. The outlier score of a row is
/// the larger of two fractions of all rows: those with a manifold residual at most its own
/// and those with a density factor at most its own (from histograms that add over ranks),
/// so a row extreme in either measure ranks high, and the score is the same for any number
/// of ranks.
/// Collective over comm.
MapEvaluation evaluateMap(Codebook const& codebook, comm::Comm const& comm, float const* rows,
                          std::size_t n, std::size_t dims, OutlierOptions const& options);

/// Hits per node of each class: [classes][nodes], reduced over ranks. classOf holds one
/// class index per local row (-1: no class, not counted). Collective over comm.
std::vector<double> classHits(std::vector<int> const& bmu, std::vector<int> const& classOf,
                              int classes, int nodes, comm::Comm const& comm);

using comm::RankedRow;
using comm::topScores;

}  // namespace vocloud::som
