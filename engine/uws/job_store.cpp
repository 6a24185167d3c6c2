#include "uws/job_store.hpp"

#include "core/files.hpp"

#include <chrono>

namespace vocloud::uws {

namespace {

constexpr char const* kSchema = R"(
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT UNIQUE NOT NULL,
  owner TEXT NOT NULL,
  run_id TEXT NOT NULL DEFAULT '',
  phase TEXT NOT NULL,
  creation_time REAL NOT NULL,
  start_time REAL NOT NULL DEFAULT 0,
  end_time REAL NOT NULL DEFAULT 0,
  execution_duration INTEGER NOT NULL DEFAULT 0,
  destruction REAL NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  pid INTEGER NOT NULL DEFAULT 0,
  pid_start INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER NOT NULL DEFAULT -1,
  slurm_id INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner);
CREATE INDEX IF NOT EXISTS jobs_phase ON jobs(phase);
CREATE INDEX IF NOT EXISTS jobs_destruction ON jobs(destruction);
)";

constexpr char const* kColumns =
    "seq, id, owner, run_id, phase, creation_time, start_time, end_time, execution_duration, "
    "destruction, error, pid, pid_start, exit_code, slurm_id";

Job readJob(Statement const& s) {
  Job job;
  job.seq = s.integer(0);
  job.id = s.text(1);
  job.owner = s.text(2);
  job.runId = s.text(3);
  job.phase = parsePhase(s.text(4)).value_or(Phase::Unknown);
  job.creationTime = s.real(5);
  job.startTime = s.real(6);
  job.endTime = s.real(7);
  job.executionDuration = s.integer(8);
  job.destruction = s.real(9);
  job.error = s.text(10);
  job.pid = s.integer(11);
  job.pidStart = static_cast<std::uint64_t>(s.integer(12));
  job.exitCode = static_cast<int>(s.integer(13));
  job.slurmId = s.integer(14);
  return job;
}

// Binds the fields after seq and id, from index `first`.
void bindFields(Statement& s, Job const& job, int first) {
  s.bind(first, job.owner).bind(first + 1, job.runId).bind(first + 2, phaseName(job.phase));
  s.bindDouble(first + 3, job.creationTime).bindDouble(first + 4, job.startTime);
  s.bindDouble(first + 5, job.endTime).bind(first + 6, job.executionDuration);
  s.bindDouble(first + 7, job.destruction).bind(first + 8, job.error);
  s.bind(first + 9, job.pid).bind(first + 10, static_cast<std::int64_t>(job.pidStart));
  s.bind(first + 11, static_cast<std::int64_t>(job.exitCode)).bind(first + 12, job.slurmId);
}

// A store written before the Slurm launcher existed has no slurm_id column: add it.
void addMissingColumns(Database& db) {
  auto s = db.prepare("SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = 'slurm_id'");
  if (s.step() && s.integer(0) == 0)
    db.exec("ALTER TABLE jobs ADD COLUMN slurm_id INTEGER NOT NULL DEFAULT 0");
}

}  // namespace

JobStore::JobStore(std::string const& dir)
    : _dir(dir), _db((core::makeDirectories(dir + "/jobs"), dir + "/jobs.sqlite")) {
  _db.exec(kSchema);
  addMissingColumns(_db);
}

std::string JobStore::jobDir(std::string const& id) const {
  return _dir + "/jobs/" + id;
}

Job JobStore::create(Job job) {
  std::lock_guard lock(_mutex);
  auto s = _db.prepare(
      "INSERT INTO jobs (id, owner, run_id, phase, creation_time, start_time, end_time, "
      "execution_duration, destruction, error, pid, pid_start, exit_code, slurm_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  s.bind(1, job.id);
  bindFields(s, job, 2);
  s.run();
  _changed.notify_all();
  return *getLocked(job.id);
}

std::optional<Job> JobStore::getLocked(std::string const& id) const {
  auto s = _db.prepare(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return readJob(s);
}

std::optional<Job> JobStore::get(std::string const& id) const {
  std::lock_guard lock(_mutex);
  return getLocked(id);
}

std::vector<Job> JobStore::list(JobFilter const& filter) const {
  std::string sql = std::string("SELECT ") + kColumns + " FROM jobs WHERE 1=1";
  if (!filter.owner.empty()) sql += " AND owner = ?1";
  // Creation times are whole milliseconds: half a millisecond keeps AFTER=<a job's own
  // creationTime> from matching that job through rounding.
  if (filter.after) sql += " AND creation_time > ?2 + 0.0005";
  sql += filter.last ? " ORDER BY creation_time DESC, seq DESC LIMIT ?3" : " ORDER BY seq";
  std::lock_guard lock(_mutex);
  auto s = _db.prepare(sql);
  if (!filter.owner.empty()) s.bind(1, filter.owner);
  if (filter.after) s.bindDouble(2, *filter.after);
  if (filter.last) s.bind(3, static_cast<std::int64_t>(*filter.last));
  std::vector<Job> jobs;
  while (s.step()) {
    Job job = readJob(s);
    bool const wanted =
        filter.phases.empty() ? job.phase != Phase::Archived : filter.phases.count(job.phase) > 0;
    if (wanted) jobs.push_back(std::move(job));
  }
  return jobs;
}

std::vector<Job> JobStore::inPhases(std::set<Phase> const& phases) const {
  if (phases.empty()) return {};
  std::string sql = std::string("SELECT ") + kColumns + " FROM jobs WHERE phase IN (";
  for (std::size_t i = 0; i < phases.size(); ++i) sql += i == 0 ? "?" : ", ?";
  sql += ") ORDER BY seq";
  std::lock_guard lock(_mutex);
  auto s = _db.prepare(sql);
  int index = 1;
  for (auto phase : phases) s.bind(index++, phaseName(phase));
  std::vector<Job> jobs;
  while (s.step()) jobs.push_back(readJob(s));
  return jobs;
}

std::vector<std::string> JobStore::dueForDestruction(double now) const {
  std::lock_guard lock(_mutex);
  auto s = _db.prepare("SELECT id FROM jobs WHERE destruction > 0 AND destruction <= ?1");
  s.bindDouble(1, now);
  std::vector<std::string> ids;
  while (s.step()) ids.push_back(s.text(0));
  return ids;
}

void JobStore::update(Job const& job) {
  std::lock_guard lock(_mutex);
  auto s = _db.prepare(
      "UPDATE jobs SET owner = ?2, run_id = ?3, phase = ?4, creation_time = ?5, "
      "start_time = ?6, end_time = ?7, execution_duration = ?8, destruction = ?9, error = ?10, "
      "pid = ?11, pid_start = ?12, exit_code = ?13, slurm_id = ?14 WHERE id = ?1");
  s.bind(1, job.id);
  bindFields(s, job, 2);
  s.run();
  _changed.notify_all();
}

void JobStore::remove(std::string const& id) {
  std::lock_guard lock(_mutex);
  auto s = _db.prepare("DELETE FROM jobs WHERE id = ?1");
  s.bind(1, id);
  s.run();
  _changed.notify_all();
}

std::optional<Job> JobStore::waitForChange(std::string const& id, Phase phase,
                                           double seconds) const {
  auto const deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(seconds));
  std::unique_lock lock(_mutex);
  auto job = getLocked(id);
  while (job && job->phase == phase && !_stopping) {
    if (_changed.wait_until(lock, deadline) == std::cv_status::timeout) break;
    job = getLocked(id);
  }
  return job;
}

void JobStore::wakeAll() {
  std::lock_guard lock(_mutex);
  _stopping = true;
  _changed.notify_all();
}

}  // namespace vocloud::uws
