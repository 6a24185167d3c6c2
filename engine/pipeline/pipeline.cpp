#include "pipeline/pipeline.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"
#include "core/version.hpp"
#include "pipeline/fingerprint.hpp"
#include "pipeline/manifest.hpp"
#include "pipeline/stage_dirs.hpp"
#include "pipeline/stage_lock.hpp"

#include <chrono>
#include <sys/resource.h>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

namespace vocloud::pipeline {

namespace fs = std::filesystem;

namespace {

constexpr char kExternal[] = "(external)";  // the extra fingerprint among the inputs

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

// What a stage reads: its upstream stages' completed directories and fingerprints.
struct StageInputs {
  std::map<std::string, std::string> dirs, fingerprints;
};

// The variant of each upstream stage this stage reads: the one computed or reused earlier in
// this run, else the latest (`<root>/<input>`). Its folder is the variant's own, so a run
// that moves the latest link meanwhile changes nothing this stage reads.
StageInputs stageInputs(StageDef const& stage, config::Config const& config,
                        std::string const& root,
                        std::map<std::string, std::string>& knownFingerprints) {
  StageInputs inputs;
  for (auto const& input : stage.inputsFor ? stage.inputsFor(config) : stage.inputs) {
    std::string const inputDir = root + "/" + input;
    auto it = knownFingerprints.find(input);
    if (it == knownFingerprints.end()) {
      auto const manifest = readManifest(inputDir);
      if (!manifest)
        throw UsageError("pipeline: stage '" + stage.name + "' needs the output of stage '" +
                         input + "' in " + inputDir + ": run that stage first");
      it = knownFingerprints.emplace(input, manifest->fingerprint).first;
    }
    inputs.fingerprints[input] = it->second;
    inputs.dirs[input] = stageDirs(root, input, it->second).variant;
  }
  return inputs;
}

// Shared locks on the upstream variants a stage reads (none is recomputed under it), taken
// after rank 0 has adopted outputs of the layout before variants. Collective over comm.
std::vector<std::unique_ptr<StageLock>> lockInputs(
    StageDef const& stage, config::Config const& config, std::string const& root,
    std::map<std::string, std::string>& known, RunOptions const& options, comm::Comm const& comm,
    core::Log const& log, StageInputs& inputs) {
  auto const names = stage.inputsFor ? stage.inputsFor(config) : stage.inputs;
  comm::onRoot(comm, "pipeline: cannot prepare the inputs of '" + stage.name + "'", [&] {
    for (auto const& input : names) adoptLegacy(root, input);
  });
  comm::checkOnEveryRank(comm, [&] { inputs = stageInputs(stage, config, root, known); });
  std::vector<std::unique_ptr<StageLock>> reading;
  for (auto const& input : names)
    reading.push_back(std::make_unique<StageLock>(
        stageDirs(root, input, inputs.fingerprints[input]).lock, input, options.commandLine, comm,
        StageLock::Mode::Shared, [&](std::string const& why) { log.info(why); }));
  return reading;
}

// The stage's extra fingerprint (what it reads from disk), computed on rank 0 and the same
// on every rank; rank 0's error is thrown on every rank, a usage error as a usage error.
// Collective over comm.
std::string extraFingerprint(StageDef const& stage, config::Config const& config,
                             StageInputs const& inputs, comm::Comm const& comm) {
  std::string extra, failure;
  int usage = 0;
  if (comm.isRoot()) {
    try {
      extra = stage.extraFingerprint(FingerprintContext{config, inputs.dirs});
    } catch (UsageError const& e) {
      failure = e.what();
      usage = 1;
    } catch (std::exception const& e) {
      failure = e.what();
    }
  }
  failure = comm.bcast(failure, 0);
  comm.bcast(&usage, 1, 0);
  if (usage) throw UsageError(failure);
  if (!failure.empty())
    throw Error("pipeline: cannot fingerprint the inputs of stage '" + stage.name +
                "': " + failure);
  return comm.bcast(extra, 0);
}

// The fingerprints that count for a stage whose extra fingerprint covers its upstream
// outputs' content: that one alone (stage.json still records them all).
std::map<std::string, std::string> contentOnly(std::map<std::string, std::string> inputs) {
  for (auto it = inputs.begin(); it != inputs.end();)
    it = it->first == kExternal ? std::next(it) : inputs.erase(it);
  return inputs;
}

// Runs the stage into its partial directory, then completes it: the manifest is written
// last, then the directory replaces the old output, so a stage directory with a manifest is
// always complete. Collective over comm.
void computeStage(StageDef const& stage, StageContext& context, StageInputs const& inputs,
                  RunOptions const& options, StageDirs const& dirs, StageOutcome& outcome) {
  comm::Comm const& comm = context.comm;
  ManifestRecord record;
  record.started = std::chrono::system_clock::now();
  auto const start = std::chrono::steady_clock::now();
  outcome.summary = stage.run(context);
  comm.barrier();
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string const timings = timingsJson(stage, context.timers, comm, outcome.seconds);
  record.ended = std::chrono::system_clock::now();
  record.stage = stage.name;
  record.fingerprint = outcome.fingerprint;
  record.summary = outcome.summary;
  record.inputs = inputs.fingerprints;
  record.ranks = comm.size();
  record.seconds = outcome.seconds;
  record.commandLine = options.commandLine;
  comm::onRoot(comm, "pipeline: cannot complete '" + context.finalDir + "'", [&] {
    record.host = hostName();
    std::string const& dir = context.outputDir;
    if (stage.namedFiles) pruneTakenOver(dirs, stage.reusableDirs, stage.namedFiles(dir));
    core::writeFileAtomic(dir + "/config.effective.yaml", context.config.effectiveYaml());
    core::writeFileAtomic(dir + "/timings.json", timings);
    core::writeFileAtomic(dir + "/" + kManifest, manifestJson(record));
    commitPartial(dirs);
  });
}

// Reused (true) or prepared for computing: rank 0's view of the file system decides, every
// rank agrees. Collective over comm.
bool reuseOrPrepare(StageDef const& stage, StageDirs const& dirs, RunOptions const& options,
                    bool forced, std::string const& fingerprint, StageOutcome& outcome,
                    comm::Comm const& comm, core::Log const& log) {
  int reuse = 0;
  bool existing = false;
  comm::onRoot(comm, "pipeline: cannot prepare '" + dirs.partial + "'", [&] {
    adoptLegacy(dirs.root, dirs.name);
    recoverCommit(dirs);
    existing = readManifest(dirs.final).has_value();
    auto const manifest = readManifest(dirs.variant);
    if (!forced && manifest && manifest->fingerprint == fingerprint) {
      reuse = 1;
      outcome.summary = manifest->summary;
      pointLatest(dirs);
      return;
    }
    PartialPlan plan;
    plan.fingerprint = fingerprint;
    plan.resumable = stage.resumable;
    plan.fresh = forced;
    plan.resume = options.resume;
    plan.reusableDirs = stage.reusableDirs;
    core::makeDirectories(variantsDir(dirs.root, dirs.name));
    preparePartial(dirs, plan);
  });
  comm.bcast(&reuse, 1, 0);
  outcome.summary = comm.bcast(outcome.summary, 0);
  int known = existing ? 1 : 0;
  comm.bcast(&known, 1, 0);
  if (reuse) {
    log.info("stage " + stage.name + ": reused (fingerprint " + fingerprint.substr(0, 12) +
             " matches " + dirs.variant + ")");
    return true;
  }
  log.info("stage " + stage.name + ": computing (fingerprint " + fingerprint.substr(0, 12) +
           (forced  ? ", forced"
            : known ? ", parameters or inputs changed"
                    : "") +
           ") into " + dirs.partial);
  return false;
}

}  // namespace

std::string experimentDir(config::Config const& config) {
  std::string const name = config.getString("experiment");
  if (!config::isPlainName(name))
    throw UsageError("pipeline: experiment name '" + name +
                     "' is not a plain folder name (no '/', not '.' or '..', not empty)");
  return (fs::path(config.getString("output")) / name).string();
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
    // Upstream outputs stay as they are while this stage fingerprints and reads them.
    StageInputs inputs;
    auto const reading = lockInputs(stage, config, root, fingerprints, options, comm, log, inputs);
    if (stage.extraFingerprint)
      inputs.fingerprints[kExternal] = extraFingerprint(stage, config, inputs, comm);
    std::string const fingerprint = stageFingerprint(
        core::engineVersion(), stage.name, config, stage.sections,
        stage.contentCoversInputs ? contentOnly(inputs.fingerprints) : inputs.fingerprints);
    fingerprints[stage.name] = fingerprint;
    StageDirs const dirs = stageDirs(root, stage.name, fingerprint);

    StageOutcome outcome;
    outcome.name = stage.name;
    outcome.fingerprint = fingerprint;
    outcome.dir = dirs.final;
    bool const forced = options.force.count(stage.name) || options.force.count("all");
    // Held until the variant is reused or committed: a second run that needs it waits here,
    // then reuses what the first committed.
    comm::onRoot(comm, "pipeline: cannot create '" + variantsDir(root, stage.name) + "'",
                 [&] { core::makeDirectories(variantsDir(root, stage.name)); });
    StageLock const lock(dirs.lock, stage.name, options.commandLine, comm,
                         StageLock::Mode::Exclusive,
                         [&](std::string const& why) { log.info(why); });
    outcome.reused = reuseOrPrepare(stage, dirs, options, forced, fingerprint, outcome, comm, log);
    if (!outcome.reused) {
      core::Timers timers;
      StageContext context{
          config,     comm,        log,         timers, dirs.partial,
          dirs.final, inputs.dirs, fingerprint, forced, options.resume && stage.resumable};
      computeStage(stage, context, inputs, options, dirs, outcome);
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.2f", outcome.seconds);
      log.info("stage " + stage.name + ": done in " + seconds + " s: " + outcome.summary);
    }
    outcomes.push_back(outcome);
  }
  return outcomes;
}

config::Config loadConfigCollective(std::string const& path,
                                    std::vector<config::Override> const& overrides,
                                    comm::Comm const& comm) {
  std::optional<config::Config> config;
  // The lowest failing rank's message is what every rank reports.
  comm::checkOnEveryRank(comm, [&] { config.emplace(config::loadConfigFile(path, overrides)); });
  return std::move(*config);
}

bool isCompletedStageDir(std::string const& dir) {
  return readManifest(dir).has_value();
}

}  // namespace vocloud::pipeline
