#pragma once
// `vocloud runs` and `vocloud gc`: the kept variants of an experiment's stages.
#include "app/cli.hpp"
#include "comm/comm.hpp"

namespace vocloud::app {

/// Lists the kept variants of each stage (rank 0 prints; --json for JSON). Collective over comm.
int runsCommand(CliArgs const& cli, comm::Comm const& comm);

/// Removes the variants no kept result needs and states the disk use. Collective over comm.
int gcCommand(CliArgs const& cli, comm::Comm const& comm);

}  // namespace vocloud::app
