#include "forest/forest_file.hpp"

#include "core/error.hpp"

#include <algorithm>

namespace vocloud::forest {

namespace {

using io::H5Rows;

template <class T>
std::vector<std::int64_t> asInt64(std::vector<T> const& values) {
  return std::vector<std::int64_t>(values.begin(), values.end());
}

template <class T>
std::vector<T> readWhole(io::H5File const& file, std::string const& name) {
  if (!file.exists(name)) throw Error("forest: " + file.path() + " has no " + name);
  H5Rows const set = H5Rows::open(file, name);
  std::vector<T> out(set.rows() * std::max<std::uint64_t>(1, set.cols()));
  set.read(0, set.rows(), out.data());
  return out;
}

template <class T>
std::vector<T> narrowed(std::vector<std::int64_t> const& values) {
  return std::vector<T>(values.begin(), values.end());
}

/// /recipe: the training data set's effective configuration and fingerprint as attributes,
/// its PCA basis as /recipe/pca/{mean,components}. Collective in parallel files.
void writeRecipe(io::H5File const& file, ModelRecipe const& recipe) {
  file.createGroup("/recipe");
  file.setAttribute("/recipe", "effective_config", recipe.effectiveConfig);
  file.setAttribute("/recipe", "dataset_fingerprint", recipe.datasetFingerprint);
  if (recipe.pcaMean.empty()) return;
  file.createGroup("/recipe/pca");
  std::uint64_t const dims = recipe.pcaMean.size();
  io::writeSmall(file, "/recipe/pca/mean", recipe.pcaMean, {dims});
  io::writeSmall(file, "/recipe/pca/components", recipe.pcaComponents,
                 {recipe.pcaComponents.size() / dims, dims});
}

/// The recipe of a forest.h5; empty for a model written before forests kept one.
ModelRecipe readRecipe(io::H5File const& file) {
  ModelRecipe recipe;
  if (!file.exists("/recipe")) return recipe;
  recipe.effectiveConfig = file.stringAttribute("/recipe", "effective_config");
  recipe.datasetFingerprint = file.stringAttribute("/recipe", "dataset_fingerprint");
  if (file.exists("/recipe/pca/mean")) {
    recipe.pcaMean = io::readSmall(file, "/recipe/pca/mean");
    recipe.pcaComponents = io::readSmall(file, "/recipe/pca/components");
    if (recipe.pcaMean.empty() || recipe.pcaComponents.size() % recipe.pcaMean.size() != 0)
      throw Error("forest: " + file.path() + " /recipe/pca/components is not [k][" +
                  std::to_string(recipe.pcaMean.size()) + "]");
  }
  return recipe;
}

ModelContext contextOf(io::H5File const& file) {
  ModelContext context;
  if (!file.exists("/classes/name"))
    throw Error("forest: " + file.path() + " has no /classes/name");
  H5Rows const names = H5Rows::open(file, "/classes/name");
  context.classes = names.readStrings(0, names.rows());
  context.features = file.stringAttribute("/", "features");
  if (file.exists("/wave")) context.wave = io::readSmall(file, "/wave");
  context.recipe = readRecipe(file);
  return context;
}

}  // namespace

ModelContext readModelContext(std::string const& path) {
  return contextOf(io::H5File::openSerial(path));
}

void writeModel(io::H5File const& file, ForestModel const& model, ModelContext const& context,
                comm::Comm const& comm) {
  file.createGroup("/model");
  io::writeWholeDataset(file, "/model/tree_offsets", model.treeOffsets);
  io::writeWholeDataset(file, "/model/feature", asInt64(model.feature));
  io::writeWholeDataset(file, "/model/threshold_bin", asInt64(model.thresholdBin));
  io::writeWholeDataset(file, "/model/threshold", model.threshold);
  io::writeWholeDataset(file, "/model/left", asInt64(model.left));
  io::writeWholeDataset(file, "/model/right", asInt64(model.right));
  io::writeWholeDataset(file, "/model/value", model.value,
                        static_cast<std::uint64_t>(model.classes));
  io::writeWholeDataset(file, "/model/samples", asInt64(model.samples));
  io::writeWholeDataset(file, "/model/impurity_decrease", model.impurityDecrease);
  io::writeWholeDataset(file, "/model/edge_offsets", model.edges.offsets);
  io::writeWholeDataset(file, "/model/edges", model.edges.edges);
  file.setIntegerAttribute("/model", "classes", static_cast<std::int64_t>(model.classes));
  file.setIntegerAttribute("/model", "features", static_cast<std::int64_t>(model.features));
  file.setIntegerAttribute("/model", "trees", static_cast<std::int64_t>(model.trees()));

  file.createGroup("/classes");
  io::writeWholeStrings(file, "/classes/name", context.classes, comm);
  if (!context.wave.empty()) io::writeSmall(file, "/wave", context.wave, {context.wave.size()});
  file.setAttribute("/", "features", context.features);
  writeRecipe(file, context.recipe);
}

ModelRecipe readDatasetRecipe(std::string const& datasetPath) {
  io::H5File const file = io::H5File::openSerial(datasetPath);
  ModelRecipe recipe;
  if (file.hasAttribute("/", "effective_config"))
    recipe.effectiveConfig = file.stringAttribute("/", "effective_config");
  if (file.hasAttribute("/", "fingerprint"))
    recipe.datasetFingerprint = file.stringAttribute("/", "fingerprint");
  if (file.exists("/pca/mean") && file.exists("/pca/components")) {
    recipe.pcaMean = io::readSmall(file, "/pca/mean");
    recipe.pcaComponents = io::readSmall(file, "/pca/components");
  }
  return recipe;
}

ForestModel readModel(std::string const& path, ModelContext& context) {
  io::H5File const file = io::H5File::openSerial(path);
  ForestModel model;
  model.classes = static_cast<int>(file.numberAttribute("/model", "classes"));
  model.features = static_cast<int>(file.numberAttribute("/model", "features"));
  model.treeOffsets = readWhole<std::int64_t>(file, "/model/tree_offsets");
  model.feature = narrowed<std::int32_t>(readWhole<std::int64_t>(file, "/model/feature"));
  model.thresholdBin =
      narrowed<std::int32_t>(readWhole<std::int64_t>(file, "/model/threshold_bin"));
  model.threshold = readWhole<float>(file, "/model/threshold");
  model.left = narrowed<std::int32_t>(readWhole<std::int64_t>(file, "/model/left"));
  model.right = narrowed<std::int32_t>(readWhole<std::int64_t>(file, "/model/right"));
  model.value = readWhole<float>(file, "/model/value");
  model.samples = narrowed<std::uint64_t>(readWhole<std::int64_t>(file, "/model/samples"));
  model.impurityDecrease = readWhole<double>(file, "/model/impurity_decrease");
  model.edges.features = model.features;
  model.edges.offsets = readWhole<std::int64_t>(file, "/model/edge_offsets");
  model.edges.edges = readWhole<float>(file, "/model/edges");
  try {
    validateForestModel(model);
  } catch (Error const& e) {
    throw Error("forest: " + path + ": " + e.what());
  }
  context = contextOf(file);
  if (context.classes.size() != static_cast<std::size_t>(model.classes))
    throw Error("forest: " + path + " /classes/name holds " +
                std::to_string(context.classes.size()) + " names for " +
                std::to_string(model.classes) + " classes");
  return model;
}

}  // namespace vocloud::forest
