#include "preprocess/preprocess_recipe.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace vocloud::preprocess {

namespace fs = std::filesystem;

namespace {

/// "key: value" lines of the preprocess section, by key.
std::map<std::string, std::string> sectionValues(config::Config const& config) {
  std::map<std::string, std::string> values;
  std::string const text = config.sectionText("preprocess");
  for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1) {
    std::string const line = text.substr(start, end - start);
    std::size_t const colon = line.find(": ");
    if (colon != std::string::npos) values[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return values;
}

}  // namespace

std::vector<std::string> recipeKeys(config::Config const& config, std::string const& features) {
  std::vector<std::string> keys = {"frame", "rest_frame", "lambda_min", "lambda_max", "grid"};
  // The step counts only when the grid is given by it.
  keys.push_back(config.getInt("preprocess.points") > 0 ? "points" : "step");
  keys.insert(keys.end(), {"resample", "normalise"});
  std::string const method = config.getString("preprocess.normalise");
  if (method == "continuum")
    keys.insert(keys.end(), {"polynomial_order", "clip_low", "clip_high", "iterations"});
  if (method == "running_median") keys.push_back("median_window");
  keys.push_back("smooth_sigma");
  if (features == "wavelet")
    keys.insert(keys.end(), {"wavelet", "wavelet_levels", "wavelet_detail_levels"});
  for (auto& key : keys) key = "preprocess." + key;
  return keys;
}

std::optional<RecipeDifference> firstRecipeDifference(config::Config const& model,
                                                      config::Config const& dataset,
                                                      std::string const& features) {
  auto const ours = sectionValues(model);
  auto const theirs = sectionValues(dataset);
  for (auto const& key : recipeKeys(model, features)) {
    std::string const& a = ours.at(key);
    std::string const& b = theirs.at(key);
    if (a != b) return RecipeDifference{key, a, b};
  }
  return std::nullopt;
}

config::Config recordedConfig(std::string const& yaml, std::string const& where) {
  try {
    return config::loadConfigText(yaml, where);
  } catch (Error const& e) {
    throw UsageError("preprocess: the configuration recorded in " + where +
                     " is not one this build reads: " + e.what());
  }
}

config::Config recipeExperiment(std::string const& recipeYaml, std::string const& where,
                                std::string const& bokDir) {
  recordedConfig(recipeYaml, where);  // a clear message when the recording is unreadable
  std::vector<config::Override> const overrides = {
      {"preprocess.input", "directory"},
      {"preprocess.bok_dir", "\"" + core::jsonEscape(bokDir) + "\""},
      {"preprocess.pca_components", "0"},
      {"preprocess.export_csv", "false"},
      {"preprocess.export_votable", "false"}};
  return config::loadConfigText(recipeYaml, where, overrides);
}

std::uint64_t writeFolderCatalog(std::string const& folder, std::string const& catalogDir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::string const name = it->path().filename().string();
    if (name.empty() || name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && name.rfind("catalog", 0) != 0) files.push_back(it->path());
  }
  if (ec) throw Error("preprocess: cannot list the folder " + folder + ": " + ec.message());
  if (files.empty()) throw Error("preprocess: the folder " + folder + " holds no spectrum files");
  std::sort(files.begin(), files.end());
  std::string csv = "id,path\n";
  for (auto const& file : files) {
    std::string id = file.filename().string();
    id = id.substr(0, id.find('.'));
    csv += core::csvField(id) + "," + core::csvField(fs::absolute(file).string()) + "\n";
  }
  core::makeDirectories(catalogDir);
  core::writeFileAtomic(catalogDir + "/catalog.csv", csv);
  return files.size();
}

}  // namespace vocloud::preprocess
