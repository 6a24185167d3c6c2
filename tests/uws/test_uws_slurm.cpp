// The Slurm launcher's pure pieces (the batch script rendered from its template, the checks
// of its values, what Slurm's answers mean) and the scheduler driven by a scripted batch
// launcher: the phases follow the batch states, and a restart reconciles by the Slurm id.
// Slurm's own output (scontrol, sacct -c) in the fixtures was copied from Slurm 22.05.
#include "config/config.hpp"
#include "core/error.hpp"
#include "uws/job_store.hpp"
#include "uws/scheduler.hpp"
#include "uws/service_config.hpp"
#include "uws/slurm_batch.hpp"
#include "uws/slurm_launcher.hpp"
#include "uws/sqlite_db.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/temp_dir.hpp"

using namespace vocloud;
namespace fs = std::filesystem;

namespace {

// One scratch folder per test, named after this file.
struct TempDir : test::TempDir {
  TempDir() : test::TempDir("vocloud-uws-slurm") {}
};

std::string errorOf(std::function<void()> const& action) {
  try {
    action();
  } catch (Error const& e) {
    return e.what();
  }
  return "";
}

bool has(std::string const& text, std::string const& part) {
  return text.find(part) != std::string::npos;
}

// A batch launcher whose answers the test sets: poll returns `state` for every run.
struct ScriptedLauncher final : uws::Launcher {
  uws::RunStatus state;
  std::int64_t nextId = 100;
  std::vector<std::string> calls;
  uws::RunHandle start(uws::LaunchRequest const&) override {
    uws::RunHandle h;
    h.slurmId = nextId++;
    calls.push_back("start " + std::to_string(h.slurmId));
    state.state = uws::RunState::BatchQueued;
    return h;
  }
  uws::RunStatus poll(uws::RunHandle const&, std::string const&) override { return state; }
  void suspend(uws::RunHandle const& h) override { record("suspend", h); }
  void resume(uws::RunHandle const& h) override { record("resume", h); }
  void terminate(uws::RunHandle const& h) override { record("terminate", h); }
  void kill(uws::RunHandle const& h) override { record("kill", h); }
  void release(uws::RunHandle const& h) override { record("release", h); }
  bool queuesRuns() const override { return true; }
  void record(std::string const& what, uws::RunHandle const& h) {
    calls.push_back(what + " " + std::to_string(h.slurmId));
  }
  void set(uws::RunState s, int code = -1, std::string note = "") {
    state.state = s;
    state.exitCode = code;
    state.note = std::move(note);
  }
};

uws::Job newJob(uws::JobStore& store, std::string const& id, uws::Phase phase) {
  uws::Job job;
  job.id = id;
  job.owner = "alice";
  job.creationTime = uws::nowSeconds();
  job.destruction = job.creationTime + 86400;
  job.phase = phase;
  fs::create_directories(store.jobDir(id));
  return store.create(job);
}

uws::SchedulerOptions fastOptions() {
  uws::SchedulerOptions o;
  o.maxRunning = 1;
  o.pollSeconds = 60;  // the tests call tick() themselves
  o.reaperSeconds = 1e9;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(uws_slurm_suite)

BOOST_AUTO_TEST_CASE(a_template_is_filled_and_empty_options_are_left_out) {
  std::string const text =
      "#!/bin/bash\n#SBATCH --partition=@PARTITION@\n#SBATCH --ntasks=@TASKS@\n"
      "exec '@VOCLOUD@' run  # @TASKS@ ranks\n";
  std::map<std::string, std::string> values = {
      {"PARTITION", ""}, {"TASKS", "4"}, {"VOCLOUD", "/opt/v/bin/vocloud"}};
  BOOST_TEST(uws::renderBatchScript(text, values, "t.in") ==
             "#!/bin/bash\n#SBATCH --ntasks=4\nexec '/opt/v/bin/vocloud' run  # 4 ranks\n");
  values["PARTITION"] = "compute,gpu";
  BOOST_TEST(
      has(uws::renderBatchScript(text, values, "t.in"), "#SBATCH --partition=compute,gpu\n"));
}

BOOST_AUTO_TEST_CASE(unknown_placeholders_and_shell_characters_are_refused) {
  std::map<std::string, std::string> values = {{"A", "ok"}};
  auto const unknown = errorOf([&] { uws::renderBatchScript("x\n@A@ @NOPE@\n", values, "t.in"); });
  BOOST_TEST(has(unknown, "uws: slurm: t.in:2: unknown placeholder @NOPE@"), unknown);
  for (std::string bad : {"a'b", "$(id)", "a b", "a;b", "a\nb", "`id`", "a\"b", "a\\b"}) {
    values["A"] = bad;
    auto const message = errorOf([&] { uws::renderBatchScript("'@A@'\n", values, "t.in"); });
    BOOST_TEST(has(message, "t.in:1: the value of @A@"), bad + " -> " + message);
  }
}

BOOST_AUTO_TEST_CASE(the_shipped_template_renders_to_a_valid_bash_script) {
  uws::SlurmOptions options;
  options.tasks = 3;
  options.account = "astro";
  uws::LaunchRequest request{"00ff00ff00ff00ff", "/st/jobs/00ff00ff00ff00ff",
                             "/st/jobs/00ff00ff00ff00ff/experiment.yaml",
                             "/st/jobs/00ff00ff00ff00ff/output"};
  std::string const path =
      std::string(std::getenv("VOCLOUD_SOURCE_DIR")) + "/slurm/uws-job.sbatch.in";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto const script = uws::renderBatchScript(
      text.str(), uws::batchValues(options, "/b/vocloud-uws", "/b/vocloud", request), path);
  BOOST_TEST(!std::regex_search(script, std::regex("@[A-Z][A-Z0-9_]*@")));
  BOOST_TEST(has(script, "#SBATCH --ntasks=3\n"));
  BOOST_TEST(has(script, "#SBATCH --account=astro\n"));
  BOOST_TEST(!has(script, "--partition"));  // empty: left to the cluster's default
  BOOST_TEST(has(script, "#SBATCH --output=/st/jobs/00ff00ff00ff00ff/stdout.log\n"));
  BOOST_TEST(has(script, "'/b/vocloud' run '/st/jobs/00ff00ff00ff00ff/experiment.yaml'"));
  TempDir dir;
  std::ofstream(dir.path / "job.sbatch") << script;
  std::string const check = "bash -n " + (dir.path / "job.sbatch").string();
  BOOST_TEST(std::system(check.c_str()) == 0);
}

BOOST_AUTO_TEST_CASE(sbatch_ids_and_scontrol_fields_are_read) {
  BOOST_TEST(uws::parseSbatchId("123\n").value_or(0) == 123);
  BOOST_TEST(uws::parseSbatchId("77;cluster1\n").value_or(0) == 77);
  BOOST_TEST(!uws::parseSbatchId(""));
  BOOST_TEST(!uws::parseSbatchId("sbatch: error: Batch job submission failed\n"));
  auto const fields = uws::parseSlurmFields(
      "JobId=2 JobName=wrap UserId=root(0) JobState=FAILED Reason=NonZeroExitCode "
      "Dependency=(null) Requeue=1 ExitCode=3:0 RunTime=00:00:04 TimeLimit=00:30:00");
  BOOST_TEST(fields.at("JobState") == "FAILED");
  BOOST_TEST(fields.at("Reason") == "NonZeroExitCode");
  BOOST_TEST(fields.at("ExitCode") == "3:0");
}

BOOST_AUTO_TEST_CASE(slurm_states_map_to_uws_phases) {
  using uws::RunState;
  auto state = [](std::string const& s, std::string const& reason = "None",
                  std::string const& exit = "0:0") {
    return uws::slurmRunStatus(7, s, reason, exit);
  };
  BOOST_TEST((state("PENDING").state == RunState::BatchQueued));
  BOOST_TEST((state("PENDING", "Resources").state == RunState::BatchQueued));
  BOOST_TEST((state("PENDING", "JobHeldUser").state == RunState::BatchHeld));
  BOOST_TEST((state("PENDING", "JobHeldAdmin").state == RunState::BatchHeld));
  BOOST_TEST((state("RUNNING").state == RunState::BatchRunning));
  BOOST_TEST((state("COMPLETING").state == RunState::BatchRunning));
  BOOST_TEST((state("SUSPENDED").state == RunState::BatchSuspended));
  auto const done = state("COMPLETED");
  BOOST_TEST((done.state == RunState::Exited && done.exitCode == 0));
  auto const failed = state("FAILED", "NonZeroExitCode", "3:0");
  BOOST_TEST((failed.state == RunState::Exited && failed.exitCode == 3));
  BOOST_TEST(has(failed.note, "Slurm job 7 ended FAILED"));
  BOOST_TEST(state("FAILED", "x", "0:9").exitCode == 137);  // killed by SIGKILL
  BOOST_TEST(state("NODE_FAIL").exitCode != 0);             // never COMPLETED
  BOOST_TEST((state("CANCELLED").state == RunState::Stopped));
  BOOST_TEST((state("CANCELLED by 0").state == RunState::Stopped));  // sacct's spelling
  BOOST_TEST((state("TIMEOUT").state == RunState::Stopped));
  BOOST_TEST(has(state("TIMEOUT").note, "time limit"));
  BOOST_TEST((state("SOMETHING_NEW").state == RunState::Running));  // no change
}

BOOST_AUTO_TEST_CASE(sacct_completion_records_are_read) {
  // `sacct -c -n -P -o jobid,state,exitcode` with JobCompType=jobcomp/filetxt.
  std::string const out = "1|COMPLETED|0:0\n2|FAILED|3:0\n3|CANCELLED by 0|0:15\n";
  auto const two = uws::sacctStatus(2, out);
  BOOST_TEST((two && two->state == uws::RunState::Exited && two->exitCode == 3));
  auto const three = uws::sacctStatus(3, out);
  BOOST_TEST((three && three->state == uws::RunState::Stopped));
  BOOST_TEST(!uws::sacctStatus(4, out));
  BOOST_TEST(!uws::sacctStatus(1, "11|FAILED|1:0\n"));
}

BOOST_AUTO_TEST_CASE(slurm_times_and_names_are_checked) {
  for (std::string ok : {"10", "10:30", "01:00:00", "2-12", "2-12:30", "2-12:30:00"})
    BOOST_TEST(uws::slurmTimeProblem(ok).empty(), ok);
  for (std::string bad : {"", "1h", "10;rm", "-1", "1:2:3:4", "2-"})
    BOOST_TEST(!uws::slurmTimeProblem(bad).empty(), bad);
  for (std::string ok : {"", "compute", "gpu,compute", "proj-1.x"})
    BOOST_TEST(uws::slurmNameProblem(ok).empty(), ok);
  for (std::string bad : {"a b", "x$(id)", "a'b", "a/b"})
    BOOST_TEST(!uws::slurmNameProblem(bad).empty(), bad);
}

BOOST_AUTO_TEST_CASE(the_slurm_launcher_config_is_checked_at_its_keys) {
  TempDir dir;
  std::ofstream(dir.path / "t.sbatch.in") << "#!/bin/bash\nsrun '@VOCLOUD@'\n";
  std::string const base = "users:\n  file: u.yaml\nlauncher:\n  kind: slurm\n";
  auto load = [&](std::string const& text) {
    return errorOf([&] {
      uws::serviceConfigFrom(
          config::loadConfigText(text, (dir.path / "uws.yaml").string(), {}, uws::serviceSchema()));
    });
  };
  BOOST_TEST(has(load(base), "slurm.template"), load(base));
  // Text configs leave paths as written (a file's are resolved from its folder).
  std::string const good =
      base + "slurm:\n  template: " + (dir.path / "t.sbatch.in").string() + "\n";
  BOOST_TEST(load(good).empty(), load(good));
  auto const time = load(good + "  time: 1h\n");
  BOOST_TEST((has(time, "uws.yaml:7:9") && has(time, "slurm.time")), time);
  auto const partition = load(good + "  partition: \"a;b\"\n");
  BOOST_TEST(has(partition, "slurm.partition"), partition);
  BOOST_TEST(has(load(base + "slurm:\n  template: none.in\n"), "no file"));
}

BOOST_AUTO_TEST_CASE(an_old_store_gains_the_slurm_id_column) {
  TempDir dir;
  fs::create_directories(dir.path / "jobs");
  {
    uws::Database db((dir.path / "jobs.sqlite").string());
    db.exec(
        "CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, "
        "owner TEXT NOT NULL, run_id TEXT NOT NULL DEFAULT '', phase TEXT NOT NULL, "
        "creation_time REAL NOT NULL, start_time REAL NOT NULL DEFAULT 0, end_time REAL NOT "
        "NULL DEFAULT 0, execution_duration INTEGER NOT NULL DEFAULT 0, destruction REAL NOT "
        "NULL, error TEXT NOT NULL DEFAULT '', pid INTEGER NOT NULL DEFAULT 0, pid_start "
        "INTEGER NOT NULL DEFAULT 0, exit_code INTEGER NOT NULL DEFAULT -1);"
        "INSERT INTO jobs (id, owner, phase, creation_time, destruction, pid) VALUES "
        "('aaaa', 'alice', 'EXECUTING', 1, 2, 42);");
  }
  uws::JobStore store(dir.path.string());
  auto job = store.get("aaaa");
  BOOST_TEST_REQUIRE(job.has_value());
  BOOST_TEST((job->pid == 42 && job->slurmId == 0));
  job->slurmId = 9001;
  store.update(*job);
  BOOST_TEST(store.get("aaaa")->slurmId == 9001);
}

BOOST_AUTO_TEST_CASE(phases_follow_the_batch_states) {
  TempDir dir;
  uws::JobStore store(dir.path.string());
  ScriptedLauncher launcher;
  uws::Scheduler scheduler(store, launcher, fastOptions());
  newJob(store, "a", uws::Phase::Queued);
  newJob(store, "b", uws::Phase::Queued);
  scheduler.tick();
  auto a = *store.get("a");
  BOOST_TEST(a.slurmId == 100);
  BOOST_TEST((a.phase == uws::Phase::Queued && a.startTime == 0));  // submitted, PENDING
  BOOST_TEST(store.get("b")->slurmId == 0);  // a submitted job counts toward max_running
  launcher.set(uws::RunState::BatchHeld);
  scheduler.tick();
  BOOST_TEST((store.get("a")->phase == uws::Phase::Held));
  BOOST_TEST(scheduler.run("a").empty());  // PHASE=RUN on a held batch job: release
  BOOST_TEST(launcher.calls.back() == "release 100");
  launcher.set(uws::RunState::BatchRunning);
  scheduler.tick();
  a = *store.get("a");
  BOOST_TEST((a.phase == uws::Phase::Executing && a.startTime > 0));
  BOOST_TEST(scheduler.suspend("a").empty());
  BOOST_TEST(launcher.calls.back() == "suspend 100");
  launcher.set(uws::RunState::BatchSuspended);
  scheduler.tick();
  BOOST_TEST((store.get("a")->phase == uws::Phase::Suspended));
  launcher.set(uws::RunState::Exited, 0);
  scheduler.tick();
  BOOST_TEST((store.get("a")->phase == uws::Phase::Completed));
  BOOST_TEST(store.get("b")->slurmId == 101);  // its turn now
  launcher.set(uws::RunState::Stopped, 143, "Slurm job 101 was cancelled");
  scheduler.tick();
  auto const b = *store.get("b");
  BOOST_TEST((b.phase == uws::Phase::Aborted));
  BOOST_TEST(b.error == "Slurm job 101 was cancelled");
}

BOOST_AUTO_TEST_CASE(abort_cancels_a_job_still_waiting_in_the_batch_queue) {
  TempDir dir;
  uws::JobStore store(dir.path.string());
  ScriptedLauncher launcher;
  uws::Scheduler scheduler(store, launcher, fastOptions());
  newJob(store, "a", uws::Phase::Queued);
  scheduler.tick();
  BOOST_TEST(scheduler.abort("a").empty());
  BOOST_TEST(launcher.calls.back() == "terminate 100");
  BOOST_TEST((store.get("a")->phase == uws::Phase::Aborted));
}

BOOST_AUTO_TEST_CASE(a_restart_reconciles_batch_jobs_by_their_id) {
  TempDir dir;
  uws::JobStore store(dir.path.string());
  for (auto const& [id, phase] :
       {std::pair{"queued", uws::Phase::Queued}, std::pair{"running", uws::Phase::Executing}}) {
    auto job = newJob(store, id, phase);
    job.slurmId = id[0] == 'q' ? 5 : 6;
    store.update(job);
  }
  ScriptedLauncher launcher;
  launcher.set(uws::RunState::BatchRunning);  // what Slurm says now of both
  {
    uws::Scheduler scheduler(store, launcher, fastOptions());
    scheduler.start();  // reconciles before its first tick
    scheduler.stop();
  }
  BOOST_TEST((store.get("queued")->phase == uws::Phase::Executing));
  BOOST_TEST((store.get("running")->phase == uws::Phase::Executing));
  BOOST_TEST(launcher.calls.empty());  // nothing started twice
  launcher.set(uws::RunState::Exited, 2, "Slurm job 6 ended FAILED (exit code 2:0)");
  {
    uws::Scheduler scheduler(store, launcher, fastOptions());
    scheduler.start();
    scheduler.stop();
  }
  auto const ended = *store.get("running");
  BOOST_TEST((ended.phase == uws::Phase::Error && ended.exitCode == 2));
  BOOST_TEST(has(ended.error, "Slurm job 6 ended FAILED"));
}

// Stand-ins for Slurm's commands, first in PATH: each prints what the test put in
// <dir>/<command>.out, exits with <dir>/<command>.rc and appends its argv to <dir>/calls.
struct FakeSlurm {
  TempDir dir;
  std::string oldPath = std::getenv("PATH");
  FakeSlurm() {
    for (std::string name : {"sbatch", "scontrol", "sacct", "scancel"}) {
      fs::path const script = dir.path / name;
      std::ofstream(script) << "#!/bin/sh\necho \"" << name << " $*\" >> '"
                            << (dir.path / "calls").string() << "'\ncat '"
                            << (dir.path / (name + ".out")).string() << "' 2>/dev/null\ncat '"
                            << (dir.path / (name + ".err")).string()
                            << "' >&2 2>/dev/null\nexit $(cat '"
                            << (dir.path / (name + ".rc")).string() << "' 2>/dev/null || echo 0)\n";
      fs::permissions(script, fs::perms::owner_all);
    }
    setenv("PATH", (dir.path.string() + ":" + oldPath).c_str(), 1);
  }
  ~FakeSlurm() { setenv("PATH", oldPath.c_str(), 1); }
  void answer(std::string const& name, std::string const& out, int rc = 0,
              std::string const& err = "") {
    std::ofstream(dir.path / (name + ".out")) << out;
    std::ofstream(dir.path / (name + ".err")) << err;
    std::ofstream(dir.path / (name + ".rc")) << rc << "\n";
  }
  std::string calls() const {
    std::ifstream in(dir.path / "calls");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

BOOST_AUTO_TEST_CASE(the_launcher_submits_the_rendered_script_and_keeps_the_slurm_id) {
  FakeSlurm slurm;
  TempDir jobs;
  std::ofstream(jobs.path / "t.in") << "#!/bin/bash\n#SBATCH --ntasks=@TASKS@\n'@VOCLOUD@'\n";
  uws::SlurmOptions options;
  options.templatePath = (jobs.path / "t.in").string();
  options.tasks = 2;
  uws::SlurmLauncher launcher(options, "/b/vocloud-uws", "/b/vocloud");
  uws::LaunchRequest request{"ab", jobs.path.string(), jobs.path.string() + "/experiment.yaml",
                             jobs.path.string() + "/output"};
  slurm.answer("sbatch", "4242;cluster\n");
  BOOST_TEST(launcher.start(request).slurmId == 4242);
  BOOST_TEST(has(slurm.calls(), "sbatch --parsable " + jobs.path.string() + "/job.sbatch"));
  std::ifstream in(jobs.path / "job.sbatch");
  std::stringstream script;
  script << in.rdbuf();
  BOOST_TEST(script.str() == "#!/bin/bash\n#SBATCH --ntasks=2\n'/b/vocloud'\n");
  slurm.answer("sbatch", "", 1, "sbatch: error: invalid partition specified: nope\n");
  auto const refused = errorOf([&] { launcher.start(request); });
  BOOST_TEST(
      has(refused, "uws: launcher: sbatch refused the job: sbatch: error: invalid partition"),
      refused);
}

BOOST_AUTO_TEST_CASE(after_scontrol_forgets_a_job_sacct_then_exit_code_tell_its_end) {
  FakeSlurm slurm;
  TempDir job;
  std::ofstream(job.path / "t.in") << "x\n";
  uws::SlurmOptions options;
  options.templatePath = (job.path / "t.in").string();
  uws::SlurmLauncher launcher(options, "/b/vocloud-uws", "/b/vocloud");
  uws::RunHandle handle;
  handle.slurmId = 5;
  slurm.answer("scontrol", "JobId=5 JobName=x JobState=RUNNING Reason=None ExitCode=0:0\n");
  BOOST_TEST((launcher.poll(handle, job.path.string()).state == uws::RunState::BatchRunning));
  slurm.answer("scontrol", "", 1, "slurm_load_jobs error: Invalid job id specified\n");
  slurm.answer("sacct", "5|TIMEOUT|0:0\n");
  auto const timeout = launcher.poll(handle, job.path.string());
  BOOST_TEST((timeout.state == uws::RunState::Stopped));
  BOOST_TEST(has(slurm.calls(), "sacct -c -n -P -j 5 -o jobid,state,exitcode"));
  slurm.answer("sacct", "");  // no completion record: the monitor's exit_code decides
  std::ofstream(job.path / "exit_code") << "3\n";
  auto const ended = launcher.poll(handle, job.path.string());
  BOOST_TEST((ended.state == uws::RunState::Exited && ended.exitCode == 3));
  // slurmctld unreachable: nothing is known, the phase stays.
  slurm.answer("scontrol", "", 1, "slurm_load_jobs error: Unable to contact slurm controller\n");
  BOOST_TEST((launcher.poll(handle, job.path.string()).state == uws::RunState::Running));
  slurm.answer("scontrol", "", 1, "scontrol: error: Access/permission denied\n");
  auto const refused = errorOf([&] { launcher.suspend(handle); });
  BOOST_TEST(has(refused, "scontrol suspend 5 failed: scontrol: error: Access/permission denied"),
             refused);
}

BOOST_AUTO_TEST_SUITE_END()
