#pragma once
// `vocloud runs`, `vocloud gc` and `vocloud sweep`: the kept variants of an experiment's
// stages and the sweeps that make them.
#include "app/cli.hpp"
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "core/log.hpp"

#include <functional>
#include <string>

namespace vocloud::app {

/// Lists the kept variants of each stage (rank 0 prints; --json for JSON). Collective over comm.
int runsCommand(CliArgs const& cli, comm::Comm const& comm);

/// Removes the variants no kept result needs and states the disk use. Collective over comm.
int gcCommand(CliArgs const& cli, comm::Comm const& comm);

/// Runs the variants of the experiment's sweep (all in sequence, or --array-task N), then
/// rewrites the sweep's summary; --list prints the variants only. `logOptionsOf` gives the
/// log options of a loaded experiment. Collective over comm.
int sweepCommand(CliArgs const& cli, comm::Comm const& comm, std::string const& commandLine,
                 std::function<core::LogOptions(config::Config const&)> const& logOptionsOf);

}  // namespace vocloud::app
