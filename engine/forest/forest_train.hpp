#pragma once
// Training a random forest over all ranks: the entry point of the forest stage.
//
//   ForestShard shard{x, rows, features, globalOffset, labels, classes, inTraining};
//   ForestResult r = trainForest(config, comm, shard);   // collective
//
// Each rank passes its contiguous block of global rows. The result's model is identical on
// every rank and bitwise the same for any number of ranks at a fixed seed (every draw is a
// hash of the seed, tree, global row or node path; every decision is taken on integer
// counts summed over ranks). Out-of-bag sums are per local row. For cross-validation, pass
// inTraining = 1 for the rows outside the held-out fold: the other rows take no part in the
// binning, the trees or the OOB figures, and are predicted with predictProba.
#include "comm/comm.hpp"
#include "forest/forest_config.hpp"
#include "forest/forest_model.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vocloud::forest {

/// One rank's rows. Rows with a negative label, or with inTraining[i] == 0, are not used.
struct ForestShard {
  float const* x = nullptr;  ///< rows x features, row-major
  std::size_t rows = 0;
  int features = 0;                          ///< the same on every rank
  std::uint64_t globalOffset = 0;            ///< global index of local row 0
  int const* labels = nullptr;               ///< per row, in [0, classes) or negative (unlabelled)
  int classes = 0;                           ///< global number of classes, [1, 256]
  std::uint8_t const* inTraining = nullptr;  ///< per row, 0/1; null: every labelled row
};

/// One rank's rows already binned (binFeatureMajor with the edges passed alongside): what
/// the forest stage keeps in memory, one byte per feature value.
struct BinnedShard {
  std::uint8_t const* bins = nullptr;  ///< features x rows, feature-major
  std::size_t rows = 0;
  int features = 0;
  std::uint64_t globalOffset = 0;
  int const* labels = nullptr;
  int classes = 0;
  std::uint8_t const* inTraining = nullptr;
};

struct ForestResult {
  ForestModel model;
  /// Per local row x class: the sum of the leaf distributions of the trees the row was out
  /// of bag in (Poisson weight 0); zero for rows not in training or without bootstrap.
  std::vector<double> oobProbabilitySums;
  std::vector<std::uint32_t> oobTrees;  ///< per local row, trees it was out of bag in
  std::uint64_t oobRows = 0;            ///< global training rows out of bag in >= 1 tree
  /// Share of those rows whose largest OOB sum is not their label; NaN when oobRows is 0.
  double oobError = 0.;
  std::vector<std::uint64_t> classCounts;  ///< global training rows per class
  std::vector<double> classWeights;        ///< weights the impurity used per class
  /// Mean decrease in impurity per feature: each tree's decreases normalised to sum 1,
  /// averaged over trees, normalised to sum 1 (scikit-learn's feature_importances_).
  std::vector<double> impurityImportance;
  /// Mean decrease in OOB accuracy per feature when its values are replaced by draws from
  /// its global marginal (see permutedBin); empty when bootstrap or the option is off.
  std::vector<double> permutationImportance;
};

/// Bins the rows (collective quantiles), grows config.trees trees and computes the OOB
/// figures and importances. Throws vocloud::Error on every rank for an invalid config or
/// inconsistent shard (a label out of range, features differing between ranks).
/// Collective over comm.
ForestResult trainForest(ForestConfig const& config, comm::Comm const& comm,
                         ForestShard const& shard);

/// The same on rows binned with `edges` (the model keeps them; config.bins is not used).
/// Cross-validation bins once and trains every fold on the same bytes. Collective over comm.
ForestResult trainForestBinned(ForestConfig const& config, comm::Comm const& comm,
                               BinnedShard const& shard, BinEdges edges);

/// Class probabilities (rows.size() x classes) of the listed local rows of binned data
/// (features x count, feature-major, binned with model.edges): the same numbers as
/// predictProba on the float rows, without them.
std::vector<double> predictProbaBinned(ForestModel const& model, std::uint8_t const* bins,
                                       std::size_t count, std::vector<std::size_t> const& rows);

/// The bootstrap weight of global row `row` in tree `tree` (0: out of bag), as training
/// draws it: Poisson(sampleFraction) keyed by (seed, tree, row), or 1 without bootstrap.
std::uint32_t bootstrapWeight(ForestConfig const& config, int tree, std::uint64_t row);

/// The bin that OOB permutation importance gives feature f of global row `row` in tree
/// `tree`: a draw from the feature's global bin distribution over the training rows
/// (`cumulative[b]` = training rows with bin <= b), keyed by (seed, tree, f, row). This is
/// a permutation with replacement: it breaks the feature's link to the label and keeps its
/// marginal, and it needs no row of another rank, so it is the same for any partition.
int permutedBin(std::uint64_t seed, int tree, int feature, std::uint64_t row,
                std::uint64_t const* cumulative, int bins);

}  // namespace vocloud::forest
