#pragma once
// Moves jobs through their phases: a queue with at most `maxRunning` jobs EXECUTING (the rest
// QUEUED), the runs watched through a Launcher, executionduration enforced (the run is
// aborted when it runs past it), destruction enforced by a reaper that deletes the job and
// its folder, and, on start, every non-final job reconciled with its launcher.
#include "uws/job_store.hpp"
#include "uws/launcher.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace vocloud::uws {

struct SchedulerOptions {
  int maxRunning = 2;
  int maxRunningPerUser = 0;  ///< 0: no limit per user
  double pollSeconds = 0.2;
  double killGraceSeconds = 5;
  double reaperSeconds = 60;
};

class Scheduler {
 public:
  Scheduler(JobStore& store, Launcher& launcher, SchedulerOptions options);
  ~Scheduler();
  Scheduler(Scheduler const&) = delete;
  Scheduler& operator=(Scheduler const&) = delete;

  /// Reconciles non-final jobs with the launcher, then starts the watching thread.
  void start();
  /// Stops the thread (runs keep going; a later start adopts them).
  void stop();

  /// PHASE=RUN: a PENDING (or HELD) job becomes QUEUED. Returns "" or why not.
  std::string run(std::string const& id);
  /// PHASE=ABORT: a non-final job becomes ABORTED; a run gets SIGTERM, then SIGKILL.
  std::string abort(std::string const& id, std::string const& why = "");
  /// PHASE=SUSPEND / RESUME (extension): EXECUTING <-> SUSPENDED.
  std::string suspend(std::string const& id);
  std::string resume(std::string const& id);
  /// Changes a job's settings: `edit` gets the job as stored now and returns "" (then the
  /// job is written) or why not. Runs under the scheduler's lock, so no phase change made
  /// meanwhile is overwritten.
  std::string change(std::string const& id, std::function<std::string(Job&)> const& edit);
  /// ACTION=DELETE: aborts the run if any, removes the row and the folder.
  void remove(std::string const& id);

  /// One pass of the watching loop (tests call it directly).
  void tick();

  /// Called (on the scheduler's thread or a request's, under the scheduler's lock) each time
  /// a job reaches a final phase; must be quick (the mailer only queues). Set before start().
  void onFinal(std::function<void(Job const&)> hook) { _onFinal = std::move(hook); }

 private:
  void reconcile();
  void watchRunning();
  /// Sets the phase the run's status stands for; false when the run is over (then finished).
  bool applyStatus(Job& job, RunStatus const& status);
  void finish(Job job, RunStatus const& status);
  void startQueued();
  void launch(Job& job);
  void killLateAborts();
  void reap();
  void removeLocked(std::string const& id);
  void loop();
  /// Stores a job that has just reached a final phase and tells the onFinal hook.
  void storeEnded(Job const& job);

  JobStore& _store;
  Launcher& _launcher;
  SchedulerOptions _options;
  std::mutex _mutex;                                              ///< one phase change at a time
  std::map<std::string, std::pair<RunHandle, double>> _aborting;  ///< id -> run, kill deadline
  double _lastReap = 0;
  std::atomic<bool> _stop{false};
  std::mutex _wakeMutex;
  std::condition_variable _wake;
  std::thread _thread;
  std::function<void(Job const&)> _onFinal;
};

}  // namespace vocloud::uws
