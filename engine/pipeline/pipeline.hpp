#pragma once
// `vocloud run`: runs stages in order, reusing those whose fingerprint matches what is on
// disk. A stage writes into a partial directory that is renamed only once it is complete,
// so a failed or killed stage never leaves output that a later run would take as done.
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "pipeline/stage.hpp"

#include <set>
#include <string>
#include <vector>

namespace vocloud::pipeline {

struct RunOptions {
  std::vector<std::string> stages;  ///< stages to run, in order
  std::set<std::string> force;      ///< stages to recompute even when reusable ("all" = every)
  bool resume = false;              ///< --resume: interrupted stages must continue, not restart
  std::string commandLine{};        ///< recorded in stage.json (the arguments, joined)
};

struct StageOutcome {
  std::string name;
  std::string fingerprint;
  std::string dir;
  std::string summary;
  bool reused = false;
  double seconds = 0;
};

/// `<output>/<experiment>`.
std::string experimentDir(config::Config const& config);

/// True when `dir` holds a completed stage's output (its manifest, stage.json).
bool isCompletedStageDir(std::string const& dir);

/// Runs the stages; returns what happened to each. Collective over comm.
std::vector<StageOutcome> runStages(std::vector<StageDef> const& catalog,
                                    config::Config const& config, RunOptions const& options,
                                    comm::Comm const& comm, core::Log const& log);

/// Loads and validates the experiment on every rank; all ranks throw the same
/// vocloud::UsageError when any rank fails. This is the first collective of a command.
/// Collective over comm.
config::Config loadConfigCollective(std::string const& path,
                                    std::vector<config::Override> const& overrides,
                                    comm::Comm const& comm);

}  // namespace vocloud::pipeline
