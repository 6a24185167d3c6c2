// The recipe of a data set: which preprocess keys count and which difference is named
// first. Expectations come from the schema's documented meaning of each key: a change of
// the normalisation or the grid changes the rows, a change of paths, exports, row cuts or
// of a parameter of a method not in use does not.
#include "config/config.hpp"
#include "core/error.hpp"
#include "preprocess/pca.hpp"
#include "preprocess/preprocess_recipe.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

namespace pre = vocloud::preprocess;
namespace cfg = vocloud::config;

namespace {

cfg::Config experiment(std::string const& preprocess) {
  return cfg::loadConfigText("experiment: e\npreprocess: {" + preprocess + "}\n", "<test>");
}

std::string firstKey(std::string const& model, std::string const& data,
                     std::string const& features = "flux") {
  auto const diff = pre::firstRecipeDifference(experiment(model), experiment(data), features);
  return diff ? diff->key + "=" + diff->datasetValue + " (model " + diff->modelValue + ")" : "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(recipe_names_the_first_key_that_changes_the_rows) {
  BOOST_TEST(firstKey("normalise: continuum", "normalise: running_median") ==
             "preprocess.normalise=running_median (model continuum)");
  BOOST_TEST(firstKey("points: 300", "points: 280, normalise: max") ==
             "preprocess.points=280 (model 300)");
  BOOST_TEST(firstKey("frame: vacuum", "frame: air") == "preprocess.frame=air (model vacuum)");
  BOOST_TEST(firstKey("normalise: continuum", "polynomial_order: 5") ==
             "preprocess.polynomial_order=5 (model 3)");
  BOOST_TEST(
      firstKey("normalise: running_median", "normalise: running_median, median_window: 51") ==
      "preprocess.median_window=51 (model 101)");
  BOOST_TEST(firstKey("", "smooth_sigma: 2") == "preprocess.smooth_sigma=2 (model 0)");
}

BOOST_AUTO_TEST_CASE(recipe_ignores_what_does_not_change_the_rows) {
  // Inputs, exports, rounds, row cuts, PCA size and the parameters of an unused method.
  BOOST_TEST(firstKey("input: synth",
                      "input: directory, bok_dir: /x, export_csv: true, "
                      "round_rows: 7, min_snr: 3, min_coverage: 0.5, "
                      "pca_components: 2, median_window: 51") == "");
  // The step only counts when the grid is given by it.
  BOOST_TEST(firstKey("points: 300", "points: 300, step: 2") == "");
  BOOST_TEST(firstKey("points: 0, step: 1", "points: 0, step: 2") == "preprocess.step=2 (model 1)");
  // Wavelet settings count for wavelet features only.
  BOOST_TEST(firstKey("wavelet: haar", "wavelet: d4") == "");
  BOOST_TEST(firstKey("wavelet: haar", "wavelet: d4", "wavelet") ==
             "preprocess.wavelet=d4 (model haar)");
}

BOOST_AUTO_TEST_CASE(recipe_experiment_keeps_the_recipe_and_reads_the_new_spectra) {
  cfg::Config const trained = experiment("normalise: l2, points: 123, pca_components: 4");
  cfg::Config const recipe =
      pre::recipeExperiment(trained.effectiveYaml(), "forest.h5", "/new \"spectra\"");
  BOOST_TEST(recipe.getString("preprocess.input") == "directory");
  BOOST_TEST(recipe.getString("preprocess.bok_dir") == "/new \"spectra\"");
  BOOST_TEST(recipe.getInt("preprocess.pca_components") == 0);
  BOOST_TEST(!pre::firstRecipeDifference(trained, recipe, "wavelet"));
}

BOOST_AUTO_TEST_CASE(pca_basis_projects_like_the_fitted_model) {
  // A 2-D basis given by hand: projections are (x - mean) . component, the error the rest.
  pre::PcaModel const basis = pre::pcaBasis({1., 2.}, {1., 0.});
  BOOST_TEST(basis.k() == 1u);
  float const rows[] = {4.f, 6.f};
  float projection = 0.f, error = 0.f;
  pre::pcaProject(basis, rows, 1, &projection, &error);
  BOOST_TEST(projection == 3.f);
  BOOST_TEST(error == 4.f);
  BOOST_CHECK_THROW(pre::pcaBasis({1., 2.}, {1., 0., 1.}), vocloud::Error);
}
