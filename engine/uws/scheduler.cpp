#include "uws/scheduler.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <thread>

namespace vocloud::uws {

namespace {

/// How long removing a job waits for its killed run to end before removing its folder.
constexpr double kRemoveWaitSeconds = 3.0;

RunHandle handleOf(Job const& job) {
  RunHandle h;
  h.pid = job.pid;
  h.start = job.pidStart;
  h.slurmId = job.slurmId;
  return h;
}

// The phases in which a job may have a run to watch: a batch launcher's run waits QUEUED (or
// HELD) in the batch queue before it executes.
std::set<Phase> const kWatched = {Phase::Queued, Phase::Held, Phase::Executing, Phase::Suspended};

// The phase a batch system's state stands for; nullopt: the launcher cannot tell (a local
// run), the phase stays as the service set it.
std::optional<Phase> phaseOf(RunState state) {
  switch (state) {
    case RunState::BatchQueued:
      return Phase::Queued;
    case RunState::BatchHeld:
      return Phase::Held;
    case RunState::BatchRunning:
      return Phase::Executing;
    case RunState::BatchSuspended:
      return Phase::Suspended;
    default:
      return std::nullopt;
  }
}

// Runs a launcher action; "" or the launcher's error (a batch command that failed).
std::string tryLauncher(std::function<void()> const& action) {
  try {
    action();
    return "";
  } catch (std::exception const& e) {
    std::string message = e.what();
    // The route prefixes "uws: " itself.
    return message.rfind("uws: ", 0) == 0 ? message.substr(5) : message;
  }
}

// The last lines of the run's stderr, for the error summary: enough to hold vocloud's own
// message above mpirun's report of the failed rank (about 8 lines).
std::string stderrTail(std::string const& jobDir, std::size_t lines = 15) {
  std::ifstream in(jobDir + "/stderr.log");
  std::vector<std::string> kept;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of("- ") == std::string::npos ||
        line.rfind("vocloud-uws: run ended", 0) == 0)
      continue;
    kept.push_back(line);
    if (kept.size() > lines) kept.erase(kept.begin());
  }
  std::string text;
  for (auto const& l : kept) text += (text.empty() ? "" : "\n") + l;
  return text;
}

}  // namespace

Scheduler::Scheduler(JobStore& store, Launcher& launcher, SchedulerOptions options)
    : _store(store), _launcher(launcher), _options(options) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::start() {
  reconcile();
  _stop = false;
  _thread = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  _stop = true;
  _wake.notify_all();
  if (_thread.joinable()) _thread.join();
}

void Scheduler::loop() {
  while (!_stop) {
    try {
      tick();
    } catch (std::exception const& e) {
      std::fprintf(stderr, "vocloud-uws: scheduler: %s\n", e.what());
    }
    std::unique_lock lock(_wakeMutex);
    _wake.wait_for(lock, std::chrono::duration<double>(_options.pollSeconds),
                   [this] { return _stop.load(); });
  }
}

void Scheduler::tick() {
  std::lock_guard lock(_mutex);
  watchRunning();
  killLateAborts();
  startQueued();
  if (nowSeconds() - _lastReap >= _options.reaperSeconds) reap();
}

// A run that was started before the service stopped: still running (a local run found by pid
// and start time, a Slurm job by its id) -> kept, in the phase its batch system reports;
// ended -> its exit status (or the batch system's end state) decides the phase.
void Scheduler::reconcile() {
  std::lock_guard lock(_mutex);
  for (auto& job : _store.inPhases(kWatched)) {
    if (!hasRun(job)) continue;
    applyStatus(job, _launcher.poll(handleOf(job), _store.jobDir(job.id)));
  }
}

bool Scheduler::applyStatus(Job& job, RunStatus const& status) {
  if (isOver(status.state)) {
    finish(job, status);
    return false;
  }
  auto const phase = phaseOf(status.state);
  if (phase && *phase != job.phase) {
    if (*phase == Phase::Executing && (job.phase == Phase::Queued || job.phase == Phase::Held))
      job.startTime = nowSeconds();  // the batch system started it now
    job.phase = *phase;
    _store.update(job);
  }
  return true;
}

void Scheduler::watchRunning() {
  double const now = nowSeconds();
  for (auto& job : _store.inPhases(kWatched)) {
    if (!hasRun(job)) continue;
    auto const status = _launcher.poll(handleOf(job), _store.jobDir(job.id));
    if (!applyStatus(job, status)) continue;
    bool const started = job.phase == Phase::Executing || job.phase == Phase::Suspended;
    if (started && job.executionDuration > 0 && now - job.startTime > job.executionDuration) {
      _launcher.terminate(handleOf(job));
      _aborting[job.id] = {handleOf(job), now + _options.killGraceSeconds};
      job.phase = Phase::Aborted;
      job.endTime = now;
      job.error = "the job ran past its executionduration of " +
                  std::to_string(job.executionDuration) + " s and was aborted";
      storeEnded(job);
    }
  }
}

void Scheduler::finish(Job job, RunStatus const& status) {
  job.exitCode = status.exitCode;
  job.endTime = nowSeconds();
  if (status.state == RunState::Stopped) {
    job.phase = Phase::Aborted;  // cancelled or past its time limit in the batch system
    job.error = status.note;
  } else if (status.exitCode == 0) {
    job.phase = Phase::Completed;
  } else {
    job.phase = Phase::Error;
    std::string const tail = stderrTail(_store.jobDir(job.id));
    std::string const what =
        !status.note.empty() ? status.note
        : status.exitCode < 0
            ? std::string("the run vanished without an exit status")
            : "vocloud run ended with exit status " + std::to_string(status.exitCode);
    job.error = what + (tail.empty() ? "" : ":\n" + tail);
  }
  storeEnded(job);
}

void Scheduler::storeEnded(Job const& job) {
  _store.update(job);
  if (!_onFinal) return;
  try {
    _onFinal(job);
  } catch (std::exception const& e) {  // a notice never fails the job
    std::fprintf(stderr, "vocloud-uws: job %s ended, but its notice failed: %s\n", job.id.c_str(),
                 e.what());
  }
}

void Scheduler::killLateAborts() {
  double const now = nowSeconds();
  for (auto it = _aborting.begin(); it != _aborting.end();) {
    auto const status = _launcher.poll(it->second.first, _store.jobDir(it->first));
    if (isOver(status.state)) {
      // A deleted job's run may have written into its folder after the folder went.
      if (!_store.get(it->first)) core::removeAll(_store.jobDir(it->first));
      it = _aborting.erase(it);
      continue;
    }
    if (now > it->second.second) _launcher.kill(it->second.first);
    ++it;
  }
}

// Oldest first, while the launcher has room; a job whose owner already runs
// maxRunningPerUser jobs waits and lets later jobs of other users pass.
// A job submitted to a batch queue (QUEUED or HELD with a run) counts as running here: the
// limit is on the runs this service has started.
void Scheduler::startQueued() {
  std::map<std::string, int> perUser;
  std::size_t started = 0;
  std::vector<Job> waiting;
  for (auto& job : _store.inPhases(kWatched)) {
    bool const running = job.phase == Phase::Executing || job.phase == Phase::Suspended;
    if (running || hasRun(job)) {
      ++started;
      ++perUser[job.owner];
    } else if (job.phase == Phase::Queued) {
      waiting.push_back(job);
    }
  }
  for (auto& job : waiting) {
    if (started >= std::size_t(_options.maxRunning)) break;
    if (_options.maxRunningPerUser > 0 && perUser[job.owner] >= _options.maxRunningPerUser)
      continue;
    launch(job);
    if (hasRun(job)) {
      ++started;
      ++perUser[job.owner];
    }
  }
}

void Scheduler::launch(Job& job) {
  LaunchRequest request;
  request.jobId = job.id;
  request.jobDir = std::filesystem::absolute(_store.jobDir(job.id)).string();
  request.experimentFile = request.jobDir + "/experiment.yaml";
  request.outputDir = request.jobDir + "/output";
  // A privileged user's job writing into the shared base of knowledge (routes checked it).
  if (std::ifstream shared(request.jobDir + "/output_dir"); shared)
    std::getline(shared, request.outputDir);
  try {
    auto const handle = _launcher.start(request);
    job.pid = handle.pid;
    job.pidStart = handle.start;
    job.slurmId = handle.slurmId;
    // A batch job stays QUEUED until its batch system runs it (startTime is set then).
    job.phase = _launcher.queuesRuns() ? Phase::Queued : Phase::Executing;
    if (job.phase == Phase::Executing) job.startTime = nowSeconds();
  } catch (std::exception const& e) {
    job.phase = Phase::Error;
    job.endTime = nowSeconds();
    job.error = e.what();
  }
  if (isFinal(job.phase))
    storeEnded(job);
  else
    _store.update(job);
}

void Scheduler::reap() {
  _lastReap = nowSeconds();
  for (auto const& id : _store.dueForDestruction(_lastReap)) removeLocked(id);
}

std::string Scheduler::run(std::string const& id) {
  std::lock_guard lock(_mutex);
  auto job = _store.get(id);
  if (!job) return "no such job";
  if (job->phase == Phase::Queued || job->phase == Phase::Executing) return "";
  if (job->phase == Phase::Held && hasRun(*job)) {  // held in the batch queue: release it
    return tryLauncher([&] { _launcher.release(handleOf(*job)); });
  }
  if (job->phase != Phase::Pending && job->phase != Phase::Held)
    return "the job is " + phaseName(job->phase) + ": only a PENDING job can be run";
  job->phase = Phase::Queued;
  _store.update(*job);
  _wake.notify_all();
  return "";
}

std::string Scheduler::abort(std::string const& id, std::string const& why) {
  std::lock_guard lock(_mutex);
  auto job = _store.get(id);
  if (!job) return "no such job";
  if (isFinal(job->phase)) return "";
  if (hasRun(*job)) {  // executing, suspended, or waiting in a batch queue
    _launcher.terminate(handleOf(*job));
    _aborting[id] = {handleOf(*job), nowSeconds() + _options.killGraceSeconds};
  }
  job->phase = Phase::Aborted;
  job->endTime = nowSeconds();
  job->error = why;
  storeEnded(*job);
  _wake.notify_all();
  return "";
}

std::string Scheduler::suspend(std::string const& id) {
  std::lock_guard lock(_mutex);
  auto job = _store.get(id);
  if (!job) return "no such job";
  if (job->phase == Phase::Suspended) return "";
  if (job->phase != Phase::Executing)
    return "the job is " + phaseName(job->phase) + ": only an EXECUTING job can be suspended";
  if (auto problem = tryLauncher([&] { _launcher.suspend(handleOf(*job)); }); !problem.empty())
    return problem;
  job->phase = Phase::Suspended;
  _store.update(*job);
  return "";
}

std::string Scheduler::resume(std::string const& id) {
  std::lock_guard lock(_mutex);
  auto job = _store.get(id);
  if (!job) return "no such job";
  if (job->phase == Phase::Executing) return "";
  if (job->phase != Phase::Suspended)
    return "the job is " + phaseName(job->phase) + ": only a SUSPENDED job can be resumed";
  if (auto problem = tryLauncher([&] { _launcher.resume(handleOf(*job)); }); !problem.empty())
    return problem;
  job->phase = Phase::Executing;
  _store.update(*job);
  return "";
}

std::string Scheduler::change(std::string const& id, std::function<std::string(Job&)> const& edit) {
  std::lock_guard lock(_mutex);
  auto job = _store.get(id);
  if (!job) return "no such job";
  std::string const problem = edit(*job);
  if (problem.empty()) _store.update(*job);
  return problem;
}

void Scheduler::remove(std::string const& id) {
  std::lock_guard lock(_mutex);
  removeLocked(id);
}

void Scheduler::removeLocked(std::string const& id) {
  auto job = _store.get(id);
  if (!job) return;
  // The killed run is kept in _aborting until it is reaped (no zombie is left behind).
  if (!isFinal(job->phase) && hasRun(*job)) _aborting[id] = {handleOf(*job), 0.0};
  if (auto it = _aborting.find(id); it != _aborting.end()) {
    // A run told to stop (an ABORT just before) may still be writing its output or its exit
    // code: kill it and give it a moment to end, so that the folder removed below stays
    // removed. A run that outlives the wait is reaped by killLateAborts, which removes the
    // folder again.
    _launcher.kill(it->second.first);
    double const deadline = nowSeconds() + kRemoveWaitSeconds;
    while (!isOver(_launcher.poll(it->second.first, _store.jobDir(id)).state) &&
           nowSeconds() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  _store.remove(id);
  core::removeAll(_store.jobDir(id));
}

}  // namespace vocloud::uws
