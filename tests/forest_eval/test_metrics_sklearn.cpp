// Accuracy, precision, recall, F1 (and their macro means) and one-vs-rest ROC AUC against
// scikit-learn on the same rows: the hand case of test_metrics.cpp and random scores.
// scikit-learn runs as sklearn_metrics.py under /usr/bin/python3 (VOCLOUD_PYTHON overrides).
#include "forest/eval/metrics.hpp"
#include "support/test_shell.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace vocloud::forest;
namespace fs = std::filesystem;
namespace tt = boost::test_tools;

namespace {

using vocloud::test::python;

// scikit-learn's figures for these rows: name -> values.
std::map<std::string, std::vector<double>> sklearnMetrics(std::vector<int> const& truth,
                                                          std::vector<int> const& predicted,
                                                          std::vector<float> const& scores,
                                                          int classes) {
  fs::path const dir =
      fs::temp_directory_path() / ("vocloud-forest-eval-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path const input = dir / "case.txt", output = dir / "sklearn.txt";
  {
    std::ofstream out(input);
    out.precision(9);
    out << classes << ' ' << truth.size() << '\n';
    for (std::size_t i = 0; i < truth.size(); ++i) {
      out << truth[i] << ' ' << predicted[i];
      for (int c = 0; c < classes; ++c) out << ' ' << scores[i * classes + c];
      out << '\n';
    }
  }
  std::string const command = python() + " '" + VOCLOUD_FOREST_EVAL_TEST_DIR +
                              "/sklearn_metrics.py' '" + input.string() + "' > '" +
                              output.string() + "'";
  int const rc = std::system(command.c_str());
  std::map<std::string, std::vector<double>> values;
  std::ifstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, word;
    words >> name;
    while (words >> word) values[name].push_back(word == "nan" ? std::nan("") : std::stod(word));
  }
  fs::remove_all(dir);
  if (rc != 0) throw std::runtime_error("sklearn reference failed: " + command);
  return values;
}

void compare(std::vector<int> const& truth, std::vector<int> const& predicted,
             std::vector<float> const& scores, int classes) {
  auto const ref = sklearnMetrics(truth, predicted, scores, classes);
  auto const m = classMetrics(confusionMatrix(truth, predicted, classes));
  BOOST_TEST(m.accuracy == ref.at("accuracy")[0], tt::tolerance(1e-12));
  BOOST_TEST(m.macroPrecision == ref.at("macro_precision")[0], tt::tolerance(1e-12));
  BOOST_TEST(m.macroRecall == ref.at("macro_recall")[0], tt::tolerance(1e-12));
  BOOST_TEST(m.macroF1 == ref.at("macro_f1")[0], tt::tolerance(1e-12));
  auto const a = rocAuc(scoreHistogram(truth, scores, classes));
  for (int c = 0; c < classes; ++c) {
    BOOST_TEST(m.precision[c] == ref.at("precision")[c], tt::tolerance(1e-12));
    BOOST_TEST(m.recall[c] == ref.at("recall")[c], tt::tolerance(1e-12));
    BOOST_TEST(m.f1[c] == ref.at("f1")[c], tt::tolerance(1e-12));
    double const exact = ref.at("auc")[c];
    if (std::isnan(exact)) {
      BOOST_TEST(std::isnan(a.auc[c]));
    } else {
      BOOST_TEST(std::abs(a.auc[c] - exact) <= a.errorBound[c] + 1e-9, "class " << c);
    }
  }
  if (ref.count("macro_auc"))
    BOOST_TEST(std::abs(a.macroAuc - ref.at("macro_auc")[0]) <= a.macroErrorBound + 1e-9);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_metrics_sklearn)

BOOST_AUTO_TEST_CASE(hand_case_matches_sklearn) {
  std::vector<int> const truth = {0, 0, 0, 1, 1, 2, 2, 2};
  std::vector<int> const predicted = {0, 0, 1, 1, 0, 3, 2, 2};
  std::vector<float> scores;
  for (int p : predicted)
    for (int c = 0; c < 4; ++c) scores.push_back(c == p ? 0.7f : 0.1f);
  compare(truth, predicted, scores, 4);
}

BOOST_AUTO_TEST_CASE(random_scores_match_sklearn) {
  std::mt19937 rng(29);
  std::uniform_real_distribution<double> u(0., 1.);
  int const classes = 4;
  std::size_t const n = 4000;
  for (int grain : {0, 50}) {  // continuous scores, and multiples of 1/50 with ties
    std::vector<int> truth(n), predicted(n);
    std::vector<float> scores(n * classes);
    for (std::size_t i = 0; i < n; ++i) {
      truth[i] = int(rng() % classes);
      double w[classes], sum = 0.;
      for (int c = 0; c < classes; ++c) sum += w[c] = u(rng) + (c == truth[i] ? 0.3 * c : 0.);
      int best = 0;
      for (int c = 0; c < classes; ++c) {
        double s = w[c] / sum;
        if (grain > 0) s = std::round(s * grain) / grain;
        scores[i * classes + c] = float(s);
        if (scores[i * classes + c] > scores[i * classes + best]) best = c;
      }
      predicted[i] = best;
    }
    compare(truth, predicted, scores, classes);
  }
}

BOOST_AUTO_TEST_SUITE_END()
