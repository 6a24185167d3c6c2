#include "forest/forest_config.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace vocloud::forest {

namespace {
void require(bool ok, std::string const& message) {
  if (!ok) throw Error("forest: " + message);
}
}  // namespace

void validateForestConfig(ForestConfig const& c) {
  require(c.trees >= 1, "trees must be at least 1 (got " + std::to_string(c.trees) + ")");
  if (c.maxFeatures == MaxFeatures::Fraction)
    require(c.maxFeaturesFraction > 0. && c.maxFeaturesFraction <= 1.,
            "max_features fraction must be in (0, 1] (got " +
                std::to_string(c.maxFeaturesFraction) + ")");
  if (c.maxFeatures == MaxFeatures::Count)
    require(c.maxFeaturesCount >= 1, "max_features count must be at least 1 (got " +
                                         std::to_string(c.maxFeaturesCount) + ")");
  require(c.maxDepth >= 0,
          "max_depth must be 0 (unlimited) or positive (got " + std::to_string(c.maxDepth) + ")");
  require(c.minSamplesLeaf >= 1,
          "min_samples_leaf must be at least 1 (got " + std::to_string(c.minSamplesLeaf) + ")");
  require(c.minSamplesSplit >= 2,
          "min_samples_split must be at least 2 (got " + std::to_string(c.minSamplesSplit) + ")");
  require(c.sampleFraction > 0. && c.sampleFraction <= 4.,
          "sample_fraction must be in (0, 4] (got " + std::to_string(c.sampleFraction) + ")");
  require(c.bins >= 2 && c.bins <= 256,
          "bins must be in [2, 256] (got " + std::to_string(c.bins) + ")");
  require(c.localNodeSamples >= 1, "local_node_samples must be at least 1");
  require(c.gatherBatchBytes >= 1, "the small-node batch must hold at least one byte");
}

int featuresPerSplit(ForestConfig const& c, int features) {
  if (features < 1) throw Error("forest: no features to split on");
  double m = features;
  switch (c.maxFeatures) {
    case MaxFeatures::Sqrt:
      m = std::floor(std::sqrt(double(features)));
      break;
    case MaxFeatures::Log2:
      m = std::floor(std::log2(double(features)));
      break;
    case MaxFeatures::Fraction:
      m = std::floor(c.maxFeaturesFraction * features);
      break;
    case MaxFeatures::Count:
      m = c.maxFeaturesCount;
      break;
    case MaxFeatures::All:
      m = features;
      break;
  }
  return static_cast<int>(std::clamp(m, 1., double(features)));
}

}  // namespace vocloud::forest
