#pragma once
// Runs jobs as Slurm batch jobs: the template (slurm/uws-job.sbatch.in) is rendered into
// <jobDir>/job.sbatch with values the service checked, submitted with `sbatch --parsable`,
// and the Slurm job id kept in the job store. The script runs `vocloud-uws run-job` (the same
// monitor as the local launcher, which writes exit_code and results.tar.gz) around
// `srun --mpi=<plugin> vocloud run ...`. The state comes from `scontrol -o show job` while
// Slurm remembers the job, then from `sacct -c` (job completion records), then from the
// monitor's exit_code. Every command is run by argv, never through a shell.
#include "uws/command.hpp"
#include "uws/launcher.hpp"
#include "uws/service_config.hpp"

#include <map>
#include <string>
#include <vector>

namespace vocloud::uws {

/// The placeholders of the batch script template for one job: JOB_ID, JOB_DIR, EXPERIMENT,
/// OUTPUT, MONITOR (vocloud-uws), VOCLOUD, NODES, TASKS, TIME, PARTITION, ACCOUNT, MPI.
std::map<std::string, std::string> batchValues(SlurmOptions const& options,
                                               std::string const& monitor,
                                               std::string const& vocloud,
                                               LaunchRequest const& request);

class SlurmLauncher final : public Launcher {
 public:
  /// `self` is the vocloud-uws executable (the monitor in the script); `vocloud` the engine.
  /// Both must be at the same paths on the compute nodes.
  SlurmLauncher(SlurmOptions options, std::string self, std::string vocloud);
  /// Renders and submits the script; throws vocloud::Error ("uws: launcher: ...") with
  /// sbatch's message when Slurm refuses it.
  RunHandle start(LaunchRequest const& request) override;
  RunStatus poll(RunHandle const& handle, std::string const& jobDir) override;
  /// scontrol suspend / resume (Slurm allows these to operators and administrators only);
  /// throw vocloud::Error with Slurm's message when refused.
  void suspend(RunHandle const& handle) override;
  void resume(RunHandle const& handle) override;
  /// scancel: SIGTERM to the job's steps and script, SIGKILL after Slurm's KillWait.
  void terminate(RunHandle const& handle) override;
  /// scancel --full --signal=KILL (a pending job: scancel).
  void kill(RunHandle const& handle) override;
  bool queuesRuns() const override { return true; }
  /// scontrol release of a job held in the queue.
  void release(RunHandle const& handle) override;

 private:
  CommandResult slurm(std::vector<std::string> const& argv) const;
  void mustSucceed(std::vector<std::string> const& argv) const;
  SlurmOptions _options;
  std::string _self;
  std::string _vocloud;
  std::string _template;  ///< the template's text, read once
};

}  // namespace vocloud::uws
