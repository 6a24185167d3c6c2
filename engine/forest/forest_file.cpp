#include "forest/forest_file.hpp"

#include "core/error.hpp"

#include <algorithm>

namespace vocloud::forest {

namespace {

using io::H5Rows;
using io::H5Type;

template <class T>
std::vector<std::int64_t> asInt64(std::vector<T> const& values) {
  return std::vector<std::int64_t>(values.begin(), values.end());
}

/// A whole dataset written by rank 0 (the others take part with no rows).
template <class T>
void writeWhole(io::H5File const& file, std::string const& name, H5Type type, std::uint64_t cols,
                std::vector<T> const& values) {
  std::uint64_t const rows = cols ? values.size() / cols : values.size();
  H5Rows const set = H5Rows::create(file, name, type, cols,
                                    std::clamp<std::uint64_t>(rows, 1, cols ? 4096 : 1 << 16));
  set.resize(rows);
  set.write(0, file.rank() == 0 ? rows : 0, values.data());
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
  writeWhole(file, "/model/tree_offsets", H5Type::Int64, 0, model.treeOffsets);
  writeWhole(file, "/model/feature", H5Type::Int64, 0, asInt64(model.feature));
  writeWhole(file, "/model/threshold_bin", H5Type::Int64, 0, asInt64(model.thresholdBin));
  writeWhole(file, "/model/threshold", H5Type::Float32, 0, model.threshold);
  writeWhole(file, "/model/left", H5Type::Int64, 0, asInt64(model.left));
  writeWhole(file, "/model/right", H5Type::Int64, 0, asInt64(model.right));
  writeWhole(file, "/model/value", H5Type::Float32, static_cast<std::uint64_t>(model.classes),
             model.value);
  writeWhole(file, "/model/samples", H5Type::Int64, 0, asInt64(model.samples));
  writeWhole(file, "/model/impurity_decrease", H5Type::Float64, 0, model.impurityDecrease);
  writeWhole(file, "/model/edge_offsets", H5Type::Int64, 0, model.edges.offsets);
  writeWhole(file, "/model/edges", H5Type::Float32, 0, model.edges.edges);
  file.setAttribute("/model", "classes", static_cast<double>(model.classes));
  file.setAttribute("/model", "features", static_cast<double>(model.features));
  file.setAttribute("/model", "trees", static_cast<double>(model.trees()));

  file.createGroup("/classes");
  std::uint64_t width = 1;
  for (auto const& c : context.classes) width = std::max<std::uint64_t>(width, c.size());
  {
    H5Rows const names = H5Rows::create(file, "/classes/name", H5Type::String, 0, 64, width);
    names.resize(context.classes.size());
    names.write(0, file.rank() == 0 ? context.classes : std::vector<std::string>{});
  }
  if (!context.wave.empty()) io::writeSmall(file, "/wave", context.wave, {context.wave.size()});
  file.setAttribute("/", "features", context.features);
  (void)comm;
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
