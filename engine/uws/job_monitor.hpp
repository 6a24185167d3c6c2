#pragma once
// `vocloud-uws run-job JOBDIR -- ARGV...`: the process that leads a local job's process
// group. It runs ARGV, then writes the results archive and <JOBDIR>/exit_code, so that how
// the run ended is known even when the service was restarted meanwhile.

#include <string>
#include <vector>

namespace vocloud::uws {

/// Runs `argv` (no shell) in `jobDir` and waits for it; SIGTERM/SIGINT/SIGHUP reach the
/// run, not the monitor. Then writes results.tar.gz (output/ and the logs) and exit_code.
/// Returns the run's exit status (128+signal when it was killed).
int runJobMonitor(std::string const& jobDir, std::vector<std::string> argv);

}  // namespace vocloud::uws
