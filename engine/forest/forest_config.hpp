#pragma once
// Parameters of a random forest and its training, as a plain struct (defaults follow
// scikit-learn's RandomForestClassifier where it has them), and their validation.
#include <cstdint>

namespace vocloud::forest {

enum class MaxFeatures { Sqrt, Log2, Fraction, Count, All };
enum class Criterion { Gini, Entropy };
enum class ClassWeight { None, Balanced };

/// Everything that shapes a forest. Two runs with equal configs and equal data give
/// bitwise identical forests whatever the number of ranks.
struct ForestConfig {
  int trees = 100;
  MaxFeatures maxFeatures = MaxFeatures::Sqrt;
  double maxFeaturesFraction = 1.0;  ///< MaxFeatures::Fraction: share of the features, (0, 1]
  int maxFeaturesCount = 1;          ///< MaxFeatures::Count: features per split, [1, D]
  int maxDepth = 0;                  ///< 0: unlimited; the root has depth 0
  int minSamplesLeaf = 1;            ///< in bootstrap samples (sum of Poisson weights)
  int minSamplesSplit = 2;           ///< in bootstrap samples (sum of Poisson weights)
  Criterion criterion = Criterion::Gini;
  ClassWeight classWeight = ClassWeight::None;
  bool bootstrap = true;        ///< Poisson(sampleFraction) weights; off: every row weight 1
  double sampleFraction = 1.0;  ///< mean Poisson weight of a row, (0, 4]
  int bins = 256;               ///< quantile bins per feature, [2, 256]
  std::uint64_t seed = 0;
  bool permutationImportance = true;  ///< OOB permutation importance (needs bootstrap)
  /// Nodes with fewer bootstrap samples than this (global) are finished on one rank. A
  /// speed knob only: the forest does not depend on it (tests check that).
  std::uint64_t localNodeSamples = 8192;
  /// Upper bound of the bytes of rows one batch of the small-node phase gathers over all
  /// ranks (not a YAML key). A memory knob only: tests set it small to run many batches.
  std::uint64_t gatherBatchBytes = std::uint64_t(64) << 20;
};

/// Throws vocloud::Error ("forest: <parameter> ...") naming the first invalid parameter.
void validateForestConfig(ForestConfig const& config);

/// Features examined per split for `features` features (at least 1, at most features):
/// floor(sqrt D), floor(log2 D), floor(fraction D) or the count, as scikit-learn.
int featuresPerSplit(ForestConfig const& config, int features);

}  // namespace vocloud::forest
