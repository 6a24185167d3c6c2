#pragma once
// Serial batch self-organising map, split into the steps a distributed layer needs:
//   codebook = initialise...(config, globally reduced range or PCA basis)
//   for epoch: partial = localEpoch(codebook, my rows)      // BMUs, per-node sums and counts
//              reduced = sum of every rank's partial         // one allreduce
//              applyEpoch(codebook, reduced, config, epoch)  // identical on every rank
// trainSerial runs the same steps on one process's rows (initialisation: som_init.hpp). Each
// epoch's update is
//   W_k = sum_j h(k, j) S_j / sum_j h(k, j) N_j
// with S_j, N_j the sum and number of the rows whose BMU is node j and h the neighbourhood
// at the epoch's radius; a node whose denominator is not positive keeps its weights.
// The BMU search runs on Kokkos' default host execution space: Kokkos must be initialised.
#include "som/neighbourhood.hpp"
#include "som/som_grid.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::som {

/// Parameters of a map and its training (defaults as somoclu's where it has them).
struct SomConfig {
  SomGrid grid;
  std::string neighbourhood = "gaussian";  ///< gaussian | bubble | cut_gaussian | mexican_hat
  std::string cooling = "linear";          ///< linear | exponential, of radius and scale
  double radius0 = -1.;  ///< radius at the first epoch (node spacings); < 0: max(rows, cols) / 2
  double radiusN = 1.;   ///< radius at the last epoch
  int epochs = 10;
  std::string init = "random";  ///< random | pca
  std::uint64_t seed = 0;       ///< random initialisation and online row order
  bool online = false;          ///< online (per-row) updates instead of batch epochs
  double scale0 = 0.1;          ///< online learning rate at the first epoch
  double scaleN = 0.01;         ///< online learning rate at the last epoch
};

/// Throws vocloud::Error ("som: ...") for an invalid grid, epochs < 1, an unknown
/// neighbourhood, cooling or init, a non-finite radius or negative radiusN, non-positive
/// radii with exponential cooling, or (online) learning rates outside (0, 1].
void validateSomConfig(SomConfig const& config);

/// The neighbourhood radius (node spacings) of epoch `epoch` (0-based).
double epochRadius(SomConfig const& config, int epoch);

/// The online learning rate of epoch `epoch` (0-based).
double epochScale(SomConfig const& config, int epoch);

/// The weights of a map: node k's vector is weights[k * dims .. (k + 1) * dims).
struct Codebook {
  SomGrid grid;
  std::size_t dims = 0;
  std::vector<float> weights;  ///< [nodes][dims], row-major
  int nodes() const { return nodeCount(grid); }
  float const* node(int k) const { return weights.data() + static_cast<std::size_t>(k) * dims; }
};

/// BMUs of n rows against a codebook (the host kernel): bmu, dist2 (squared distance) and,
/// when `second` and `secondDist2` are both non-null, the second-best node and its squared
/// distance. Throws vocloud::Error naming the local row index of a row with non-finite values.
void findBmus(Codebook const& codebook, float const* rows, std::size_t n, std::size_t dims,
              int* bmu, float* dist2, int* second = nullptr, float* secondDist2 = nullptr);

/// What one rank contributes to an epoch; every member is summed over ranks.
struct EpochPartial {
  std::vector<double> sums;    ///< [nodes][dims], sum of the rows whose BMU is the node
  std::vector<double> counts;  ///< [nodes], their number
  double distanceSum = 0.;     ///< sum over rows of |x - w_bmu| (quantisation error * rows)
  double rows = 0.;            ///< rows seen
};

/// BMUs of n local rows against the codebook (host kernel), their per-node sums and counts
/// (double) and the sum of their quantisation errors. Throws vocloud::Error when dims does
/// not match the codebook or a row has non-finite values.
EpochPartial localEpoch(Codebook const& codebook, float const* rows, std::size_t n,
                        std::size_t dims);

/// The exponent q of the fixed-point epoch sums (localEpochExact): the largest q with
/// maxAbs 2^q (rows + 1) <= 2^60, so no node's sum of rounded values can overflow 64 bits.
/// maxAbs (largest |value|) and rows are those of the whole data set, reduced over ranks,
/// so every rank scales alike; at 10^6 rows of values near 1 the quantum 2^-q is about
/// 1e-12, far below the float resolution of the data. 0 when maxAbs is 0.
int fixedPointExponent(double maxAbs, double rows);

/// What one rank contributes to an epoch, in exact arithmetic: per-node sums of the rows
/// scaled by 2^exponent and rounded to integers (kernels::accumulateByNodeFixed) and
/// per-node counts. Integer sums are the same for any order of addition, so the map does
/// not depend on how rows are split over ranks (the BMU search is partition-independent
/// too: kernels/som_bmu.hpp).
struct ExactPartial {
  std::vector<std::int64_t> sums;    ///< [nodes][dims]
  std::vector<std::int64_t> counts;  ///< [nodes]
  double distanceSum = 0.;           ///< sum over rows of |x - w_bmu| (before the update)
  std::vector<double> distances;     ///< |x - w_bmu| of each row, for comm::exactTotal
  double topographicErrors = 0.;     ///< rows whose two nearest nodes are not neighbours
  double rows = 0.;
};

/// Largest |value| of n rows of `dims` floats (0 for none). Throws vocloud::Error naming the
/// local row of a non-finite value.
double localMaxAbs(float const* rows, std::size_t n, std::size_t dims);

/// BMUs (and second BMUs, for the topographic error) of n local rows against the
/// codebook, their per-node fixed-point sums at `exponent` and counts.
ExactPartial localEpochExact(Codebook const& codebook, float const* rows, std::size_t n,
                             std::size_t dims, int exponent);

/// The reduced exact partial as applyEpoch takes it: sums scaled back by 2^-exponent.
EpochPartial partialFromExact(ExactPartial const& exact, int exponent);

/// into += from, member by member (what an allreduce with SUM does). Throws on a shape
/// mismatch.
void addPartial(EpochPartial& into, EpochPartial const& from);

/// Batch update of epoch `epoch` from the partial summed over all rows:
/// W_k = sum_j h(k, j) S_j / sum_j h(k, j) N_j with h the configured neighbourhood at
/// epochRadius(config, epoch); nodes whose denominator is not positive keep their weights.
/// Cost O(K * K_hit * D) with K_hit the nodes that have rows. Deterministic: the same inputs
/// give the same codebook on every rank.
void applyEpoch(Codebook& codebook, EpochPartial const& reduced, SomConfig const& config,
                int epoch);

/// Nodes per block of the neighbourhood matrix in applyEpoch (bounds its memory to
/// kApplyBlockNodes x K doubles whatever the map size); blocks start at multiples of it from
/// firstNode.
constexpr int kApplyBlockNodes = 256;

/// applyEpoch for the nodes [firstNode, endNode) only; the others are left as they are. A
/// node's update depends only on the reduced partial, so ranks may each update a slice of
/// the nodes and exchange the slices (allgather) when the K x K_hit x D smoothing of a large
/// map outweighs the BMU search: the result is the same as applyEpoch on every rank.
void applyEpochRange(Codebook& codebook, EpochPartial const& reduced, SomConfig const& config,
                     int epoch, int firstNode, int endNode);

/// Trains a map on n rows on one process: initialisation per config.init, then
/// config.epochs batch epochs (localEpochExact + applyEpoch, the same steps and arithmetic
/// as the distributed layer, so a distributed run gives this codebook bit for bit), or the online
/// variant when config.online. Throws vocloud::Error for an invalid config or data.
Codebook trainSerial(SomConfig const& config, float const* rows, std::size_t n, std::size_t dims);

/// Online training from an initial codebook: each epoch visits the rows in an order drawn
/// from (config.seed, epoch) and moves every node towards the row,
/// w_k += scale h(k, bmu) (x - w_k), with the epoch's radius and scale. For small data sets
/// on one process (the updates are sequential by nature).
void trainOnline(Codebook& codebook, SomConfig const& config, float const* rows, std::size_t n,
                 std::size_t dims);

}  // namespace vocloud::som
