#include "uws/slurm_launcher.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "uws/slurm_batch.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace vocloud::uws {

namespace {

std::string readText(std::string const& path) {
  std::ifstream in(path);
  if (!in) throw Error("uws: slurm: slurm.template: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<int> readExitCode(std::string const& jobDir) {
  std::ifstream in(jobDir + "/exit_code");
  int code = 0;
  if (in >> code) return code;
  return std::nullopt;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Slurm's answer in a message: stderr, else stdout, else the status.
std::string slurmSaid(CommandResult const& r) {
  if (r.timedOut) return "timed out";
  std::string const said = trimmed(!r.err.empty() ? r.err : r.out);
  return said.empty() ? "exit status " + std::to_string(r.status) : said;
}

}  // namespace

std::map<std::string, std::string> batchValues(SlurmOptions const& options,
                                               std::string const& monitor,
                                               std::string const& vocloud,
                                               LaunchRequest const& request) {
  return {{"JOB_ID", request.jobId},
          {"JOB_DIR", request.jobDir},
          {"EXPERIMENT", request.experimentFile},
          {"OUTPUT", request.outputDir},
          {"MONITOR", monitor},
          {"VOCLOUD", vocloud},
          {"NODES", std::to_string(options.nodes)},
          {"TASKS", std::to_string(options.tasks)},
          {"TIME", options.time},
          {"PARTITION", options.partition},
          {"ACCOUNT", options.account},
          {"MPI", options.mpi}};
}

SlurmLauncher::SlurmLauncher(SlurmOptions options, std::string self, std::string vocloud)
    : _options(std::move(options)),
      _self(std::move(self)),
      _vocloud(std::move(vocloud)),
      _template(readText(_options.templatePath)) {
  // A template that cannot be filled is refused now, not at the first job.
  LaunchRequest probe{"0123456789abcdef", "/jobs/0123456789abcdef",
                      "/jobs/0123456789abcdef/experiment.yaml", "/jobs/0123456789abcdef/output"};
  renderBatchScript(_template, batchValues(_options, _self, _vocloud, probe),
                    _options.templatePath);
}

CommandResult SlurmLauncher::slurm(std::vector<std::string> const& argv) const {
  return runCommand(argv, _options.commandSeconds);
}

void SlurmLauncher::mustSucceed(std::vector<std::string> const& argv) const {
  auto const r = slurm(argv);
  if (r.status != 0 || r.timedOut)
    throw Error("uws: launcher: " + commandText(argv) + " failed: " + slurmSaid(r));
}

RunHandle SlurmLauncher::start(LaunchRequest const& request) {
  std::string const script = request.jobDir + "/job.sbatch";
  core::writeFileAtomic(
      script, renderBatchScript(_template, batchValues(_options, _self, _vocloud, request),
                                _options.templatePath));
  ::unlink((request.jobDir + "/exit_code").c_str());
  std::vector<std::string> const argv = {"sbatch", "--parsable", script};
  auto const r = slurm(argv);
  auto const id = parseSbatchId(r.out);
  if (r.status != 0 || r.timedOut || !id)
    throw Error("uws: launcher: sbatch refused the job: " + slurmSaid(r));
  RunHandle handle;
  handle.slurmId = *id;
  return handle;
}

// scontrol while Slurm remembers the job (MinJobAge after its end), then sacct -c (the job
// completion records), then the exit status the monitor wrote. A command that fails for
// another reason (slurmctld down) leaves the phase as it is: Running.
RunStatus SlurmLauncher::poll(RunHandle const& handle, std::string const& jobDir) {
  std::string const id = std::to_string(handle.slurmId);
  auto const shown = slurm({"scontrol", "-o", "show", "job", id});
  if (shown.status == 0 && !shown.timedOut) {
    auto const fields = parseSlurmFields(shown.out.substr(0, shown.out.find('\n')));
    if (auto it = fields.find("JobState"); it != fields.end()) {
      auto reason = fields.find("Reason"), exit = fields.find("ExitCode");
      return slurmRunStatus(handle.slurmId, it->second,
                            reason == fields.end() ? "" : reason->second,
                            exit == fields.end() ? "" : exit->second);
    }
  }
  if (shown.err.find("Invalid job id") == std::string::npos) return RunStatus{};
  auto const acct = slurm({"sacct", "-c", "-n", "-P", "-j", id, "-o", "jobid,state,exitcode"});
  if (acct.status == 0 && !acct.timedOut)
    if (auto status = sacctStatus(handle.slurmId, acct.out)) return *status;
  RunStatus status;
  status.state = RunState::Exited;
  status.exitCode = readExitCode(jobDir).value_or(-1);
  if (status.exitCode < 0)
    status.note = "Slurm job " + id + " is no longer known to scontrol or sacct -c";
  return status;
}

void SlurmLauncher::suspend(RunHandle const& handle) {
  mustSucceed({"scontrol", "suspend", std::to_string(handle.slurmId)});
}

void SlurmLauncher::resume(RunHandle const& handle) {
  mustSucceed({"scontrol", "resume", std::to_string(handle.slurmId)});
}

void SlurmLauncher::release(RunHandle const& handle) {
  mustSucceed({"scontrol", "release", std::to_string(handle.slurmId)});
}

// Failures are reported, not thrown: the job is ABORTED either way, and the scheduler
// tries kill() again after launcher.kill_grace.
void SlurmLauncher::terminate(RunHandle const& handle) {
  std::vector<std::string> const argv = {"scancel", std::to_string(handle.slurmId)};
  auto const r = slurm(argv);
  if (r.status != 0 || r.timedOut)
    std::fprintf(stderr, "vocloud-uws: %s: %s\n", commandText(argv).c_str(), slurmSaid(r).c_str());
}

// Slurm refuses a signal to a job still pending: that one is cancelled plainly.
void SlurmLauncher::kill(RunHandle const& handle) {
  std::string const id = std::to_string(handle.slurmId);
  auto const r = slurm({"scancel", "--full", "--signal=KILL", id});
  if (r.status != 0 || r.timedOut) slurm({"scancel", id});
}

}  // namespace vocloud::uws
