#pragma once
// The seam between the job service and whatever runs a job. The local launcher starts a
// process group on this machine; the Slurm launcher submits a batch job. A handle is what the
// store keeps to find the run again after a restart: for the local launcher the process group
// leader's pid and its start time, for the Slurm launcher the Slurm job id.
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
/// boot (so a recycled pid is not mistaken for it); Slurm: the job id.
struct RunHandle {
  std::int64_t pid = 0;
  std::uint64_t start = 0;
  std::int64_t slurmId = 0;
};

/// How a run stands. `Running`: still there, no more is known (the phase stays as the service
/// set it: the local launcher). The batch states come from a batch system (Slurm), which
/// also says whether a job waits, is held or suspended.
enum class RunState {
  Running,
  BatchQueued,     ///< waiting in the batch queue (Slurm PENDING, REQUEUED)
  BatchHeld,       ///< held in the batch queue (Slurm PENDING with reason JobHeld*)
  BatchRunning,    ///< executing (Slurm RUNNING, CONFIGURING, COMPLETING)
  BatchSuspended,  ///< suspended (Slurm SUSPENDED, STOPPED)
  Exited,          ///< ended by itself: exitCode says how
  Stopped          ///< ended by someone or something else (Slurm CANCELLED, TIMEOUT): ABORTED
};

struct RunStatus {
  RunState state = RunState::Running;
  /// Exit status of `vocloud run` (128+signal when killed); -1 when unknown (the run vanished
  /// without recording it).
  int exitCode = -1;
  /// Why the run ended when the launcher knows more than the exit status (e.g. "Slurm job
  /// 12 ended FAILED"), for the error summary.
  std::string note;
};

/// Exited or Stopped: the run is over.
inline bool isOver(RunState state) {
  return state == RunState::Exited || state == RunState::Stopped;
}

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
  /// True when a started run first waits in a batch queue (its job stays QUEUED until the
  /// batch system runs it); false when start() runs it at once.
  virtual bool queuesRuns() const { return false; }
  /// Lets a run held in the batch queue go on (PHASE=RUN on a HELD job); nothing by default.
  virtual void release(RunHandle const& /*handle*/) {}
};

}  // namespace vocloud::uws
