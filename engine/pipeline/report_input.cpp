#include "pipeline/report_input.hpp"

#include "core/error.hpp"
#include "io/h5_store.hpp"
#include "io/provenance.hpp"
#include "preprocess/preprocess_config.hpp"
#include "preprocess/preprocess_recipe.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

namespace vocloud::pipeline {

namespace fs = std::filesystem;

namespace {

// The stage's summary from its stage.json, with the files of its folder.
report::StageSummary stageSummary(std::string const& root, std::string const& name) {
  report::StageSummary s;
  s.name = name;
  s.status = "computed";
  try {
    YAML::Node const node = YAML::LoadFile(root + "/" + name + "/stage.json");
    s.fingerprint = node["fingerprint"].as<std::string>("");
    s.summary = node["summary"].as<std::string>("");
    s.seconds = node["seconds"].as<double>(0);
    s.started = node["started"].as<std::string>("");
    s.ended = node["ended"].as<std::string>("");
  } catch (YAML::Exception const&) {
    s.status = "missing";
  }
  std::error_code error;
  for (auto const& entry : fs::directory_iterator(root + "/" + name, error))
    if (entry.is_regular_file() && entry.path().filename() != "stage.json")
      s.outputs.push_back(name + "/" + entry.path().filename().string());
  std::sort(s.outputs.begin(), s.outputs.end());
  return s;
}

}  // namespace

report::SpectralRecipe datasetRecipe(std::string const& datasetPath, bool& restFrame) {
  io::H5File const file = io::H5File::openSerial(datasetPath);
  config::Config const recorded =
      preprocess::recordedConfig(io::readProvenance(file).effectiveConfig, datasetPath);
  preprocess::PreprocessConfig const config = preprocess::preprocessConfigFrom(recorded);
  report::SpectralRecipe recipe;
  recipe.options = preprocess::spectralOptions(config);
  recipe.grid.wave = io::readSmall(file, "/wave");
  recipe.grid.logarithmic = config.logGrid;
  restFrame = config.restFrame;
  return recipe;
}

std::vector<std::string> reportInputs(config::Config const& config) {
  std::vector<std::string> inputs{"preprocess"};
  auto const& stages = config.getList("stages");
  for (char const* name : {"som", "forest", "predict"})
    if (std::find(stages.begin(), stages.end(), name) != stages.end()) inputs.push_back(name);
  return inputs;
}

report::ReportRun prepareReport(StageContext const& context) {
  report::ReportRun run;
  report::ReportInputs& in = run.inputs;
  in.experiment = context.config.getString("experiment");
  in.effectiveYaml = context.config.effectiveYaml();
  auto dir = [&](char const* name) {
    auto const it = context.inputDirs.find(name);
    return it == context.inputDirs.end() ? std::string() : it->second;
  };
  in.datasetPath = dir("preprocess") + "/dataset.h5";
  if (!dir("som").empty()) in.somPath = dir("som") + "/som.h5";
  if (!dir("forest").empty()) in.forestPath = dir("forest") + "/forest.h5";
  if (!dir("predict").empty()) in.candidatesPath = dir("predict") + "/candidates.h5";
  std::string const root = fs::path(context.finalDir).parent_path().string();
  for (auto const& name : context.config.getList("stages"))
    if (name != "report") in.stages.push_back(stageSummary(root, name));
  run.recipe = datasetRecipe(in.datasetPath, in.restFrame);
  run.outputDir = context.outputDir;
  run.bundleDir = report::findBundle();
  return run;
}

}  // namespace vocloud::pipeline
