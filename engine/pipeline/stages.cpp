// The stage catalog: adapts each concern's entry point to the pipeline.
#include "acquire/acquire_stage.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "forest/forest_stage.hpp"
#include "forest/predict_stage.hpp"
#include "pipeline/input_fingerprint.hpp"
#include "pipeline/predict_input.hpp"
#include "pipeline/report_input.hpp"
#include "pipeline/stage.hpp"
#include "preprocess/preprocess_stage.hpp"
#include "som/som_stage.hpp"
#include "synth/synth_stage.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

namespace vocloud::pipeline {

namespace {

/// A stage that reads a data set named by `<section>.input`: the output of the stage of
/// that name, or (input: file) `<section>.dataset_file`, which then counts in the
/// fingerprint by its content.
void readsDataset(StageDef& stage, std::string const& section) {
  stage.inputsFor = [section](config::Config const& config) {
    std::string const input = config.getString(section + ".input");
    return input == "file" ? std::vector<std::string>{} : std::vector<std::string>{input};
  };
  stage.extraFingerprint = [section](FingerprintContext const& context) {
    config::DatasetInput const data = config::datasetInputFrom(context.config, section, false);
    return data.input == "file" ? core::sha256File(data.datasetFile) : std::string();
  };
}

/// Such a stage's dataset_file must exist when it reads one.
void checkDatasetFile(config::Config const& config, std::string const& section) {
  if (config::datasetInputFrom(config, section, false).input == "file")
    config::requireExistingPath(config, section + ".dataset_file", config::PathKind::File);
}

/// The files acquire reads from disk must exist (a local glob may match nothing yet: the
/// plan says so).
void checkAcquireFiles(config::Config const& config) {
  if (!config.getString("acquire.credentials").empty())
    config::requireExistingPath(config, "acquire.credentials", config::PathKind::File);
  for (std::size_t i = 0; i < config.count("acquire.sources"); ++i) {
    std::string const p = "acquire.sources[" + std::to_string(i) + "].";
    std::string const kind = config.getString(p + "kind");
    std::string const path = config.getString(p + "path");
    bool const glob = path.find_first_of("*?[") != std::string::npos;
    if ((kind == "local" && !glob) || (kind == "votable" && !path.empty()))
      config::requireExistingPath(config, p + "path",
                                  kind == "local" ? config::PathKind::Any : config::PathKind::File);
    if (kind == "http" && !config.getString(p + "url_file").empty())
      config::requireExistingPath(config, p + "url_file", config::PathKind::File);
  }
}

/// The `path` column of a catalog, each value prefixed with `prefix`.
std::set<std::string> catalogPaths(std::string const& catalogFile, std::string const& prefix) {
  std::istringstream in(core::readFile(catalogFile));
  std::string line;
  std::getline(in, line);
  auto const header = core::splitCsvLine(line);
  auto const column = std::find(header.begin(), header.end(), "path") - header.begin();
  if (column == static_cast<std::ptrdiff_t>(header.size()))
    throw Error("pipeline: no path column in '" + catalogFile + "'");
  std::set<std::string> paths;
  while (std::getline(in, line)) {
    auto const fields = core::splitCsvLine(line);
    if (static_cast<std::ptrdiff_t>(fields.size()) > column)
      paths.insert(std::filesystem::path(prefix + fields[static_cast<std::size_t>(column)])
                       .lexically_normal()
                       .string());
  }
  return paths;
}

/// The dataset.h5 such a stage reads.
std::string datasetPath(StageContext const& context, config::DatasetInput const& data) {
  return data.input == "file" ? data.datasetFile : context.inputDirs.at(data.input) + "/dataset.h5";
}

}  // namespace

std::vector<StageDef> stageCatalog() {
  std::vector<StageDef> catalog;
  catalog.push_back({"synth",
                     "write a labelled synthetic base of knowledge in the real survey layouts",
                     {"synth"},
                     {},
                     [](StageContext& context) {
                       auto const params = synth::synthConfigFrom(context.config);
                       auto const result =
                           synth::runSynth(params, context.outputDir + "/bok", context.comm,
                                           context.log, context.timers);
                       return synth::describe(result, context.finalDir + "/bok");
                     }});
  catalog.back().validate = [](config::Config const& config, int) {
    synth::synthConfigFrom(config);
  };
  pipeline::StageDef acquire{
      "acquire",
      "build a base of knowledge from disk, URLs, VOTable lists and SSAP + DataLink services",
      {"acquire", "read"},
      {},
      [](StageContext& context) {
        auto const config = acquire::acquireConfigFrom(context.config);
        auto const result = acquire::runAcquire(config, context.outputDir + "/bok", context.comm,
                                                context.log, context.timers);
        return acquire::describe(result, context.finalDir + "/bok");
      }};
  acquire.resumable = true;
  acquire.reusableDirs = {"bok/files"};
  acquire.namedFiles = [](std::string const& dir) {
    // The spectra of the catalog: a file of the previous output no source lists any more
    // does not stay in the base of knowledge.
    return catalogPaths(dir + "/bok/catalog.csv", "bok/");
  };
  acquire.validate = [](config::Config const& config, int) {
    acquire::acquireConfigFrom(config);
    checkAcquireFiles(config);
  };
  acquire.extraFingerprint = [](FingerprintContext const& context) {
    // The files of local sources and the URL lists on disk: new, removed or changed files
    // make the stage run again.
    return acquireInputsFingerprint(acquire::acquireConfigFrom(context.config));
  };
  catalog.push_back(acquire);

  pipeline::StageDef preprocess{
      "preprocess",
      "cut, resample, normalise and reduce a base of knowledge into one parallel HDF5 data set",
      {"preprocess", "read"},
      {},
      [](StageContext& context) {
        auto const config = preprocess::preprocessConfigFrom(context.config);
        preprocess::PreprocessRun run;
        run.bokDir = config.input == "directory" ? config.bokDir
                                                 : context.inputDirs.at(config.input) + "/bok";
        run.outputDir = context.outputDir;
        run.fingerprint = context.fingerprint;
        run.provenance = context.config.effectiveYaml();
        run.fresh = context.forced;
        run.resume = context.resume;
        auto const result =
            preprocess::runPreprocess(config, run, context.comm, context.log, context.timers);
        return preprocess::describe(result, context.finalDir + "/dataset.h5");
      }};
  preprocess.resumable = true;
  preprocess.inputsFor = [](config::Config const& config) {
    std::string const input = config.getString("preprocess.input");
    return input == "directory" ? std::vector<std::string>{} : std::vector<std::string>{input};
  };
  preprocess.validate = [](config::Config const& config, int) {
    if (preprocess::preprocessConfigFrom(config).input != "directory") return;
    config::requireExistingPath(config, "preprocess.bok_dir", config::PathKind::Directory);
    std::string const catalogFile = config.getString("preprocess.bok_dir") + "/catalog.csv";
    if (!std::filesystem::is_regular_file(catalogFile))
      throw UsageError("config: " + config.where("preprocess.bok_dir") +
                       ": preprocess.bok_dir: no catalog.csv in '" +
                       config.getString("preprocess.bok_dir") +
                       "' (a base of knowledge, as the synth and acquire stages write)");
  };
  preprocess.extraFingerprint = [](FingerprintContext const& context) {
    // Whichever BoK it reads counts by its catalog and the files the catalog names: a
    // re-run of acquire that found new files, or an edited spectrum, makes it run again.
    config::Config const& config = context.config;
    std::string const input = config.getString("preprocess.input");
    std::string const bokDir = input == "directory" ? config.getString("preprocess.bok_dir")
                                                    : context.inputDirs.at(input) + "/bok";
    return bokFingerprint(bokDir, inputCheckFrom(config.getString("preprocess.input_check"),
                                                 "preprocess.input_check"));
  };
  preprocess.contentCoversInputs = true;  // the catalog and its files are all it reads
  catalog.push_back(preprocess);

  pipeline::StageDef som{
      "som",
      "train a distributed self-organising map on the data set: map, U-matrix, outlier list",
      {"som"},
      {},
      [](StageContext& context) {
        auto const config = som::somStageConfigFrom(context.config);
        som::SomRun run;
        run.datasetPath = datasetPath(context, config.data);
        run.outputDir = context.outputDir;
        run.fingerprint = context.fingerprint;
        run.provenance = context.config.effectiveYaml();
        run.resume = context.resume;
        run.fresh = context.forced;
        auto const result = som::runSom(config, run, context.comm, context.log, context.timers);
        return som::describe(result, context.finalDir + "/som.h5");
      }};
  som.resumable = true;  // the partial directory keeps checkpoint.h5
  readsDataset(som, "som");
  som.validate = [](config::Config const& config, int ranks) {
    som::somStageConfigFrom(config);
    checkDatasetFile(config, "som");
    if (ranks > 1 && config.getString("som.method") == "online")
      throw UsageError("config: " + config.where("som.method") +
                       ": som.method: online training runs on one rank; use batch training or "
                       "run with 1 rank");
  };
  catalog.push_back(som);

  pipeline::StageDef forest{
      "forest",
      "cross-validate and train a distributed random forest on the labelled rows",
      {"forest"},
      {},
      [](StageContext& context) {
        auto const config = forest::forestStageConfigFrom(context.config);
        forest::ForestStageRun run;
        run.datasetPath = datasetPath(context, config.data);
        run.outputDir = context.outputDir;
        run.fingerprint = context.fingerprint;
        run.provenance = context.config.effectiveYaml();
        auto const result =
            forest::runForestStage(config, run, context.comm, context.log, context.timers);
        return forest::describe(result, context.finalDir + "/forest.h5");
      }};
  readsDataset(forest, "forest");
  forest.validate = [](config::Config const& config, int) {
    forest::forestStageConfigFrom(config);
    checkDatasetFile(config, "forest");
  };
  catalog.push_back(forest);

  pipeline::StageDef predict{
      "predict",
      "apply a trained forest to a data set or new spectra (preprocessed with the model's "
      "recipe) and rank the candidates of a class",
      {"predict"},
      {},
      [](StageContext& context) {
        auto const config = forest::predictConfigFrom(context.config);
        forest::PredictRun const run = preparePredict(context, config);
        auto const result =
            forest::runPredict(config, run, context.comm, context.log, context.timers);
        return forest::describe(result, context.finalDir);
      }};
  predict.inputsFor = [](config::Config const& config) {
    std::vector<std::string> inputs;
    if (config.getString("predict.input") == "preprocess") inputs.push_back("preprocess");
    if (config.getString("predict.model_file").empty()) inputs.push_back("forest");
    return inputs;
  };
  predict.validate = [](config::Config const& config, int) {
    forest::predictConfigFrom(config);
    checkDatasetFile(config, "predict");
    if (config.getString("predict.input") == "directory")
      config::requireExistingPath(config, "predict.bok_dir", config::PathKind::Directory);
    if (!config.getString("predict.model_file").empty())
      config::requireExistingPath(config, "predict.model_file", config::PathKind::File);
  };
  predict.extraFingerprint = [](FingerprintContext const& context) {
    config::Config const& config = context.config;
    std::string extra;
    config::DatasetInput const data = config::datasetInputFrom(config, "predict", false);
    if (data.input == "file") extra += core::sha256File(data.datasetFile);
    if (data.input == "directory")
      extra += predictInputFingerprint(config.getString("predict.bok_dir"));
    if (!config.getString("predict.model_file").empty())
      extra += core::sha256File(config.getString("predict.model_file"));
    return extra;
  };
  catalog.push_back(predict);

  pipeline::StageDef report{
      "report",
      "write the static HTML report (data set, map, forest, candidates, spectra at each stage)",
      {"report"},
      {},
      [](StageContext& context) {
        auto const config = report::reportConfigFrom(context.config);
        auto const result = report::runReport(config, prepareReport(context), context.comm,
                                              context.log, context.timers);
        return report::describe(result, context.finalDir);
      }};
  report.inputsFor = reportInputs;
  // The front end copied into the report counts: building it (or a new version) makes the
  // next run write the report again; so do new kept variants or sweep results (the
  // comparison page shows them).
  report.extraFingerprint = [](FingerprintContext const& context) {
    std::string const bundle = report::findBundle();
    return (bundle.empty() ? std::string("no front end")
                           : core::sha256File(bundle + "/index.html")) +
           comparisonFingerprint(context.config);
  };
  report.validate = [](config::Config const& config, int) { report::reportConfigFrom(config); };
  catalog.push_back(report);
  return catalog;
}

StageDef const& findStage(std::vector<StageDef> const& catalog, std::string const& name) {
  for (auto const& stage : catalog)
    if (stage.name == name) return stage;
  std::string known;
  for (auto const& stage : catalog) known += (known.empty() ? "" : ", ") + stage.name;
  throw UsageError("pipeline: unknown stage '" + name + "' (this build has: " + known + ")");
}

}  // namespace vocloud::pipeline
