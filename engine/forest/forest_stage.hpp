#pragma once
// The forest stage: k-fold stratified cross-validation of a random forest on the labelled
// rows of dataset.h5 (out-of-fold predictions and per-fold metrics), then one forest on all
// labelled rows (OOB error, importances), written to forest.h5 for `vocloud predict`.
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"
#include "forest/forest_config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::forest {

/// The `forest` section of an experiment.
struct ForestStageConfig {
  ForestConfig forest;
  config::DatasetInput data;
  int folds = 5;        ///< 0: no cross-validation
  std::string groupBy;  ///< rows with one value of this column share a fold ("": none)
};

/// Reads the `forest` section; throws vocloud::UsageError naming the key of a bad value.
ForestStageConfig forestStageConfigFrom(config::Config const& config);

/// Parses max_features: sqrt, log2, all, a fraction in (0, 1) or a count >= 1.
void parseMaxFeatures(std::string const& text, ForestConfig& config);

struct ForestStageRun {
  std::string datasetPath;
  std::string outputDir;
  std::string fingerprint;
  std::string provenance;
};

struct ForestStageResult {
  std::uint64_t rows = 0, labelled = 0, dims = 0;
  std::vector<std::string> classes;
  int folds = 0;
  double accuracyMean = 0., accuracySd = 0., macroF1Mean = 0., macroF1Sd = 0.;
  double macroAucMean = 0.;
  double oobError = 0.;
  double fitSeconds = 0.;  ///< the final forest on all labelled rows
};

/// Cross-validates, trains and writes `run.outputDir`/forest.h5. Collective over comm.
ForestStageResult runForestStage(ForestStageConfig const& config, ForestStageRun const& run,
                                 comm::Comm const& comm, core::Log const& log,
                                 core::Timers& timers);

/// One-line summary.
std::string describe(ForestStageResult const& result, std::string const& path);

}  // namespace vocloud::forest
