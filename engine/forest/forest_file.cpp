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

}  // namespace

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
  context.classes = H5Rows::open(file, "/classes/name").readStrings(0, model.classes);
  context.features = file.stringAttribute("/", "features");
  context.wave.clear();
  if (file.exists("/wave")) context.wave = io::readSmall(file, "/wave");
  return model;
}

}  // namespace vocloud::forest
