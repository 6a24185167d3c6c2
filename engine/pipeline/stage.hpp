#pragma once
// What a pipeline stage is: a name, the config sections and upstream stages its result
// depends on, and a function that writes its outputs into a directory.
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vocloud::pipeline {

struct StageContext {
  config::Config const& config;
  comm::Comm const& comm;
  core::Log const& log;
  core::Timers& timers;
  std::string outputDir;  ///< where the stage writes now (renamed to finalDir on success)
  std::string finalDir;   ///< where the outputs live once the stage has completed
  std::map<std::string, std::string> inputDirs;  ///< upstream stage name -> its completed dir
  std::string fingerprint;  ///< of this run of the stage (a resumable stage checks what it resumes)
  bool forced = false;      ///< --force: recompute, do not continue an earlier run's work
  bool resume = false;      ///< --resume: continuing an interrupted run is required
};

/// What a stage's extra fingerprint may look at: the configuration and the completed
/// directories of its upstream stages.
struct FingerprintContext {
  config::Config const& config;
  std::map<std::string, std::string> const& inputDirs;  ///< upstream stage name -> its dir
};

struct StageDef {
  std::string name;
  std::string doc;                    ///< one line, for --help
  std::vector<std::string> sections;  ///< config sections that determine the result
  std::vector<std::string> inputs;    ///< upstream stages whose outputs it reads
  /// Runs the stage; returns a one-line summary of what it produced. Collective over comm.
  std::function<std::string(StageContext&)> run;
  /// A resumable stage keeps what an interrupted run of the same fingerprint wrote (its
  /// partial directory) and is expected to skip work already done.
  bool resumable = false;
  /// Sub-folders (relative to the stage's folder) whose files a new run may take over from
  /// the previous output or an interrupted run of other parameters (acquire: bok/files, whose
  /// files already present are not fetched again). Hard-linked, never moved: the stage must
  /// replace such a file (write a temporary, rename it over) and never rewrite it in place,
  /// which would change the previous complete output through the link.
  std::vector<std::string> reusableDirs = {};
  /// With reusableDirs: the files (relative to the stage's folder) a finished run's output
  /// names; files taken over that it does not name are removed before the commit.
  std::function<std::set<std::string>(std::string const& dir)> namedFiles = {};
  /// When set, the upstream stages depend on the configuration (and replace `inputs`).
  std::function<std::vector<std::string>(config::Config const&)> inputsFor = {};
  /// When set, more text for the fingerprint: a hash of what the stage reads from disk (an
  /// input outside the pipeline, the files an upstream output names). Run on rank 0 only;
  /// the pipeline broadcasts the result.
  std::function<std::string(FingerprintContext const&)> extraFingerprint = {};
  /// When set, extraFingerprint covers everything the stage reads from its upstream outputs,
  /// so their fingerprints do not count: an upstream stage that ran again and produced the
  /// same output (a touched source file, another retry setting) leaves this stage reused.
  bool contentCoversInputs = false;
  /// When set, checks before any work what the stage would reject later: its config
  /// reader's cross-key rules and the files it reads. `ranks` is 0 when unknown (config
  /// check). Throws vocloud::UsageError at the key's file:line:col.
  std::function<void(config::Config const&, int ranks)> validate = {};
};

/// Every stage this build knows, in pipeline order.
std::vector<StageDef> stageCatalog();

/// The stage called `name`; throws vocloud::UsageError naming the known stages otherwise.
StageDef const& findStage(std::vector<StageDef> const& catalog, std::string const& name);

}  // namespace vocloud::pipeline
