#pragma once
// Runs an external command by argv (PATH lookup, never a shell) and collects what it prints:
// the Slurm launcher's sbatch, squeue, scontrol, scancel and sacct.
#include <string>
#include <vector>

namespace vocloud::uws {

/// How a command ended and what it wrote.
struct CommandResult {
  int status = -1;  ///< exit status; 128+signal when killed; 127 when it could not be run
  bool timedOut = false;
  std::string out;  ///< its stdout
  std::string err;  ///< its stderr
};

/// Runs `argv` (argv[0] looked up in PATH) with stdin from /dev/null, waits at most
/// `timeoutSeconds` (then kills it: status 137, timedOut) and returns its status and output.
/// Throws vocloud::Error ("uws: command: ...") when it cannot fork or make pipes.
CommandResult runCommand(std::vector<std::string> const& argv, double timeoutSeconds);

/// The command line for messages: argv joined by spaces.
std::string commandText(std::vector<std::string> const& argv);

}  // namespace vocloud::uws
