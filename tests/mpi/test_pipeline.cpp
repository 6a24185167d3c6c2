// Stage reuse, --force and failed stages, with small stages defined here.
#include "comm/comm.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "pipeline/input_fingerprint.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/stage_dirs.hpp"

#include <boost/test/unit_test.hpp>

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>

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

// Stage c reads the file `<root>/input.txt` outside the pipeline; its extra fingerprint
// is that file's content, counted in `calls` on the rank that computes it.
pipeline::StageDef fileReadingStage(std::string const& input, int& runs, int& calls) {
  pipeline::StageDef stage{"c", "test stage", {}, {}, [&runs](pipeline::StageContext&) {
                             ++runs;
                             return std::string("read input.txt");
                           }};
  stage.extraFingerprint = [input, &calls](pipeline::FingerprintContext const&) {
    ++calls;
    return core::readFile(input);
  };
  return stage;
}

void writeText(std::string const& path, std::string const& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Sets a file's modification time to `seconds` since the epoch.
void setMtime(std::string const& path, long seconds) {
  timespec const times[2] = {{seconds, 0}, {seconds, 0}};
  BOOST_REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
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
    return config::loadConfigText(
        "experiment: t\noutput: " + root + "\nsynth:\n  count: " + std::to_string(count) + "\n",
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

BOOST_AUTO_TEST_CASE(an_extra_fingerprint_is_computed_on_rank_0_and_agreed_by_all) {
  int runs = 0, calls = 0;
  std::string const input = root + "/input.txt";
  if (comm.isRoot()) {
    core::makeDirectories(root);
    writeText(input, "one");
  }
  comm.barrier();
  std::vector<pipeline::StageDef> catalog{fileReadingStage(input, runs, calls)};
  pipeline::RunOptions options{{"c"}, {}};
  auto const first = pipeline::runStages(catalog, config(100), options, comm, log);
  BOOST_TEST(!first[0].reused);
  BOOST_TEST(calls == (comm.isRoot() ? 1 : 0));
  BOOST_TEST(pipeline::runStages(catalog, config(100), options, comm, log)[0].reused);
  if (comm.isRoot()) writeText(input, "two");
  comm.barrier();
  auto const third = pipeline::runStages(catalog, config(100), options, comm, log);
  BOOST_TEST(!third[0].reused);  // the input changed
  BOOST_TEST(runs == 2);
  BOOST_TEST(comm.bcast(third[0].fingerprint, 0) == third[0].fingerprint);
}

BOOST_AUTO_TEST_CASE(a_stage_fingerprinted_by_content_ignores_an_upstream_rerun_with_same_output) {
  Counters counters;
  auto catalog = testCatalog(counters);
  int runs = 0;
  // Stage d reads a.txt; its fingerprint is a.txt's content instead of a's fingerprint.
  pipeline::StageDef d{"d", "test stage", {}, {"a"}, [&runs](pipeline::StageContext&) {
                         ++runs;
                         return std::string("read a.txt");
                       }};
  d.extraFingerprint = [](pipeline::FingerprintContext const& context) {
    return core::readFile(context.inputDirs.at("a") + "/a.txt");
  };
  d.contentCoversInputs = true;
  catalog.push_back(d);
  pipeline::RunOptions options{{"a", "d"}, {}};
  auto withSeed = [this](int seed) {
    return config::loadConfigText("experiment: t\noutput: " + root +
                                      "\nsynth:\n  count: 100\n  seed: " + std::to_string(seed) +
                                      "\n",
                                  "t.yaml");
  };
  pipeline::runStages(catalog, withSeed(1), options, comm, log);
  // Another seed: a runs again (its section changed) and writes the same a.txt.
  auto const second = pipeline::runStages(catalog, withSeed(2), options, comm, log);
  BOOST_TEST(!second[0].reused);
  BOOST_TEST(second[1].reused);
  BOOST_TEST(runs == 1);
  // Another count: a.txt changes, d runs again.
  auto const third = pipeline::runStages(catalog, config(200), options, comm, log);
  BOOST_TEST(!third[1].reused);
  BOOST_TEST(runs == 2);
}

BOOST_AUTO_TEST_CASE(stage_json_records_the_command_host_and_utc_times) {
  Counters counters;
  pipeline::RunOptions options{{"a"}, {}};
  options.commandLine = "vocloud run t.yaml";
  std::time_t const before = std::time(nullptr);
  pipeline::runStages(testCatalog(counters), config(500), options, comm, log);
  std::time_t const after = std::time(nullptr);
  YAML::Node const manifest = YAML::LoadFile(root + "/t/a/stage.json");
  BOOST_TEST(manifest["command_line"].as<std::string>() == "vocloud run t.yaml");
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  BOOST_TEST(manifest["host"].as<std::string>() == std::string(host));
  auto parse = [](std::string const& text) {
    std::tm utc{};
    BOOST_TEST(strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &utc) == text.c_str() + text.size());
    return timegm(&utc);
  };
  std::time_t const started = parse(manifest["started"].as<std::string>());
  std::time_t const ended = parse(manifest["ended"].as<std::string>());
  BOOST_TEST(before <= started);
  BOOST_TEST(started <= ended);
  BOOST_TEST(ended <= after);
}

BOOST_AUTO_TEST_SUITE_END()

// The input fingerprints themselves, on one process (each rank its own folder).
BOOST_AUTO_TEST_SUITE(input_fingerprint_suite)

struct Folder {
  std::string path =
      fs::temp_directory_path().string() + "/vocloud_inputs_" + std::to_string(::getpid());
  Folder() { core::makeDirectories(path + "/files/sub"); }
  ~Folder() { core::removeAll(path); }
};

BOOST_AUTO_TEST_CASE(a_local_listing_follows_added_removed_and_touched_files) {
  Folder folder;
  acquire::Source source;
  source.path = folder.path + "/files";
  source.pattern = "*.fits";
  writeText(source.path + "/a.fits", "aaaa");
  writeText(source.path + "/sub/b.fits", "bbbb");
  setMtime(source.path + "/a.fits", 1000000000);
  std::string const original = pipeline::localSourceFingerprint(source);
  BOOST_TEST(pipeline::localSourceFingerprint(source) == original);  // nothing changed
  writeText(source.path + "/notes.txt", "not matched by the pattern");
  BOOST_TEST(pipeline::localSourceFingerprint(source) == original);
  writeText(source.path + "/c.fits", "cccc");
  std::string const added = pipeline::localSourceFingerprint(source);
  BOOST_TEST(added != original);
  fs::remove(source.path + "/c.fits");
  BOOST_TEST(pipeline::localSourceFingerprint(source) == original);  // the same listing again
  setMtime(source.path + "/a.fits", 1000000001);
  BOOST_TEST(pipeline::localSourceFingerprint(source) != original);  // touched
  setMtime(source.path + "/a.fits", 1000000000);
  BOOST_TEST(pipeline::localSourceFingerprint(source) == original);
  source.recursive = false;  // sub/b.fits is no longer listed
  BOOST_TEST(pipeline::localSourceFingerprint(source) != original);
}

BOOST_AUTO_TEST_CASE(list_files_lists_what_acquire_plans_from_a_directory) {
  Folder folder;
  std::string const dir = folder.path + "/files";
  core::makeDirectories(dir + "/sub/deeper");
  for (char const* name : {"a.fits", "b.txt", "sub/c.fits", "sub/deeper/d.fits", "sub/e.FITS"})
    writeText(dir + "/" + name, name);
  fs::create_symlink(dir + "/a.fits", dir + "/sub/link.fits");     // a link to a file counts
  fs::create_symlink(dir + "/nowhere", dir + "/dangling.fits");    // a dangling one does not
  fs::create_directory_symlink(dir + "/sub", dir + "/loop.fits");  // nor one to a directory
  for (bool recursive : {true, false}) {
    // The reference: std::filesystem, as acquire's plan walks a local source.
    std::vector<std::string> expected;
    auto add = [&](fs::directory_entry const& e) {
      if (e.is_regular_file() && fnmatch("*.fits", e.path().filename().c_str(), 0) == 0)
        expected.push_back(e.path().lexically_relative(dir).string());
    };
    if (recursive)
      for (auto const& e : fs::recursive_directory_iterator(dir)) add(e);
    else
      for (auto const& e : fs::directory_iterator(dir)) add(e);
    std::vector<std::string> listed;
    for (auto const& file : core::listFiles(dir, "*.fits", recursive)) {
      listed.push_back(file.name);
      BOOST_TEST(file.stamp.bytes == fs::file_size(dir + "/" + file.name));
    }
    std::sort(expected.begin(), expected.end());
    std::sort(listed.begin(), listed.end());
    BOOST_TEST(listed == expected, boost::test_tools::per_element());
  }
  BOOST_CHECK_THROW(core::listFiles(dir + "/none", "*", true), Error);
}

BOOST_AUTO_TEST_CASE(a_bok_counts_by_catalog_and_by_stat_or_content_of_its_files) {
  Folder folder;
  std::string const bok = folder.path;
  writeText(bok + "/catalog.csv", "id,path\na,files/a.fits\nb,files/sub/b.fits\n");
  writeText(bok + "/files/a.fits", "aaaa");
  writeText(bok + "/files/sub/b.fits", "bbbb");
  setMtime(bok + "/files/a.fits", 1000000000);
  using pipeline::InputCheck;
  std::string const stat = pipeline::bokFingerprint(bok, InputCheck::Stat);
  std::string const content = pipeline::bokFingerprint(bok, InputCheck::Content);
  BOOST_TEST(stat != content);

  // Same size, other bytes, same mtime: only content notices.
  writeText(bok + "/files/a.fits", "abcd");
  setMtime(bok + "/files/a.fits", 1000000000);
  BOOST_TEST(pipeline::bokFingerprint(bok, InputCheck::Stat) == stat);
  std::string const edited = pipeline::bokFingerprint(bok, InputCheck::Content);
  BOOST_TEST(edited != content);
  // Touched without change: stat notices, content does not.
  setMtime(bok + "/files/a.fits", 1000000005);
  BOOST_TEST(pipeline::bokFingerprint(bok, InputCheck::Stat) != stat);
  BOOST_TEST(pipeline::bokFingerprint(bok, InputCheck::Content) == edited);
  // A row more in the catalog, or a named file gone: both notice.
  std::string const touched = pipeline::bokFingerprint(bok, InputCheck::Stat);
  fs::remove(bok + "/files/sub/b.fits");
  BOOST_TEST(pipeline::bokFingerprint(bok, InputCheck::Stat) != touched);
  BOOST_TEST(pipeline::bokFingerprint(bok, InputCheck::Content) != edited);
  writeText(bok + "/catalog.csv", "id,path\na,files/a.fits\n");
  BOOST_TEST(pipeline::bokFingerprint(bok, InputCheck::Stat) != touched);
  BOOST_CHECK_THROW(pipeline::bokFingerprint(bok + "/nowhere", InputCheck::Stat), Error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(stage_safety_suite, Fixture)

// A resumable stage r writes r.txt (and keep/k.txt, its reusable folder) and fails on request.
// The folders under `<root>/t/.variants/r/` whose names end in `suffix` (".partial", ".old").
std::vector<fs::path> variantFolders(std::string const& root, std::string const& suffix) {
  std::vector<fs::path> found;
  std::string const dir = pipeline::variantsDir(root + "/t", "r");
  if (!fs::exists(dir)) return found;
  for (auto const& entry : fs::directory_iterator(dir)) {
    std::string const name = entry.path().filename().string();
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      found.push_back(entry.path());
  }
  return found;
}

pipeline::StageDef resumableStage(bool& fail) {
  pipeline::StageDef stage{"r", "test stage", {"synth"}, {}, [&fail](pipeline::StageContext& c) {
                             if (c.comm.isRoot()) {
                               core::makeDirectories(c.outputDir + "/keep");
                               writeText(c.outputDir + "/keep/k.txt", "kept");
                               writeText(c.outputDir + "/r.txt",
                                         std::to_string(c.config.getInt("synth.count")));
                             }
                             c.comm.barrier();
                             if (fail) throw CollectiveError("test: stage r fails");
                             return std::string("wrote r.txt");
                           }};
  stage.resumable = true;
  stage.reusableDirs = {"keep"};
  return stage;
}

BOOST_AUTO_TEST_CASE(a_failed_rerun_of_a_resumable_stage_keeps_the_complete_output) {
  bool fail = false;
  pipeline::RunOptions options{{"r"}, {}};
  pipeline::runStages({resumableStage(fail)}, config(100), options, comm, log);
  comm.barrier();
  fail = true;
  BOOST_CHECK_THROW(pipeline::runStages({resumableStage(fail)}, config(200), options, comm, log),
                    Error);
  comm.barrier();
  // The complete output is where it was, unchanged: the failed run worked in its variant's
  // partial folder.
  BOOST_TEST(core::readFile(root + "/t/r/r.txt") == "100");
  BOOST_TEST(fs::exists(root + "/t/r/stage.json"));
  auto const partials = variantFolders(root, ".partial");
  BOOST_TEST_REQUIRE(partials.size() == 1u);
  BOOST_TEST(fs::exists(partials[0] / "r.txt"));
  fail = false;
  auto const outcomes =
      pipeline::runStages({resumableStage(fail)}, config(200), options, comm, log);
  BOOST_TEST(!outcomes[0].reused);
  BOOST_TEST(core::readFile(root + "/t/r/r.txt") == "200");
  BOOST_TEST(variantFolders(root, ".partial").empty());
  BOOST_TEST(variantFolders(root, ".old").empty());
  BOOST_TEST(!fs::exists(root + "/t/r/.vocloud-partial"));  // the mark is not an output
}

BOOST_AUTO_TEST_CASE(a_partial_folder_keeps_only_files_of_the_same_computation) {
  if (!comm.isRoot()) return;
  auto const dirs = pipeline::stageDirs(root + "/s", "x", "fp1");
  core::makeDirectories(dirs.final + "/keep/sub");
  writeText(dirs.final + "/keep/sub/f.fits", "old file");
  writeText(dirs.final + "/keep/sub/g.fits.part", "half");
  writeText(dirs.final + "/out.csv", "old export");
  pipeline::PartialPlan plan{"fp1", true, false, false, {"keep"}};
  pipeline::preparePartial(dirs, plan);
  // Taken over by a hard link, not moved: the complete output is untouched.
  struct stat a {
  }, b{};
  BOOST_REQUIRE(::stat((dirs.final + "/keep/sub/f.fits").c_str(), &a) == 0);
  BOOST_REQUIRE(::stat((dirs.partial + "/keep/sub/f.fits").c_str(), &b) == 0);
  BOOST_TEST(a.st_ino == b.st_ino);
  BOOST_TEST(!fs::exists(dirs.partial + "/keep/sub/g.fits.part"));
  BOOST_TEST(!fs::exists(dirs.partial + "/out.csv"));
  BOOST_TEST(fs::exists(dirs.final + "/out.csv"));

  writeText(dirs.partial + "/progress.txt", "fp1 progress");
  pipeline::preparePartial(dirs, plan);  // same computation: resumed as it is
  BOOST_TEST(fs::exists(dirs.partial + "/progress.txt"));
  plan.fingerprint = "fp2";  // other parameters: only the reusable folder survives
  pipeline::preparePartial(dirs, plan);
  BOOST_TEST(!fs::exists(dirs.partial + "/progress.txt"));
  BOOST_TEST(fs::exists(dirs.partial + "/keep/sub/f.fits"));
  writeText(dirs.partial + "/progress.txt", "fp2 progress");
  plan.fresh = true;  // --force: the same
  pipeline::preparePartial(dirs, plan);
  BOOST_TEST(!fs::exists(dirs.partial + "/progress.txt"));
  BOOST_TEST(fs::exists(dirs.partial + "/keep/sub/f.fits"));
  plan.resumable = false;  // a stage that never resumes: empty
  pipeline::preparePartial(dirs, plan);
  // Only the mark of the computation it is prepared for.
  BOOST_TEST(std::distance(fs::directory_iterator(dirs.partial), fs::directory_iterator()) == 1);
  BOOST_TEST(!fs::exists(dirs.partial + "/keep"));
}

BOOST_AUTO_TEST_CASE(a_commit_interrupted_by_a_crash_is_recovered) {
  if (!comm.isRoot()) return;
  auto const dirs = pipeline::stageDirs(root + "/c", "x", "fp1");
  // Crashed after the old output was set aside, before the new one took its place.
  core::makeDirectories(dirs.old);
  writeText(dirs.old + "/stage.json", "{}");
  pipeline::recoverCommit(dirs);
  BOOST_TEST(fs::exists(dirs.variant + "/stage.json"));
  BOOST_TEST(!fs::exists(dirs.old));
  // Crashed after the new output took its place: the old one goes.
  core::makeDirectories(dirs.old);
  writeText(dirs.old + "/stale.txt", "old");
  pipeline::recoverCommit(dirs);
  BOOST_TEST(fs::exists(dirs.variant + "/stage.json"));
  BOOST_TEST(!fs::exists(dirs.old));
  // A normal commit replaces the whole variant and points the stage's link at it: nothing of
  // the old output stays.
  writeText(dirs.variant + "/stale.txt", "old");
  core::makeDirectories(dirs.partial);
  writeText(dirs.partial + "/new.txt", "new");
  pipeline::commitPartial(dirs);
  BOOST_TEST(fs::exists(dirs.final + "/new.txt"));
  BOOST_TEST(!fs::exists(dirs.final + "/stale.txt"));
  BOOST_TEST(!fs::exists(dirs.partial));
  BOOST_TEST(!fs::exists(dirs.old));
}

// A second run that needs a variant being computed now waits for it and reuses it (locks per
// variant, see engine/pipeline/stage_lock.hpp): tests/cluster/variants.sh runs two vocloud
// processes at once and tests/integration/output_safety.sh checks the waiting.

BOOST_AUTO_TEST_CASE(files_taken_over_but_no_longer_named_leave_the_output) {
  // A stage like acquire: its reusable folder keep/ is taken over from the previous output;
  // the run adds its own keep/new.txt; its output names only keep/used.txt.
  // The previous run (synth.count 100) wrote keep/used.txt and keep/dropped.txt.
  auto stage = [](std::string const& name) {
    pipeline::StageDef s{name, "test stage", {"synth"}, {}, [](pipeline::StageContext& c) {
                           if (c.comm.isRoot()) {
                             core::makeDirectories(c.outputDir + "/keep");
                             if (c.config.getInt("synth.count") == 100) {
                               writeText(c.outputDir + "/keep/used.txt", "still named");
                               writeText(c.outputDir + "/keep/dropped.txt", "no longer named");
                             } else {
                               writeText(c.outputDir + "/keep/new.txt", "written by this run");
                             }
                           }
                           c.comm.barrier();
                           return std::string("kept");
                         }};
    s.resumable = true;
    s.reusableDirs = {"keep"};
    s.namedFiles = [](std::string const& dir) {
      return fs::exists(dir + "/keep/new.txt")
                 ? std::set<std::string>{"keep/used.txt"}
                 : std::set<std::string>{"keep/used.txt", "keep/dropped.txt"};
    };
    return s;
  };
  pipeline::RunOptions options{{"k"}, {"k"}};
  pipeline::runStages({stage("k")}, config(100), options, comm, log);
  comm.barrier();
  pipeline::runStages({stage("k")}, config(200), options, comm, log);
  comm.barrier();
  BOOST_TEST(core::readFile(root + "/t/k/keep/used.txt") == "still named");
  BOOST_TEST(core::readFile(root + "/t/k/keep/new.txt") == "written by this run");
  BOOST_TEST(!fs::exists(root + "/t/k/keep/dropped.txt"));
}

BOOST_AUTO_TEST_CASE(experiment_names_that_are_paths_are_refused_where_written) {
  for (std::string const name : {"../victim", "/abs", "..", ".", "\"\"", "a/b"}) {
    try {
      config::loadConfigText("experiment: " + name + "\n", "n.yaml");
      BOOST_FAIL("accepted experiment: " + name);
    } catch (UsageError const& e) {
      BOOST_TEST(std::string(e.what()).find("n.yaml:1:13: experiment: ") != std::string::npos,
                 e.what());
    }
  }
  BOOST_TEST(config::isPlainName("run-1.b"));
  BOOST_TEST(!config::isPlainName(std::string("a\0b", 3)));
}

BOOST_AUTO_TEST_SUITE_END()
