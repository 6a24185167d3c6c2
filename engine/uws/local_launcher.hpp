#pragma once
// Runs jobs on this machine: `vocloud-uws run-job` (the job monitor) leads a new session and
// runs `mpirun -n N [args] vocloud run experiment.yaml --set output=<jobDir>/output` with argv
// only, never a shell. Signals go to every process of the session (mpirun gives each rank a
// process group of its own). The monitor writes the exit status to <jobDir>/exit_code and the
// results archive, so a run that outlives a service restart still reports how it ended.
#include "uws/launcher.hpp"
#include "uws/service_config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vocloud::uws {

/// The start time (clock ticks since boot, /proc/PID/stat field 22) of process `pid`, or
/// nullopt when there is no such process.
std::optional<std::uint64_t> processStartTicks(std::int64_t pid);

/// Every process of session `sid` (the monitor's setsid makes its pid the session id).
std::vector<std::int64_t> sessionMembers(std::int64_t sid);

/// The argv of `vocloud run` for one job (what the monitor executes).
std::vector<std::string> runArgv(LauncherOptions const& options, std::string const& vocloud,
                                 LaunchRequest const& request);

class LocalLauncher final : public Launcher {
 public:
  /// `self` is the vocloud-uws executable (it runs the monitor); `vocloud` the engine.
  LocalLauncher(LauncherOptions options, std::string self, std::string vocloud);
  RunHandle start(LaunchRequest const& request) override;
  RunStatus poll(RunHandle const& handle, std::string const& jobDir) override;
  void suspend(RunHandle const& handle) override;
  void resume(RunHandle const& handle) override;
  void terminate(RunHandle const& handle) override;
  void kill(RunHandle const& handle) override;

 private:
  void signalGroup(RunHandle const& handle, int signal) const;
  LauncherOptions _options;
  std::string _self;
  std::string _vocloud;
};

}  // namespace vocloud::uws
