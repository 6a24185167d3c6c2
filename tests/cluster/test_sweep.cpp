// The pure parts of sweeps and kept variants: a sweep's variants from its YAML, the ranking
// of the summary, the variants gc keeps, the figures read from a stage summary, and the
// sweep command line. Hand-computed expectations.
#include "app/cli.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "pipeline/sweep.hpp"
#include "pipeline/variants.hpp"

#include <boost/test/unit_test.hpp>

using namespace vocloud;

namespace {

config::Config experiment(std::string const& sweep) {
  return config::loadConfigText("experiment: e\nstages: [synth, som]\n" + sweep, "e.yaml");
}

pipeline::SweepRecord record(int index, std::map<std::string, double> figures) {
  pipeline::SweepRecord r;
  r.index = index;
  r.figures = std::move(figures);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sweep_suite)

BOOST_AUTO_TEST_CASE(grid_is_every_combination_first_key_slowest_then_the_list) {
  auto const config = experiment(
      "sweep:\n"
      "  grid:\n"
      "    - {key: som.rows, values: [4, 5]}\n"
      "    - {key: som.cols, values: [6, 7, 8]}\n"
      "  variants:\n"
      "    - set: [synth.count=200, som.epochs=2]\n");
  auto const variants = pipeline::sweepVariants(config);
  BOOST_TEST_REQUIRE(variants.size() == 7u);
  BOOST_TEST(variants[0].label == "som.rows=4 som.cols=6");
  BOOST_TEST(variants[2].label == "som.rows=4 som.cols=8");
  BOOST_TEST(variants[3].label == "som.rows=5 som.cols=6");
  BOOST_TEST(variants[6].label == "synth.count=200 som.epochs=2");
  BOOST_TEST(variants[6].overrides[1].path == "som.epochs");
  BOOST_TEST(variants[6].overrides[1].valueYaml == "2");
}

BOOST_AUTO_TEST_CASE(no_variants_is_a_usage_error) {
  BOOST_CHECK_THROW(pipeline::sweepVariants(experiment("")), UsageError);
  BOOST_CHECK_THROW(pipeline::sweepVariants(experiment("sweep:\n  variants:\n    - set: [oops]\n")),
                    UsageError);
}

BOOST_AUTO_TEST_CASE(scores_rank_highest_first_errors_lowest_first_missing_last) {
  std::vector<pipeline::SweepRecord> records = {
      record(0, {{"cv_macro_f1", 0.7}, {"quantisation_error", 1.0}}),
      record(1, {{"quantisation_error", 0.5}}),
      record(2, {{"cv_macro_f1", 0.9}, {"quantisation_error", 2.0}}),
      record(3, {{"cv_macro_f1", 0.7}, {"quantisation_error", 0.1}})};
  auto ranked = pipeline::rankRecords(records, "auto");  // a forest ran: cv_macro_f1
  std::vector<int> order;
  for (auto const& r : ranked) order.push_back(r.index);
  BOOST_TEST((order == std::vector<int>{2, 0, 3, 1}));  // ties by index, 1 has no F1
  ranked = pipeline::rankRecords(records, "quantisation_error");
  order.clear();
  for (auto const& r : ranked) order.push_back(r.index);
  BOOST_TEST((order == std::vector<int>{3, 1, 0, 2}));
}

BOOST_AUTO_TEST_CASE(gc_keeps_the_latest_and_what_they_were_computed_from) {
  auto variant = [](std::string stage, std::string fp, bool latest,
                    std::map<std::string, std::string> inputs) {
    pipeline::VariantInfo v;
    v.stage = stage;
    v.name = fp;
    v.fingerprint = fp;
    v.latest = latest;
    v.inputs = std::move(inputs);
    return v;
  };
  std::vector<pipeline::VariantInfo> variants = {
      variant("synth", "s1", true, {}),
      variant("preprocess", "p1", false, {{"synth", "s1"}}),
      variant("preprocess", "p2", true, {{"synth", "s1"}}),
      variant("som", "m1", false, {{"preprocess", "p1"}}),
      variant("som", "m2", true, {{"preprocess", "p2"}}),
      variant("som", "m3", false, {{"preprocess", "p1"}})};
  auto const kept = pipeline::keptVariants(variants);
  BOOST_TEST((kept == std::set<std::string>{"synth/s1", "preprocess/p2", "som/m2"}));
  // A sweep's variant keeps its upstream variant too.
  auto const withSweep = pipeline::keptVariants(variants, {"som/m3"});
  BOOST_TEST(withSweep.count("preprocess/p1") == 1u);
  BOOST_TEST(withSweep.count("som/m1") == 0u);
}

BOOST_AUTO_TEST_CASE(headline_figures_of_summaries) {
  auto const som = pipeline::headlineFigures(
      "25-node map of 300 rows x 200 after 3 epochs: quantisation error 0.9622, topographic "
      "error 0.11, 4 sparse nodes");
  BOOST_TEST(som.at("quantisation_error") == 0.9622);
  BOOST_TEST(som.at("topographic_error") == 0.11);
  auto const forest = pipeline::headlineFigures(
      "3-fold CV on 300 labelled rows x 200: accuracy 0.9067 +- 0.0231, macro-F1 0.8448 +- "
      "0.0327, macro AUC 0.9529");
  BOOST_TEST(forest.at("cv_accuracy") == 0.9067);
  BOOST_TEST(forest.at("cv_macro_f1") == 0.8448);
  BOOST_TEST(forest.count("quantisation_error") == 0u);
}

BOOST_AUTO_TEST_CASE(sweep_command_line) {
  auto const cli = app::parseCli({"sweep", "e.yaml", "--array-task", "2"});
  BOOST_TEST(cli.command == "sweep");
  BOOST_TEST(*cli.arrayTask == 2);
  BOOST_TEST(app::parseCli({"sweep", "e.yaml", "--list"}).list);
  BOOST_CHECK_THROW(app::parseCli({"sweep", "e.yaml", "--array-task", "x"}), UsageError);
  BOOST_CHECK_THROW(app::parseCli({"run", "e.yaml", "--array-task", "1"}), UsageError);
  BOOST_TEST(app::parseCli({"runs", "e.yaml", "--json"}).json);
  BOOST_TEST(app::parseCli({"gc", "e.yaml"}).command == "gc");
}

BOOST_AUTO_TEST_SUITE_END()
