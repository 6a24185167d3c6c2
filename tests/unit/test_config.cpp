#include "config/config.hpp"
#include "config/explain.hpp"
#include "config/suggest.hpp"
#include "core/error.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace vocloud;
using config::loadConfigText;

namespace {

// The message of the UsageError that loading `text` throws.
std::string errorOf(std::string const& text, std::vector<config::Override> const& overrides = {}) {
  try {
    loadConfigText(text, "exp.yaml", overrides);
  } catch (UsageError const& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(std::string const& text, std::string const& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_suite)

BOOST_AUTO_TEST_CASE(defaults_fill_every_key_not_given) {
  auto const c = loadConfigText("experiment: demo\nsynth:\n  count: 500\n", "exp.yaml");
  BOOST_TEST(c.getString("experiment") == "demo");
  BOOST_TEST(c.getInt("synth.count") == 500);
  BOOST_TEST(c.where("synth.count") == "exp.yaml:3:10");
  BOOST_TEST(c.getString("output") == "output");
  // A default is placed at its file (no enclosing section written) ...
  BOOST_TEST(c.where("output") == "exp.yaml");
  BOOST_TEST(c.isDefault("output"));
  // ... or at the innermost enclosing section that is written.
  BOOST_TEST(c.where("synth.seed") == "exp.yaml:2:1");
  BOOST_TEST(c.where("synth") == "exp.yaml:2:1");
  BOOST_TEST(!c.isDefault("synth.count"));
  BOOST_TEST(c.getDouble("synth.outlier_fraction") == 0.005);
  BOOST_TEST((c.getList("stages") == std::vector<std::string>{"synth"}));
}

BOOST_AUTO_TEST_CASE(unknown_key_names_line_column_and_suggests) {
  std::string const text = "experiment: demo\nsynth:\n  count: 500\n  cuont: 5\n";
  BOOST_TEST(errorOf(text) ==
             "config: 1 problem(s) in exp.yaml:\n"
             "  exp.yaml:4:3: unknown key 'synth.cuont' (did you mean 'synth.count'?)");
}

BOOST_AUTO_TEST_CASE(a_key_in_the_wrong_section_is_pointed_to_its_section) {
  std::string const text = "experiment: demo\nlog:\n  seed: 3\n";
  BOOST_TEST(
      contains(errorOf(text), "exp.yaml:3:3: unknown key 'log.seed' (did you mean 'synth.seed'?)"));
}

BOOST_AUTO_TEST_CASE(wrong_type_and_range_name_the_allowed_values) {
  BOOST_TEST(contains(errorOf("experiment: d\nsynth:\n  count: many\n"),
                      "exp.yaml:3:10: synth.count: expected an integer, got 'many'"));
  BOOST_TEST(contains(errorOf("experiment: d\nsynth:\n  count: 2.5\n"),
                      "exp.yaml:3:10: synth.count: expected an integer, got '2.5'"));
  BOOST_TEST(contains(errorOf("experiment: d\nsynth:\n  count: 5\n"),
                      "exp.yaml:3:10: synth.count: 5 is out of range [100, 10000000000]"));
  BOOST_TEST(contains(
      errorOf("experiment: d\nlog:\n  level: verbose\n"),
      "exp.yaml:3:10: log.level: 'verbose' is not one of: debug, info, warn, error, quiet"));
  BOOST_TEST(contains(errorOf("experiment: d\nlog:\n  level: inf\n"), "(did you mean 'info'?)"));
  BOOST_TEST(contains(errorOf("experiment: d\nstages: [synth, smo]\n"),
                      "exp.yaml:2:9: stages: 'smo' is not one of: synth, acquire, preprocess"));
  BOOST_TEST(contains(errorOf("experiment: d\nsynth: 3\n"),
                      "exp.yaml:2:8: synth: expected a mapping of keys, got '3'"));
}

BOOST_AUTO_TEST_CASE(every_problem_is_listed_at_once) {
  std::string const message = errorOf("synth:\n  count: x\n  sed: 1\n");
  BOOST_TEST(contains(message, "3 problem(s)"));
  BOOST_TEST(contains(message, "exp.yaml:2:10: synth.count: expected an integer"));
  BOOST_TEST(
      contains(message, "exp.yaml:3:3: unknown key 'synth.sed' (did you mean 'synth.seed'?)"));
  BOOST_TEST(contains(message, "missing required key 'experiment'"));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_and_syntax_errors_are_reported) {
  BOOST_TEST(contains(errorOf("experiment: a\nexperiment: b\n"),
                      "exp.yaml:2:1: duplicate key 'experiment'"));
  BOOST_TEST(contains(errorOf("experiment: [a\n"), "exp.yaml:"));
  BOOST_TEST(contains(errorOf("experiment: [a\n"), "YAML syntax error"));
  BOOST_TEST(contains(errorOf("- a\n- b\n"), "exp.yaml:1:1: an experiment must be a YAML mapping"));
}

BOOST_AUTO_TEST_CASE(set_overrides_are_validated_like_the_file) {
  auto const c = loadConfigText(
      "experiment: demo\nsynth:\n  count: 500\n", "exp.yaml",
      {config::parseOverride("synth.count=700"), config::parseOverride("log.level=debug"),
       config::parseOverride("stages=[synth]")});
  BOOST_TEST(c.getInt("synth.count") == 700);
  BOOST_TEST(c.where("synth.count") == "--set");
  BOOST_TEST(c.getString("log.level") == "debug");
  BOOST_TEST(
      contains(errorOf("experiment: d\n", {config::parseOverride("synth.cuont=3")}),
               "--set synth.cuont=3: unknown key 'synth.cuont' (did you mean 'synth.count'?)"));
  BOOST_TEST(contains(errorOf("experiment: d\n", {config::parseOverride("synth.count=-1")}),
                      "--set synth.count=-1: synth.count: -1 is out of range"));
  BOOST_TEST(contains(errorOf("experiment: d\n", {config::parseOverride("synth=1")}),
                      "'synth' is a section; set one of its keys"));
  BOOST_CHECK_THROW(config::parseOverride("novalue"), UsageError);
}

BOOST_AUTO_TEST_CASE(relative_paths_come_from_the_experiment_folder_and_set_from_cwd) {
  namespace fs = std::filesystem;
  fs::path const dir =
      fs::temp_directory_path() / ("vocloud-config-paths-" + std::to_string(::getpid()));
  fs::create_directories(dir / "exp");
  std::ofstream(dir / "exp" / "e.yaml") << "experiment: e\noutput: ../out\npreprocess:\n"
                                           "  bok_dir: bok\npredict:\n  model_file: /abs/f.h5\n";
  auto const c = config::loadConfigFile((dir / "exp" / "e.yaml").string(),
                                        {config::parseOverride("som.dataset_file=d.h5")});
  BOOST_TEST(c.getString("output") == (dir / "out").string());
  BOOST_TEST(c.getString("preprocess.bok_dir") == (dir / "exp" / "bok").string());
  BOOST_TEST(c.getString("predict.model_file") == "/abs/f.h5");  // absolute: kept
  BOOST_TEST(c.getString("som.dataset_file") == (fs::current_path() / "d.h5").string());
  BOOST_TEST(c.getString("forest.dataset_file").empty());  // empty: not a path
  BOOST_TEST(c.getString("experiment") == "e");            // not a path key
  // In-memory text has no folder: paths stay as written.
  BOOST_TEST(loadConfigText("experiment: e\noutput: rel\n", "x.yaml").getString("output") == "rel");
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(existing_paths_are_required_at_the_key) {
  namespace fs = std::filesystem;
  auto const c = loadConfigText(
      "experiment: e\npredict:\n  model_file: /no/such/model.h5\n"
      "preprocess:\n  bok_dir: " +
          fs::temp_directory_path().string() + "\n",
      "exp.yaml");
  try {
    config::requireExistingPath(c, "predict.model_file", config::PathKind::File);
    BOOST_FAIL("a missing model file was accepted");
  } catch (UsageError const& e) {
    BOOST_TEST(std::string(e.what()) ==
               "config: exp.yaml:3:15: predict.model_file: no such file '/no/such/model.h5'");
  }
  BOOST_CHECK_NO_THROW(
      config::requireExistingPath(c, "preprocess.bok_dir", config::PathKind::Directory));
  BOOST_CHECK_THROW(config::requireExistingPath(c, "preprocess.bok_dir", config::PathKind::File),
                    UsageError);
}

BOOST_AUTO_TEST_CASE(section_text_changes_only_with_that_section) {
  auto const a = loadConfigText("experiment: a\nsynth:\n  count: 500\n", "a.yaml");
  auto const b =
      loadConfigText("experiment: b\nlog:\n  level: debug\nsynth:\n  count: 500\n", "b.yaml");
  auto const c = loadConfigText("experiment: a\nsynth:\n  count: 501\n", "c.yaml");
  BOOST_TEST(a.sectionText("synth") == b.sectionText("synth"));
  BOOST_TEST(a.sectionText("synth") != c.sectionText("synth"));
  BOOST_TEST(contains(a.sectionText("synth"), "synth.layouts.sdss: 0.2\n"));
}

BOOST_AUTO_TEST_CASE(effective_yaml_reads_back_to_the_same_config) {
  auto const a =
      loadConfigText("experiment: a\nsynth:\n  count: 500\n  rv_sigma: 12.5\n", "a.yaml");
  auto const b = loadConfigText(a.effectiveYaml(), "effective.yaml");
  for (auto const& section : {"synth", "log"})
    BOOST_TEST(a.sectionText(section) == b.sectionText(section));
  BOOST_TEST(b.getString("experiment") == "a");
}

BOOST_AUTO_TEST_CASE(explain_lists_every_key_with_its_default) {
  auto const schema = config::experimentSchema();
  std::string const all = config::explainText(schema);
  for (auto const& key : schema.keys()) BOOST_TEST(contains(all, key.path));
  std::string const synth = config::explainText(schema, "synth");
  BOOST_TEST(contains(synth, "synth.count  (int, default 20000, range [100, 10000000000])"));
  BOOST_TEST(!contains(synth, "log.level"));
  BOOST_CHECK_THROW(config::explainText(schema, "synht"), UsageError);
  std::string const markdown = config::explainMarkdown(schema);
  BOOST_TEST(contains(markdown, "| `synth.count` | int | `20000` |"));
}

BOOST_AUTO_TEST_CASE(lists_of_objects_are_validated_item_by_item) {
  std::string const text =
      "experiment: d\n"
      "acquire:\n"
      "  sources:\n"
      "    - kind: local\n"
      "      path: /data\n"
      "    - kind: http\n"
      "      urls: [http://127.0.0.1/a.fits]\n";
  auto const c = loadConfigText(text, "exp.yaml");
  BOOST_TEST(c.count("acquire.sources") == 2u);
  BOOST_TEST(c.getString("acquire.sources[0].path") == "/data");
  BOOST_TEST(c.where("acquire.sources[0].path") == "exp.yaml:5:13");
  BOOST_TEST(c.getBool("acquire.sources[0].recursive"));  // item default
  BOOST_TEST(c.getList("acquire.sources[1].urls").size() == 1u);
  BOOST_TEST(contains(c.sectionText("acquire"), "acquire.sources[1].kind: http\n"));

  // The effective YAML keeps the list and reads back to the same section.
  auto const again = loadConfigText(c.effectiveYaml(), "effective.yaml");
  BOOST_TEST(again.sectionText("acquire") == c.sectionText("acquire"));

  BOOST_TEST(
      contains(errorOf("experiment: d\nacquire:\n  sources:\n    - kind: local\n      pth: /x\n"),
               "exp.yaml:5:7: unknown key 'acquire.sources[0].pth' (did you mean "
               "'acquire.sources[0].path'?)"));
  BOOST_TEST(contains(errorOf("experiment: d\nacquire:\n  sources:\n    - path: /x\n"),
                      "exp.yaml:4:13: missing required key 'acquire.sources[0].kind'"));
  BOOST_TEST(contains(
      errorOf("experiment: d\nacquire:\n  sources:\n    - kind: ftp\n"),
      "exp.yaml:4:13: acquire.sources[0].kind: 'ftp' is not one of: local, http, votable, ssap"));
  BOOST_TEST(contains(errorOf("experiment: d\nacquire:\n  sources: 3\n"),
                      "exp.yaml:3:12: acquire.sources: expected a list of mappings, got '3'"));

  auto const set =
      loadConfigText(text, "exp.yaml", {config::parseOverride("acquire.sources[1].label=be")});
  BOOST_TEST(set.getString("acquire.sources[1].label") == "be");
  BOOST_TEST(set.where("acquire.sources[1].label") == "--set");
  BOOST_TEST(contains(errorOf(text, {config::parseOverride("acquire.sources[5].label=x")}),
                      "'acquire.sources' has 2 item(s); there is no item 5"));
  BOOST_TEST(
      contains(errorOf(text, {config::parseOverride("acquire.sources[0].labl=x")}),
               "unknown key 'acquire.sources[0].labl' (did you mean 'acquire.sources[0].label'?)"));
}

BOOST_AUTO_TEST_CASE(maps_of_strings_keep_their_order_and_read_back) {
  std::string const text =
      "experiment: d\n"
      "acquire:\n"
      "  sources:\n"
      "    - kind: local\n"
      "      path: /data\n"
      "      labels_file: labels.csv\n"
      "      label_map: {3: double_peak, 0: emission, '*': exclude}\n";
  auto const c = loadConfigText(text, "exp.yaml");
  std::vector<std::string> const want = {"3=double_peak", "0=emission", "*=exclude"};
  BOOST_TEST(c.getList("acquire.sources[0].label_map") == want, boost::test_tools::per_element());
  BOOST_TEST(c.where("acquire.sources[0].label_map") == "exp.yaml:7:18");
  // The effective YAML writes KEY=VALUE items, which read back to the same map.
  auto const again = loadConfigText(c.effectiveYaml(), "effective.yaml");
  BOOST_TEST(again.getList("acquire.sources[0].label_map") == want, boost::test_tools::per_element());
  BOOST_TEST(contains(errorOf("experiment: d\nacquire:\n  sources:\n    - kind: local\n"
                              "      label_map: emission\n"),
                      "exp.yaml:5:18: acquire.sources[0].label_map: expected a mapping, got 'emission'"));
  BOOST_TEST(contains(errorOf("experiment: d\nacquire:\n  sources:\n    - kind: local\n"
                              "      label_map: {a: [b]}\n"),
                      "map keys and values must be strings"));
}

BOOST_AUTO_TEST_CASE(edit_distance_and_suggestions) {
  BOOST_TEST(config::editDistance("kitten", "sitting") == 3u);
  BOOST_TEST(config::editDistance("", "abc") == 3u);
  BOOST_TEST(config::editDistance("cuont", "count") == 1u);  // one swap
  BOOST_TEST(config::closestMatch("cuont", {"count", "seed"}) == "count");
  BOOST_TEST(config::closestMatch("zzzzzz", {"count", "seed"}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
