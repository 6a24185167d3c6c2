#include "uws/scheduler.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/log.hpp"

#include <filesystem>
#include <fstream>

namespace vocloud::uws {

namespace {

RunHandle handleOf(Job const& job) {
  RunHandle h;
  h.pid = job.pid;
  h.start = job.pidStart;
  return h;
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

// A run that was EXECUTING or SUSPENDED when the service stopped: still running (found by pid
// and start time) -> kept; ended -> its exit_code decides the phase.
void Scheduler::reconcile() {
  std::lock_guard lock(_mutex);
  for (auto& job : _store.inPhases({Phase::Executing, Phase::Suspended})) {
    auto const status = _launcher.poll(handleOf(job), _store.jobDir(job.id));
    if (status.state == RunState::Exited) finish(job, status);
  }
}

void Scheduler::watchRunning() {
  double const now = nowSeconds();
  for (auto& job : _store.inPhases({Phase::Executing, Phase::Suspended})) {
    auto const status = _launcher.poll(handleOf(job), _store.jobDir(job.id));
    if (status.state == RunState::Exited) {
      finish(job, status);
    } else if (job.executionDuration > 0 && now - job.startTime > job.executionDuration) {
      _launcher.terminate(handleOf(job));
      _aborting[job.id] = {handleOf(job), now + _options.killGraceSeconds};
      job.phase = Phase::Aborted;
      job.endTime = now;
      job.error = "the job ran past its executionduration of " +
                  std::to_string(job.executionDuration) + " s and was aborted";
      _store.update(job);
    }
  }
}

void Scheduler::finish(Job job, RunStatus const& status) {
  job.exitCode = status.exitCode;
  job.endTime = nowSeconds();
  if (status.exitCode == 0) {
    job.phase = Phase::Completed;
  } else {
    job.phase = Phase::Error;
    std::string const tail = stderrTail(_store.jobDir(job.id));
    job.error = (status.exitCode < 0
                     ? std::string("the run vanished without an exit status")
                     : "vocloud run ended with exit status " + std::to_string(status.exitCode)) +
                (tail.empty() ? "" : ":\n" + tail);
  }
  _store.update(job);
}

void Scheduler::killLateAborts() {
  double const now = nowSeconds();
  for (auto it = _aborting.begin(); it != _aborting.end();) {
    auto const status = _launcher.poll(it->second.first, _store.jobDir(it->first));
    if (status.state == RunState::Exited) {
      it = _aborting.erase(it);
      continue;
    }
    if (now > it->second.second) _launcher.kill(it->second.first);
    ++it;
  }
}

// Oldest first, while the launcher has room; a job whose owner already runs
// maxRunningPerUser jobs waits and lets later jobs of other users pass.
void Scheduler::startQueued() {
  auto const running = _store.inPhases({Phase::Executing, Phase::Suspended});
  std::map<std::string, int> perUser;
  for (auto const& job : running) ++perUser[job.owner];
  std::size_t started = running.size();
  for (auto& job : _store.inPhases({Phase::Queued})) {
    if (started >= std::size_t(_options.maxRunning)) break;
    if (_options.maxRunningPerUser > 0 && perUser[job.owner] >= _options.maxRunningPerUser)
      continue;
    launch(job);
    if (job.phase == Phase::Executing) {
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
  job.startTime = nowSeconds();
  try {
    auto const handle = _launcher.start(request);
    job.pid = handle.pid;
    job.pidStart = handle.start;
    job.phase = Phase::Executing;
  } catch (std::exception const& e) {
    job.phase = Phase::Error;
    job.endTime = nowSeconds();
    job.error = e.what();
  }
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
  if ((job->phase == Phase::Executing || job->phase == Phase::Suspended) && job->pid > 0) {
    _launcher.terminate(handleOf(*job));
    _aborting[id] = {handleOf(*job), nowSeconds() + _options.killGraceSeconds};
  }
  job->phase = Phase::Aborted;
  job->endTime = nowSeconds();
  job->error = why;
  _store.update(*job);
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
  _launcher.suspend(handleOf(*job));
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
  _launcher.resume(handleOf(*job));
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
  if (!isFinal(job->phase) && job->pid > 0) _aborting[id] = {handleOf(*job), 0.0};
  if (auto it = _aborting.find(id); it != _aborting.end()) _launcher.kill(it->second.first);
  _store.remove(id);
  core::removeAll(_store.jobDir(id));
}

}  // namespace vocloud::uws
