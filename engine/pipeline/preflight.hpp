#pragma once
// Checks of an experiment before any work: everything a stage would reject later that can be
// seen without reading the data (cross-key rules, files it reads, upstream stages).
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "pipeline/stage.hpp"

#include <string>
#include <vector>

namespace vocloud::pipeline {

/// Checks the experiment for running `stages` (in order) on `ranks` ranks (0: unknown):
/// each stage's own config rules and input files (StageDef::validate), and that every
/// upstream stage is listed before it or completed in the output directory. Throws one
/// vocloud::UsageError listing every problem, each at the file:line:col of its key.
void preflight(std::vector<StageDef> const& catalog, config::Config const& config,
               std::vector<std::string> const& stages, int ranks);

/// preflight on every rank; all ranks throw the lowest failing rank's UsageError.
/// Collective over comm.
void preflightCollective(std::vector<StageDef> const& catalog, config::Config const& config,
                         std::vector<std::string> const& stages, comm::Comm const& comm);

}  // namespace vocloud::pipeline
