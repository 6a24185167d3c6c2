#pragma once
// Jobs persist in SQLite (WAL) under the store folder, beside jobs/<id>/ which holds each
// job's experiment, logs and outputs. Every method is safe to call from several threads;
// a change of any job wakes the threads blocked in waitForChange (UWS WAIT).
#include "uws/job.hpp"
#include "uws/sqlite_db.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vocloud::uws {

/// Which jobs a list shows (UWS 1.1 job list filters).
struct JobFilter {
  std::string owner;            ///< empty: every owner (supervisor)
  std::set<Phase> phases;       ///< PHASE=...; empty: every phase but ARCHIVED
  std::optional<double> after;  ///< AFTER: created strictly after (epoch seconds)
  std::optional<int> last;      ///< LAST: only the N most recently created
};

class JobStore {
 public:
  /// Opens or creates `<dir>/jobs.sqlite` and `<dir>/jobs/`.
  explicit JobStore(std::string const& dir);

  /// Folder of one job: `<dir>/jobs/<id>`.
  std::string jobDir(std::string const& id) const;

  /// Inserts a new job (its seq is assigned) and returns it.
  Job create(Job job);
  std::optional<Job> get(std::string const& id) const;
  /// Jobs matching `filter`, by creation time, newest first when LAST is given, else oldest
  /// first.
  std::vector<Job> list(JobFilter const& filter) const;
  /// Jobs in any of `phases`, oldest first (the scheduler's queue and reconciliation).
  std::vector<Job> inPhases(std::set<Phase> const& phases) const;
  /// Ids of the jobs whose destruction time is at or before `now` (the reaper's work).
  std::vector<std::string> dueForDestruction(double now) const;
  /// Writes every field of `job` (matched by id) and wakes waiters.
  void update(Job const& job);
  /// Deletes the row (the caller removes the folder) and wakes waiters.
  void remove(std::string const& id);

  /// Blocks until job `id` is no longer in `phase` (or is gone), or until `seconds` pass.
  /// Returns the job as it is then.
  std::optional<Job> waitForChange(std::string const& id, Phase phase, double seconds) const;
  /// Wakes every waiter (used on shutdown).
  void wakeAll();

 private:
  std::optional<Job> getLocked(std::string const& id) const;
  std::string _dir;
  mutable std::mutex _mutex;
  mutable std::condition_variable _changed;
  bool _stopping = false;
  mutable Database _db;
};

}  // namespace vocloud::uws
