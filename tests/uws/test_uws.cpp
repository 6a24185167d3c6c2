// Pure pieces of vocloud-uws: times, phases, password hashes, the job store's filters and
// waiting, result lookup, the run's argv, the service schema.
#include "config/config.hpp"
#include "core/error.hpp"
#include "uws/experiment_check.hpp"
#include "uws/http_util.hpp"
#include "uws/job_store.hpp"
#include "uws/limits.hpp"
#include "uws/local_launcher.hpp"
#include "uws/mail.hpp"
#include "uws/results.hpp"
#include "uws/scheduler.hpp"
#include "uws/service_config.hpp"
#include "uws/users.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/temp_dir.hpp"

using namespace vocloud;
namespace fs = std::filesystem;

namespace {

// One scratch folder per test, named after this file.
struct TempDir : test::TempDir {
  TempDir() : test::TempDir("vocloud-uws-unit") {}
};

uws::Job makeJob(std::string id, std::string owner, double created, uws::Phase phase) {
  uws::Job job;
  job.id = std::move(id);
  job.owner = std::move(owner);
  job.creationTime = created;
  job.destruction = created + 86400;
  job.phase = phase;
  return job;
}

/// A launcher whose run goes on writing into its job folder for a few polls after it is
/// killed, as a real run may while it dies (its output, its exit code).
struct LingeringLauncher : uws::Launcher {
  bool killed = false;
  int pollsAfterKill = 3;
  uws::RunHandle start(uws::LaunchRequest const& /*request*/) override {
    uws::RunHandle handle;
    handle.pid = 4242;
    return handle;
  }
  uws::RunStatus poll(uws::RunHandle const& /*handle*/, std::string const& jobDir) override {
    uws::RunStatus status;
    if (killed && pollsAfterKill-- <= 0) {
      status.state = uws::RunState::Exited;
    } else if (killed) {
      fs::create_directories(jobDir + "/output");
      std::ofstream(jobDir + "/output/late.txt") << "still writing\n";
    }
    return status;
  }
  void suspend(uws::RunHandle const& /*handle*/) override {}
  void resume(uws::RunHandle const& /*handle*/) override {}
  void terminate(uws::RunHandle const& /*handle*/) override {}  // ABORT: the run goes on
  void kill(uws::RunHandle const& /*handle*/) override { killed = true; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(uws_suite)

BOOST_AUTO_TEST_CASE(iso_times_match_hand_computed_instants) {
  // 10^9 s after the epoch is 2001-09-09 01:46:40 UTC.
  BOOST_TEST(uws::isoTime(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(uws::isoTime(1e9 + 0.25) == "2001-09-09T01:46:40.250Z");
  BOOST_TEST(*uws::parseIsoTime("2001-09-09T01:46:40Z") == 1e9);
  BOOST_TEST(*uws::parseIsoTime("2001-09-09T03:46:40+02:00") == 1e9);
  BOOST_TEST(*uws::parseIsoTime("2001-09-09T01:46:40.5") == 1e9 + 0.5);
  BOOST_TEST(!uws::parseIsoTime("yesterday"));
  BOOST_TEST(!uws::parseIsoTime("2001-13-09T01:46:40Z"));
}

BOOST_AUTO_TEST_CASE(phases_round_trip_and_final_ones_are_known) {
  for (auto p : {uws::Phase::Pending, uws::Phase::Queued, uws::Phase::Executing,
                 uws::Phase::Completed, uws::Phase::Error, uws::Phase::Aborted, uws::Phase::Unknown,
                 uws::Phase::Held, uws::Phase::Suspended, uws::Phase::Archived})
    BOOST_TEST((*uws::parsePhase(uws::phaseName(p)) == p));
  BOOST_TEST(!uws::parsePhase("executing"));  // UWS spells phases in capitals
  BOOST_TEST(uws::isFinal(uws::Phase::Aborted));
  BOOST_TEST(!uws::isFinal(uws::Phase::Suspended));
}

BOOST_AUTO_TEST_CASE(password_hashes_verify_and_match_a_published_pbkdf2_vector) {
  // PBKDF2-HMAC-SHA256("password", "salt", 4096 iterations, 32 bytes), a published vector.
  std::string const known =
      "pbkdf2-sha256$4096$73616c74$"
      "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a";
  BOOST_TEST(uws::verifyPassword("password", known));
  BOOST_TEST(!uws::verifyPassword("Password", known));
  BOOST_TEST(!uws::verifyPassword("password", "plain-text"));
  auto const a = uws::hashPassword("s3cret", 2000), b = uws::hashPassword("s3cret", 2000);
  BOOST_TEST(a != b);  // a random salt each time
  BOOST_TEST(uws::verifyPassword("s3cret", a));
  BOOST_TEST(!uws::verifyPassword("s3cret!", b));
}

BOOST_AUTO_TEST_CASE(job_store_filters_by_owner_phase_after_and_last) {
  TempDir dir;
  uws::JobStore store(dir.path.string());
  store.create(makeJob("a000000000000001", "alice", 100, uws::Phase::Completed));
  store.create(makeJob("a000000000000002", "bob", 200, uws::Phase::Pending));
  store.create(makeJob("a000000000000003", "alice", 300, uws::Phase::Pending));
  uws::JobFilter mine;
  mine.owner = "alice";
  BOOST_TEST(store.list(mine).size() == 2u);
  uws::JobFilter pending;
  pending.phases = {uws::Phase::Pending};
  BOOST_TEST(store.list(pending).size() == 2u);
  uws::JobFilter after;
  after.after = 200;
  auto const late = store.list(after);
  BOOST_TEST_REQUIRE(late.size() == 1u);
  BOOST_TEST(late[0].id == "a000000000000003");
  uws::JobFilter last;
  last.last = 2;
  auto const newest = store.list(last);
  BOOST_TEST_REQUIRE(newest.size() == 2u);
  BOOST_TEST(newest[0].id == "a000000000000003");  // newest first
  BOOST_TEST(newest[1].id == "a000000000000002");
  store.remove("a000000000000002");
  BOOST_TEST(!store.get("a000000000000002"));
}

BOOST_AUTO_TEST_CASE(a_waiter_wakes_when_the_phase_changes) {
  TempDir dir;
  uws::JobStore store(dir.path.string());
  auto job = store.create(makeJob("b000000000000001", "alice", 100, uws::Phase::Queued));
  std::thread changer([&] {
    job.phase = uws::Phase::Executing;
    store.update(job);
  });
  // A long limit: the answer comes from the change, whenever the other thread makes it.
  auto const seen = store.waitForChange(job.id, uws::Phase::Queued, 600);
  changer.join();
  BOOST_TEST_REQUIRE(seen.has_value());
  BOOST_TEST((seen->phase == uws::Phase::Executing));
}

BOOST_AUTO_TEST_CASE(results_are_the_files_of_the_job_folder_only) {
  TempDir dir;
  fs::create_directories(dir.path / "job/output/exp/som");
  std::ofstream(dir.path / "job/output/exp/som/map.csv") << "1,2\n";
  std::ofstream(dir.path / "job/stdout.log") << "log\n";
  std::ofstream(dir.path / "secret.txt") << "not a result\n";
  fs::create_symlink(dir.path / "secret.txt", dir.path / "job/output/link.txt");
  std::string const job = (dir.path / "job").string();
  auto const results = uws::listResults(job, "http://h/jobs/x");
  BOOST_TEST_REQUIRE(results.size() == 2u);
  BOOST_TEST(results[0].id == "stdout.log");
  BOOST_TEST(results[1].id == "output/exp/som/map.csv");
  BOOST_TEST(results[1].href == "http://h/jobs/x/results/output/exp/som/map.csv");
  BOOST_TEST(results[1].size == 4);
  BOOST_TEST(uws::resultFile(job, "output/exp/som/map.csv").has_value());
  BOOST_TEST(!uws::resultFile(job, "../secret.txt"));
  BOOST_TEST(!uws::resultFile(job, "output/link.txt"));  // a link could lead anywhere
  BOOST_TEST(!uws::resultFile(job, "/etc/passwd"));
}

BOOST_AUTO_TEST_CASE(the_run_is_argv_with_the_output_forced_into_the_job_folder) {
  uws::LauncherOptions options;
  options.ranks = 3;
  options.mpirunArgs = {"--oversubscribe"};
  uws::LaunchRequest request;
  request.experimentFile = "/s/jobs/x/experiment.yaml";
  request.outputDir = "/s/jobs/x/output";
  auto const argv = uws::runArgv(options, "/bin/vocloud", request);
  std::vector<std::string> const expected = {"mpirun",
                                             "-n",
                                             "3",
                                             "--oversubscribe",
                                             "/bin/vocloud",
                                             "run",
                                             "/s/jobs/x/experiment.yaml",
                                             "--set",
                                             "output=/s/jobs/x/output"};
  BOOST_TEST(argv == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(session_members_include_this_process) {
  auto const members = uws::sessionMembers(getsid(0));
  BOOST_TEST((std::find(members.begin(), members.end(), getpid()) != members.end()));
  auto const ticks = uws::processStartTicks(getpid());
  BOOST_TEST(ticks.has_value());
  BOOST_TEST(!uws::processStartTicks(-1));
}

BOOST_AUTO_TEST_CASE(the_service_schema_reports_positions_and_fills_defaults) {
  auto const config =
      config::loadConfigText("users:\n  file: u.yaml\n", "uws.yaml", {}, uws::serviceSchema());
  auto const service = uws::serviceConfigFrom(config);
  BOOST_TEST(service.server.host == "127.0.0.1");
  BOOST_TEST(service.launcher.maxRunning == 2);
  try {
    config::loadConfigText("users:\n  file: u.yaml\nlauncher:\n  rank: 2\n", "uws.yaml", {},
                           uws::serviceSchema());
    BOOST_FAIL("an unknown key was accepted");
  } catch (UsageError const& e) {
    BOOST_TEST(std::string(e.what()).find("uws.yaml:4:3") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("launcher.ranks") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(experiments_read_only_inside_the_job_folder_or_the_data_roots) {
  std::vector<std::string> const roots = {"/data/bok"};
  auto const source = [](std::string const& path) {
    return "experiment: e\nstages: [acquire]\nacquire:\n  sources:\n    - kind: local\n"
           "      path: " +
           path + "\n";
  };
  BOOST_TEST(uws::checkExperiment(source("spectra/*.fits"), "/s/jobs/j", roots) == "");
  BOOST_TEST(uws::checkExperiment(source("/data/bok/files"), "/s/jobs/j", roots) == "");
  for (std::string const bad : {"/etc/passwd", "../k/output", "/data/bokx", "/data/bok/../x"}) {
    std::string const problem = uws::checkExperiment(source(bad), "/s/jobs/j", roots);
    BOOST_TEST(problem.find("experiment.yaml:6:13: acquire.sources[0].path") != std::string::npos,
               bad << ": " << problem);
  }
  // The output is replaced by the launcher: any value is harmless.
  BOOST_TEST(uws::checkExperiment("experiment: e\noutput: /etc\n", "/s/jobs/j", roots) == "");
  BOOST_TEST(uws::checkExperiment("experiment: e\nsynth:\n  cont: 3\n", "/j", roots)
                 .find("experiment.yaml:3:3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(only_privileged_jobs_write_into_the_shared_base) {
  auto const yaml = [](std::string const& output) {
    return "experiment: e\noutput: " + output + "\nstages: [synth]\n";
  };
  std::string const base = "/srv/shared";
  auto const ok = uws::chooseOutput(yaml("/srv/shared/kb"), "/s/jobs/j", base, true);
  BOOST_TEST(ok.dir == "/srv/shared/kb");
  BOOST_TEST(ok.problem == "");
  auto const refused = uws::chooseOutput(yaml("/srv/shared/kb"), "/s/jobs/j", base, false);
  BOOST_TEST(refused.dir == "");
  BOOST_TEST(refused.problem.find("only privileged users may write") != std::string::npos);
  // Elsewhere (or a look-alike prefix): the job's own folder, for anyone.
  for (std::string const other : {"/tmp/x", "out", "/srv/sharedx/kb", "/srv/shared/../x"})
    BOOST_TEST(uws::chooseOutput(yaml(other), "/s/jobs/j", base, false).problem == "", other);
  BOOST_TEST(uws::chooseOutput(yaml("/srv/shared"), "/s/jobs/j", base, true).problem != "");
  BOOST_TEST(uws::chooseOutput(yaml("/srv/shared/kb"), "/s/jobs/j", "", false).problem == "");
}

BOOST_AUTO_TEST_CASE(folder_bytes_sum_regular_files_and_skip_links) {
  TempDir dir;
  fs::create_directories(dir.path / "a" / "b");
  std::ofstream(dir.path / "one") << std::string(1000, 'x');
  std::ofstream(dir.path / "a" / "b" / "two") << std::string(234, 'y');
  fs::create_symlink("/etc/passwd", dir.path / "a" / "link");
  BOOST_TEST(uws::folderBytes(dir.path.string()) == 1234u);
  BOOST_TEST(uws::folderBytes((dir.path / "gone").string()) == 0u);
}

BOOST_AUTO_TEST_CASE(the_end_of_job_mail_has_id_phase_run_time_and_links) {
  auto job = makeJob("0123456789abcdef", "alice", 1000, uws::Phase::Completed);
  job.runId = "try-3";
  job.startTime = 1000.25;
  job.endTime = 1012.75;  // 12.5 s
  std::string const url = "https://h/jobs/0123456789abcdef";
  auto const m = uws::jobEndedMail(job, "alice@example.org", url,
                                   {{"stdout.log", url + "/results/stdout.log"}});
  BOOST_TEST(m.subject == "vocloud-uws: job 0123456789abcdef (try-3) COMPLETED");
  BOOST_TEST(m.body.find("Phase: COMPLETED\nRun time: 12.5 s\n") != std::string::npos);
  BOOST_TEST(m.body.find("  stdout.log: " + url + "/results/stdout.log\n") != std::string::npos);
  // Header values cannot carry a line break (no header injection); the body ends lines CRLF.
  uws::MailMessage evil{"a@b", "x\r\nBcc: c@d", "line 1\nline 2"};
  std::string const text = uws::mailText(evil, "svc@h");
  BOOST_TEST(text.find("\r\nSubject: x  Bcc: c@d\r\n") != std::string::npos);
  BOOST_TEST(text.find("\r\n\r\nline 1\r\nline 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(utf8_check_refuses_broken_sequences) {
  BOOST_TEST(uws::detail::isValidUtf8("plain ascii"));
  BOOST_TEST(uws::detail::isValidUtf8("H\xce\xb1 \xe2\x82\xac"));  // H-alpha, euro sign
  BOOST_TEST(!uws::detail::isValidUtf8("\xff"));
  BOOST_TEST(!uws::detail::isValidUtf8("\xe2\x82"));  // cut short
}

BOOST_AUTO_TEST_CASE(a_deleted_job_leaves_no_folder_while_its_run_dies) {
  // ABORT then DELETE at once (it_uws_roles does so through HTTP): the run, told to stop,
  // still writes into the job folder for three polls after it is killed. The folder must
  // be gone once DELETE returns and stay gone.
  TempDir dir;
  uws::JobStore store(dir.path.string());
  LingeringLauncher launcher;
  uws::Scheduler scheduler(store, launcher, uws::SchedulerOptions{});  // ticked by hand
  // Created now, so that the reaper of expired jobs leaves it alone.
  auto const job = store.create(makeJob(
      "c000000000000001", "alice", static_cast<double>(std::time(nullptr)), uws::Phase::Pending));
  fs::create_directories(store.jobDir(job.id));
  std::ofstream(store.jobDir(job.id) + "/experiment.yaml") << "experiment: x\n";
  BOOST_TEST(scheduler.run(job.id).empty());
  scheduler.tick();
  auto const started = store.get(job.id);
  BOOST_TEST_REQUIRE((started && started->phase == uws::Phase::Executing));
  BOOST_TEST(scheduler.abort(job.id).empty());
  scheduler.remove(job.id);
  BOOST_TEST(!store.get(job.id));
  BOOST_TEST(!fs::exists(store.jobDir(job.id)));
  for (int i = 0; i < 5; ++i) scheduler.tick();
  BOOST_TEST(!fs::exists(store.jobDir(job.id)));
}

BOOST_AUTO_TEST_SUITE_END()
