#pragma once
// `vocloud predict`: applies a trained forest (forest.h5) to a data set preprocessed onto
// the same grid and writes the rows ranked by the probability of a chosen class, as CSV,
// VOTable and HDF5 (the candidates for new members of that class).
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"

#include <cstdint>
#include <string>

namespace vocloud::forest {

/// The `predict` section of an experiment.
struct PredictConfig {
  config::DatasetInput data;  ///< the data set to classify (features: the model's)
  std::string modelFile;      ///< empty: the forest stage's forest.h5
  std::string targetClass;    ///< the class whose members are sought (required)
  std::string rows = "all";   ///< all | unlabelled: which rows are candidates
  std::uint64_t top = 1000;   ///< candidates listed (0: every candidate row)
};

/// Reads the `predict` section; throws vocloud::UsageError naming the key of a bad value.
PredictConfig predictConfigFrom(config::Config const& config);

struct PredictRun {
  std::string datasetPath;
  std::string modelPath;
  std::string outputDir;
  std::string provenance;
};

struct PredictResult {
  std::uint64_t rows = 0;
  std::uint64_t candidates = 0;         ///< rows listed
  std::uint64_t predictedAsTarget = 0;  ///< rows whose most probable class is the target
  std::string targetClass;
};

/// Predicts every row, ranks the candidates and writes candidates.{csv,vot,h5} and
/// predictions.h5 (class probabilities of every row). Throws vocloud::UsageError when the
/// data set's features, dimension or wavelength grid differ from the model's.
/// Collective over comm.
PredictResult runPredict(PredictConfig const& config, PredictRun const& run, comm::Comm const& comm,
                         core::Log const& log, core::Timers& timers);

/// One-line summary.
std::string describe(PredictResult const& result, std::string const& dir);

}  // namespace vocloud::forest
