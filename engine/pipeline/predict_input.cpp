#include "pipeline/predict_input.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "forest/forest_file.hpp"
#include "preprocess/pca.hpp"
#include "preprocess/preprocess_config.hpp"
#include "preprocess/preprocess_recipe.hpp"
#include "preprocess/preprocess_stage.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>

namespace vocloud::pipeline {

namespace fs = std::filesystem;

namespace {

/// The model's context on every rank (each reads the small file); the lowest failing
/// rank's message is what every rank reports. Collective over comm.
forest::ModelContext modelContext(std::string const& modelPath, comm::Comm const& comm) {
  forest::ModelContext context;
  comm::checkOnEveryRank(comm, [&] { context = forest::readModelContext(modelPath); });
  return context;
}

/// Refuses a data set whose recorded recipe differs from the model's, naming the first key.
/// Data sets or models that record no recipe are left to predict's grid checks.
void checkRecipe(forest::ModelContext const& model, std::string const& modelPath,
                 std::string const& datasetPath, core::Log const& log) {
  if (model.recipe.effectiveConfig.empty()) {
    log.info("predict: " + modelPath +
             " records no preprocessing recipe; only the grid is checked");
    return;
  }
  forest::ModelRecipe const data = forest::readDatasetRecipe(datasetPath);
  if (data.effectiveConfig.empty()) {
    log.info("predict: " + datasetPath + " records no configuration; only the grid is checked");
    return;
  }
  config::Config const ours = preprocess::recordedConfig(model.recipe.effectiveConfig, modelPath);
  config::Config const theirs = preprocess::recordedConfig(data.effectiveConfig, datasetPath);
  if (auto const diff = preprocess::firstRecipeDifference(ours, theirs, model.features))
    throw UsageError("predict: " + datasetPath + " was made with " + diff->key + "=" +
                     diff->datasetValue + ", the model " + modelPath + " with " + diff->modelValue +
                     ": preprocess it with the model's recipe, or give predict the spectra "
                     "(predict.input: directory)");
}

/// For a PCA model, the projection of flux rows on the basis the model was trained on (a
/// basis fitted on other rows would give other features); empty otherwise.
forest::FeatureMap pcaFeatures(forest::ModelContext const& model) {
  if (model.features != "pca" || model.recipe.pcaMean.empty()) return {};
  auto const basis = std::make_shared<preprocess::PcaModel const>(
      preprocess::pcaBasis(model.recipe.pcaMean, model.recipe.pcaComponents));
  forest::FeatureMap map;
  map.fluxDims = basis->dims;
  map.map = [basis](float const* flux, std::size_t n) {
    std::vector<float> projections(n * basis->k()), errors(n);
    preprocess::pcaProject(*basis, flux, n, projections.data(), errors.data());
    return projections;
  };
  return map;
}

/// Preprocesses predict.bok_dir (a base of knowledge, or a folder of spectra listed into a
/// catalog here) with the model's recipe into the stage's directory; returns the data set.
std::string preprocessWithRecipe(StageContext& context, forest::PredictConfig const& config,
                                 forest::ModelContext const& model, std::string const& modelPath) {
  if (model.recipe.effectiveConfig.empty())
    throw UsageError("predict: the model " + modelPath +
                     " records no preprocessing recipe (it was trained before models kept one): "
                     "preprocess the spectra as it was trained and use predict.input: file");
  std::string bokDir = config.bokDir;
  if (!fs::exists(bokDir + "/catalog.csv")) {
    bokDir = context.outputDir + "/folder";
    comm::onRoot(context.comm, "predict: cannot list " + config.bokDir, [&] {
      std::uint64_t const files = preprocess::writeFolderCatalog(config.bokDir, bokDir);
      context.log.info("predict: " + config.bokDir + " has no catalog.csv; its " +
                       std::to_string(files) + " files are listed in " + bokDir);
    });
  }
  config::Config const recipe =
      preprocess::recipeExperiment(model.recipe.effectiveConfig, modelPath, bokDir);
  preprocess::PreprocessRun run;
  run.bokDir = bokDir;
  run.outputDir = context.outputDir;
  run.fingerprint = context.fingerprint;
  run.provenance = recipe.effectiveYaml();
  run.fresh = true;
  context.log.info("predict: preprocessing " + config.bokDir + " with the recipe of " + modelPath);
  auto const result = preprocess::runPreprocess(preprocess::preprocessConfigFrom(recipe), run,
                                                context.comm, context.log, context.timers);
  context.log.info("predict: " + preprocess::describe(result, context.outputDir + "/dataset.h5"));
  return context.outputDir + "/dataset.h5";
}

}  // namespace

std::string predictModelPath(StageContext const& context, forest::PredictConfig const& config) {
  return config.modelFile.empty() ? context.inputDirs.at("forest") + "/forest.h5"
                                  : config.modelFile;
}

forest::PredictRun preparePredict(StageContext& context, forest::PredictConfig const& config) {
  forest::PredictRun run;
  run.modelPath = predictModelPath(context, config);
  run.outputDir = context.outputDir;
  run.provenance = context.config.effectiveYaml();
  run.fingerprint = context.fingerprint;
  forest::ModelContext const model = modelContext(run.modelPath, context.comm);
  if (config.data.input == "directory") {
    run.datasetPath = preprocessWithRecipe(context, config, model, run.modelPath);
  } else {
    run.datasetPath = config.data.input == "file"
                          ? config.data.datasetFile
                          : context.inputDirs.at(config.data.input) + "/dataset.h5";
    comm::checkOnEveryRank(context.comm,
                           [&] { checkRecipe(model, run.modelPath, run.datasetPath, context.log); });
  }
  run.features = pcaFeatures(model);
  return run;
}

std::string predictInputFingerprint(std::string const& bokDir) {
  if (fs::exists(bokDir + "/catalog.csv")) return core::sha256File(bokDir + "/catalog.csv");
  std::vector<std::string> entries;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(bokDir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file())
      entries.push_back(it->path().string() + " " + std::to_string(it->file_size()));
  std::sort(entries.begin(), entries.end());
  std::string text;
  for (auto const& entry : entries) text += entry + "\n";
  return core::sha256Hex(text);
}

}  // namespace vocloud::pipeline
