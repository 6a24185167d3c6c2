#pragma once
// The seam between the job service and whatever runs a job. The local launcher starts a
// process group on this machine; a Slurm launcher (later) submits a batch job. A handle is
// what the store keeps to find the run again after a restart: for the local launcher the
// process group leader's pid and its start time.
#include <cstdint>
#include <string>

namespace vocloud::uws {

/// What a launcher needs to start one job.
struct LaunchRequest {
  std::string jobId;
  std::string jobDir;          ///< absolute; the run's working directory
  std::string experimentFile;  ///< jobDir/experiment.yaml
  std::string outputDir;       ///< jobDir/output: forced with --set output=...
};

/// Identifies a run: local: pid of the group leader + its start time in clock ticks since
/// boot (so a recycled pid is not mistaken for it).
struct RunHandle {
  std::int64_t pid = 0;
  std::uint64_t start = 0;
};

enum class RunState { Running, Exited };

struct RunStatus {
  RunState state = RunState::Running;
  /// Exit status of `vocloud run` (128+signal when killed); -1 when unknown (the run vanished
  /// without recording it).
  int exitCode = -1;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  /// Starts the run; throws vocloud::Error ("uws: launcher: ...") when it cannot.
  virtual RunHandle start(LaunchRequest const& request) = 0;
  /// Looks at a run without blocking (reaps it when it has ended).
  virtual RunStatus poll(RunHandle const& handle, std::string const& jobDir) = 0;
  /// Pauses / continues the whole run (documented extension PHASE=SUSPEND / RESUME).
  virtual void suspend(RunHandle const& handle) = 0;
  virtual void resume(RunHandle const& handle) = 0;
  /// Asks the run to stop (local: SIGTERM to the group, after SIGCONT).
  virtual void terminate(RunHandle const& handle) = 0;
  /// Ends the run now (local: SIGKILL to the group).
  virtual void kill(RunHandle const& handle) = 0;
};

}  // namespace vocloud::uws
