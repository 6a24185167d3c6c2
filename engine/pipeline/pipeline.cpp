#include "pipeline/pipeline.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"
#include "core/version.hpp"
#include "pipeline/fingerprint.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <sys/resource.h>
#include <cstdio>
#include <filesystem>
#include <optional>

namespace vocloud::pipeline {

namespace fs = std::filesystem;

namespace {

constexpr char kManifest[] = "stage.json";

struct Manifest {
  std::string fingerprint;
  std::string summary;
};

// The manifest of a completed stage directory, if there is a readable one.
std::optional<Manifest> readManifest(std::string const& dir) {
  std::string const path = dir + "/" + kManifest;
  if (!fs::exists(path)) return std::nullopt;
  try {
    YAML::Node const node = YAML::LoadFile(path);
    return Manifest{node["fingerprint"].as<std::string>(), node["summary"].as<std::string>("")};
  } catch (YAML::Exception const&) {
    return std::nullopt;  // unreadable: treated as absent, the stage is recomputed
  }
}

std::string manifestJson(StageDef const& stage, std::string const& fingerprint,
                         std::map<std::string, std::string> const& inputs, int ranks,
                         double seconds, std::string const& summary) {
  core::JsonWriter json;
  json.beginObject()
      .key("stage").value(stage.name)
      .key("fingerprint").value(fingerprint)
      .key("engine_version").value(core::engineVersion())
      .key("inputs").beginObject();
  for (auto const& [name, fp] : inputs) json.key(name).value(fp);
  json.endObject()
      .key("ranks").value(ranks)
      .key("seconds").value(seconds)
      .key("summary").value(summary)
      .endObject();
  return json.str() + "\n";
}

// Timers reduced over ranks: max, min and mean seconds of each step rank 0 knows.
std::string timingsJson(StageDef const& stage, core::Timers const& timers,
                        comm::Comm const& comm, double wallSeconds) {
  std::vector<std::string> names;
  if (comm.isRoot())
    for (auto const& entry : timers.entries()) names.push_back(entry.first);
  std::string joined;
  for (auto const& n : names) joined += n + "\n";
  joined = comm.bcast(joined, 0);
  names.clear();
  for (std::size_t start = 0, end; (end = joined.find('\n', start)) != std::string::npos;
       start = end + 1)
    names.push_back(joined.substr(start, end - start));

  std::vector<double> mine(names.size(), 0.);
  for (std::size_t i = 0; i < names.size(); ++i)
    for (auto const& entry : timers.entries())
      if (entry.first == names[i]) mine[i] = entry.second;
  std::vector<double> maxima = mine, minima = mine, sums = mine;
  comm.allreduce(maxima, comm::Op::Max);
  comm.allreduce(minima, comm::Op::Min);
  comm.allreduce(sums, comm::Op::Sum);

  // Peak resident memory of each rank's process so far (Linux: ru_maxrss in KiB).
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto const rss = comm.allgather<double>(static_cast<double>(usage.ru_maxrss) / 1024.);

  core::JsonWriter json;
  json.beginObject()
      .key("stage").value(stage.name)
      .key("ranks").value(comm.size())
      .key("wall_seconds").value(wallSeconds)
      .key("max_rss_mb_per_rank").beginArray();
  for (double mb : rss) json.value(mb);
  json.endArray()
      .key("steps").beginObject();
  for (std::size_t i = 0; i < names.size(); ++i) {
    json.key(names[i]).beginObject()
        .key("max").value(maxima[i])
        .key("min").value(minima[i])
        .key("mean").value(sums[i] / comm.size())
        .endObject();
  }
  json.endObject().endObject();
  return json.str() + "\n";
}

}  // namespace

std::string experimentDir(config::Config const& config) {
  return (fs::path(config.getString("output")) / config.getString("experiment")).string();
}

std::vector<StageOutcome> runStages(std::vector<StageDef> const& catalog,
                                    config::Config const& config, RunOptions const& options,
                                    comm::Comm const& comm, core::Log const& log) {
  std::string const root = experimentDir(config);
  comm::onRoot(comm, "pipeline: cannot create '" + root + "'", [&] {
    core::makeDirectories(root);
    core::writeFileAtomic(root + "/config.effective.yaml", config.effectiveYaml());
  });

  std::map<std::string, std::string> fingerprints;  // of stages known in this run
  std::vector<StageOutcome> outcomes;
  for (auto const& name : options.stages) {
    StageDef const& stage = findStage(catalog, name);
    std::string const finalDir = root + "/" + stage.name;
    std::string const partialDir = root + "/." + stage.name + ".partial";

    std::map<std::string, std::string> inputFingerprints;
    std::map<std::string, std::string> inputDirs;
    auto const inputs = stage.inputsFor ? stage.inputsFor(config) : stage.inputs;
    for (auto const& input : inputs) {
      std::string const inputDir = root + "/" + input;
      auto it = fingerprints.find(input);
      if (it == fingerprints.end()) {
        auto const manifest = readManifest(inputDir);
        if (!manifest)
          throw UsageError("pipeline: stage '" + stage.name + "' needs the output of stage '" +
                           input + "' in " + inputDir + ": run that stage first");
        it = fingerprints.emplace(input, manifest->fingerprint).first;
      }
      inputFingerprints[input] = it->second;
      inputDirs[input] = inputDir;
    }
    if (stage.extraFingerprint) inputFingerprints["(external)"] = stage.extraFingerprint(config);
    std::string const fingerprint = stageFingerprint(core::engineVersion(), stage.name, config,
                                                     stage.sections, inputFingerprints);
    fingerprints[stage.name] = fingerprint;

    StageOutcome outcome;
    outcome.name = stage.name;
    outcome.fingerprint = fingerprint;
    outcome.dir = finalDir;
    bool const forced = options.force.count(stage.name) || options.force.count("all");
    auto const existing = readManifest(finalDir);
    // Every rank must agree on reuse: rank 0's view of the file system decides.
    int reuse = (!forced && existing && existing->fingerprint == fingerprint) ? 1 : 0;
    comm.bcast(&reuse, 1, 0);
    if (reuse) {
      outcome.reused = true;
      outcome.summary = existing ? existing->summary : "";
      log.info("stage " + stage.name + ": reused (fingerprint " + fingerprint.substr(0, 12) +
               " matches " + finalDir + ")");
      outcomes.push_back(outcome);
      continue;
    }
    log.info("stage " + stage.name + ": computing (fingerprint " + fingerprint.substr(0, 12) +
             (forced ? ", forced" : existing ? ", parameters or inputs changed" : "") + ")");

    comm::onRoot(comm, "pipeline: cannot prepare '" + partialDir + "'", [&] {
      if (!stage.resumable) {
        core::removeAll(partialDir);
      } else if (!fs::exists(partialDir) && fs::exists(finalDir)) {
        // Start from the previous output: it stops counting as complete from here on.
        core::removeAll(finalDir + "/" + kManifest);
        fs::rename(finalDir, partialDir);
      }
      core::makeDirectories(partialDir);
    });
    auto const start = std::chrono::steady_clock::now();
    core::Timers timers;
    StageContext context{config,      comm,      log,    timers, partialDir, finalDir,
                         inputDirs,   fingerprint, forced, options.resume && stage.resumable};
    outcome.summary = stage.run(context);
    comm.barrier();
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string const timings = timingsJson(stage, timers, comm, outcome.seconds);

    // The manifest is written last, then the directory is renamed into place: a stage
    // directory with a manifest is always complete.
    comm::onRoot(comm, "pipeline: cannot complete '" + finalDir + "'", [&] {
      core::writeFileAtomic(partialDir + "/config.effective.yaml", config.effectiveYaml());
      core::writeFileAtomic(partialDir + "/timings.json", timings);
      core::writeFileAtomic(partialDir + "/" + kManifest,
                            manifestJson(stage, fingerprint, inputFingerprints, comm.size(),
                                         outcome.seconds, outcome.summary));
      core::removeAll(finalDir);
      fs::rename(partialDir, finalDir);
    });
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", outcome.seconds);
    log.info("stage " + stage.name + ": done in " + seconds + " s: " + outcome.summary);
    outcomes.push_back(outcome);
  }
  return outcomes;
}

config::Config loadConfigCollective(std::string const& path,
                                    std::vector<config::Override> const& overrides,
                                    comm::Comm const& comm) {
  std::optional<config::Config> config;
  std::string failure;
  try {
    config.emplace(config::loadConfigFile(path, overrides));
  } catch (Error const& e) {
    failure = e.what();
  }
  // The lowest failing rank's message is what every rank reports.
  auto const [failedRank, message] = comm::firstFailure(comm, failure);
  if (failedRank >= 0)
    throw UsageError(failedRank == 0 ? message
                                     : message + " (on rank " + std::to_string(failedRank) + ")");
  return std::move(*config);
}

bool isCompletedStageDir(std::string const& dir) {
  return readManifest(dir).has_value();
}

}  // namespace vocloud::pipeline
