#include "pipeline/report_input.hpp"

#include "core/error.hpp"
#include "io/h5_store.hpp"
#include "io/provenance.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/stage_dirs.hpp"
#include "pipeline/sweep.hpp"
#include "pipeline/variants.hpp"
#include "preprocess/preprocess_config.hpp"
#include "preprocess/preprocess_recipe.hpp"

#include <yaml-cpp/yaml.h>

#include "core/hash.hpp"

#include <algorithm>
#include <filesystem>
#include <tuple>

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

// The kept variants of every stage but the report, as `vocloud runs` lists them.
std::vector<report::VariantSummary> keptVariants(std::string const& root) {
  std::vector<report::VariantSummary> out;
  for (auto const& v : listVariants(root, stageCatalog())) {
    if (v.stage == "report") continue;
    report::VariantSummary s;
    s.stage = v.stage;
    s.name = v.name;
    s.fingerprint = v.fingerprint;
    s.dir = v.dir;
    s.ended = v.ended;
    s.summary = v.summary;
    s.latest = v.latest;
    s.differing = v.differing;
    s.figures = v.figures;
    s.bytes = static_cast<double>(v.bytes);
    out.push_back(std::move(s));
  }
  return out;
}

// The sweep's ranked summary (as summary.json ranks it), when a sweep left records.
std::optional<report::SweepSummary> sweepSummary(config::Config const& config) {
  std::string const dir = sweepDir(config);
  if (!fs::is_directory(dir)) return std::nullopt;
  auto const records = readSweepRecords(dir);
  if (records.empty()) return std::nullopt;
  std::string const rankBy = config.getString("sweep.rank_by");
  report::SweepSummary summary;
  std::tie(summary.rankBy, summary.largerIsBetter) = rankingFigure(records, rankBy);
  auto const ranked = rankRecords(records, rankBy);
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    report::SweepRow row;
    row.rank = static_cast<std::int64_t>(i + 1);
    row.variant = ranked[i].index;
    row.overrides = ranked[i].label;
    row.figures = ranked[i].figures;
    for (auto const& o : ranked[i].outcomes) row.stages[o.name] = variantName(o.fingerprint);
    summary.rows.push_back(std::move(row));
  }
  return summary;
}

}  // namespace

std::string comparisonFingerprint(config::Config const& config) {
  std::string text;
  std::string const root = experimentDir(config);
  for (auto const& v : keptVariants(root)) text += v.stage + "/" + v.name + "\n";
  std::string const summary = sweepDir(config) + "/summary.json";
  if (fs::exists(summary)) text += core::sha256File(summary);
  return text;
}

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
  in.variants = keptVariants(experimentDir(context.config));
  in.sweep = sweepSummary(context.config);
  run.recipe = datasetRecipe(in.datasetPath, in.restFrame);
  run.outputDir = context.outputDir;
  run.bundleDir = report::findBundle();
  return run;
}

}  // namespace vocloud::pipeline
