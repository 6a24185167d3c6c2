#pragma once
// `vocloud predict`: applies a trained forest (forest.h5) to a data set made with the
// model's preprocessing recipe and writes the rows ranked by the probability of a chosen
// class, as CSV, VOTable and HDF5 (the candidates for new members of that class). Rows the
// forest was trained on show their out-of-fold probability, not the in-sample one.
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vocloud::forest {

/// The `predict` section of an experiment.
struct PredictConfig {
  config::DatasetInput data;  ///< the data set to classify (preprocess | file | directory)
  std::string bokDir;         ///< input directory: a base of knowledge or a folder of spectra
  std::string modelFile;      ///< empty: the forest stage's forest.h5
  std::string targetClass;    ///< the class whose members are sought (required)
  std::string rows = "all";   ///< all | unlabelled: which rows are candidates
  std::uint64_t top = 1000;   ///< candidates listed (0: every candidate row)
};

/// Reads the `predict` section; throws vocloud::UsageError naming the key of a bad value.
PredictConfig predictConfigFrom(config::Config const& config);

/// Turns rows of flux into rows of the model's features (e.g. their projection on the
/// model's PCA basis), for data sets whose stored features were not made with the model's.
struct FeatureMap {
  std::uint64_t fluxDims = 0;  ///< values per flux row the map takes
  /// `n` rows of fluxDims values -> `n` rows of the model's features.
  std::function<std::vector<float>(float const* flux, std::size_t n)> map;
};

struct PredictRun {
  std::string datasetPath;
  std::string modelPath;
  std::string outputDir;
  std::string provenance;   ///< effective YAML
  std::string fingerprint;  ///< the stage's fingerprint
  FeatureMap features;  ///< empty map: the data set's own rows of the model's features
};

struct PredictResult {
  std::uint64_t rows = 0;
  std::uint64_t candidates = 0;         ///< rows listed
  std::uint64_t predictedAsTarget = 0;  ///< rows whose most probable class is the target
  std::string targetClass;
};

/// Predicts every row, ranks the candidates and writes candidates.{csv,vot,h5} and
/// predictions.h5 (class probabilities of every row). When the data set is the one the
/// model was trained on (same fingerprint), its training rows are ranked and shown by their
/// out-of-fold (without folds: out-of-bag) probabilities. Throws vocloud::UsageError when
/// the data set's features, dimension or wavelength grid differ from the model's.
/// Collective over comm.
PredictResult runPredict(PredictConfig const& config, PredictRun const& run, comm::Comm const& comm,
                         core::Log const& log, core::Timers& timers);

/// One-line summary.
std::string describe(PredictResult const& result, std::string const& dir);

}  // namespace vocloud::forest
