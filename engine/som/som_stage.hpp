#pragma once
// The som stage: reads each rank's block of rows of dataset.h5 (/flux or a feature set),
// trains the distributed map with a checkpoint after every few epochs, evaluates it and
// writes som.h5 collectively (plus somoclu's .wts/.bm/.umx text files and outliers.csv).
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"
#include "som/batch_som.hpp"
#include "som/som_outliers.hpp"

#include <cstdint>
#include <string>

namespace vocloud::som {

/// The `som` section of an experiment.
struct SomStageConfig {
  SomConfig map;
  config::DatasetInput data;
  int checkpointEvery = 1;         ///< epochs between checkpoints (0: none)
  std::size_t outlierList = 1000;  ///< rows in the ranked outlier list
  OutlierOptions outliers;
  bool somocluFiles = true;
};

/// Reads and checks the `som` section; throws vocloud::UsageError naming the key for an
/// invalid combination (the map parameters through validateSomConfig).
SomStageConfig somStageConfigFrom(config::Config const& config);

struct SomRun {
  std::string datasetPath;  ///< dataset.h5 to train on
  std::string outputDir;    ///< where som.h5 and the text files go
  std::string fingerprint;  ///< a checkpoint is only resumed by a run with the same one
  std::string provenance;   ///< effective configuration, stored as an attribute
  bool resume = false;      ///< --resume: continuing a checkpoint is required
  bool fresh = false;       ///< --force: ignore any checkpoint
};

struct SomResult {
  std::uint64_t rows = 0;
  std::uint64_t dims = 0;
  int nodes = 0;
  int epochs = 0;
  int resumedAfterEpoch = 0;  ///< epochs taken from a checkpoint (0: none)
  double quantisationError = 0.;
  double topographicError = 0.;
  std::uint64_t sparseNodes = 0;
  std::uint64_t listedOutliers = 0;
};

/// Trains and evaluates the map and writes `run.outputDir`/som.h5 (+ text files).
/// Collective over comm.
SomResult runSom(SomStageConfig const& config, SomRun const& run, comm::Comm const& comm,
                 core::Log const& log, core::Timers& timers);

/// One-line summary.
std::string describe(SomResult const& result, std::string const& somPath);

}  // namespace vocloud::som
