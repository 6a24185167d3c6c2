// Stage reuse, --force and failed stages, with small stages defined here.
#include "comm/comm.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "pipeline/pipeline.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <unistd.h>

using namespace vocloud;
namespace fs = std::filesystem;

namespace {

struct Counters {
  int a = 0, b = 0;
  bool failB = false;
};

// Stage a writes synth.count into a.txt (one line per rank, in rank order);
// stage b reads a's output and doubles it.
std::vector<pipeline::StageDef> testCatalog(Counters& counters) {
  std::vector<pipeline::StageDef> catalog;
  catalog.push_back({"a", "test stage", {"synth"}, {}, [&counters](pipeline::StageContext& c) {
                       ++counters.a;
                       c.comm.writeOrdered(c.outputDir + "/a.txt",
                                           std::to_string(c.config.getInt("synth.count")) + "\n");
                       return std::string("wrote a.txt");
                     }});
  catalog.push_back({"b", "test stage", {"log"}, {"a"}, [&counters](pipeline::StageContext& c) {
                       ++counters.b;
                       std::string const a = core::readFile(c.inputDirs.at("a") + "/a.txt");
                       if (counters.failB) throw Error("test: stage b fails");
                       c.comm.writeOrdered(c.outputDir + "/b.txt", c.comm.isRoot() ? a + a : "");
                       return std::string("wrote b.txt");
                     }});
  return catalog;
}

struct Fixture {
  comm::Comm comm = comm::Comm::world();
  core::Log log{comm.rank(), comm.size(), core::LogOptions{core::LogLevel::Warn, false, 10.}};
  std::string root;
  Fixture() {
    root = comm.bcast(comm.isRoot() ? fs::temp_directory_path().string() + "/vocloud_pipeline_" +
                                          std::to_string(::getpid())
                                    : std::string(),
                      0);
  }
  ~Fixture() {
    comm.barrier();
    if (comm.isRoot()) core::removeAll(root);
  }
  config::Config config(int count) const {
    return config::loadConfigText("experiment: t\noutput: " + root + "\nsynth:\n  count: " +
                                      std::to_string(count) + "\n",
                                  "t.yaml");
  }
  std::vector<pipeline::StageOutcome> run(Counters& counters, int count,
                                          std::set<std::string> force = {}) {
    pipeline::RunOptions options{{"a", "b"}, std::move(force)};
    return pipeline::runStages(testCatalog(counters), config(count), options, comm, log);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pipeline_suite, Fixture)

BOOST_AUTO_TEST_CASE(unchanged_stages_are_reused_and_force_recomputes) {
  Counters counters;
  auto first = run(counters, 100);
  BOOST_TEST(counters.a == 1);
  BOOST_TEST(counters.b == 1);
  BOOST_TEST(!first[0].reused);
  std::string line;
  for (int r = 0; r < comm.size(); ++r) line += "100\n";
  BOOST_TEST(core::readFile(root + "/t/a/a.txt") == line);
  BOOST_TEST(core::readFile(root + "/t/b/b.txt") == line + line);
  BOOST_TEST(fs::exists(root + "/t/a/stage.json"));
  BOOST_TEST(fs::exists(root + "/t/a/config.effective.yaml"));
  BOOST_TEST(fs::exists(root + "/t/a/timings.json"));

  auto second = run(counters, 100);
  BOOST_TEST(counters.a == 1);  // nothing ran again
  BOOST_TEST(counters.b == 1);
  BOOST_TEST(second[0].reused);
  BOOST_TEST(second[1].reused);
  BOOST_TEST(second[0].fingerprint == first[0].fingerprint);

  run(counters, 100, {"a"});
  BOOST_TEST(counters.a == 2);  // forced
  BOOST_TEST(counters.b == 1);  // same inputs, same fingerprint: still reused

  // A changed parameter of a changes a's fingerprint and so b's.
  auto third = run(counters, 200);
  BOOST_TEST(counters.a == 3);
  BOOST_TEST(counters.b == 2);
  BOOST_TEST(third[1].fingerprint != first[1].fingerprint);

  run(counters, 200, {"all"});
  BOOST_TEST(counters.a == 4);
  BOOST_TEST(counters.b == 3);
}

BOOST_AUTO_TEST_CASE(a_failed_stage_leaves_nothing_that_counts_as_complete) {
  Counters counters;
  counters.failB = true;
  BOOST_CHECK_THROW(run(counters, 300), Error);
  comm.barrier();
  BOOST_TEST(fs::exists(root + "/t/a/stage.json"));  // a completed before b failed
  BOOST_TEST(!fs::exists(root + "/t/b"));            // b never became a stage directory
  counters.failB = false;
  auto outcomes = run(counters, 300);
  BOOST_TEST(outcomes[0].reused);
  BOOST_TEST(!outcomes[1].reused);  // recomputed, not taken from the failed attempt
  BOOST_TEST(counters.b == 2);
}

BOOST_AUTO_TEST_CASE(a_stage_whose_input_is_missing_says_which) {
  Counters counters;
  pipeline::RunOptions options{{"b"}, {}};
  try {
    pipeline::runStages(testCatalog(counters), config(100), options, comm, log);
    BOOST_FAIL("expected an error");
  } catch (UsageError const& e) {
    BOOST_TEST(std::string(e.what()).find("needs the output of stage 'a'") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
