#pragma once
// forest.h5: the trained model as flat arrays, the classes, the cross-validation results and
// what predict needs of the training data set (grid, preprocessing recipe, PCA basis). The
// layout is described in docs/forest.md.
#include "comm/comm.hpp"
#include "forest/forest_model.hpp"
#include "io/h5_store.hpp"

#include <string>
#include <vector>

namespace vocloud::forest {

/// How the training data set was made: the effective configuration dataset.h5 recorded
/// (its preprocess section is the recipe) and the PCA basis the features came from.
/// Everything is empty for a data set that recorded none.
struct ModelRecipe {
  std::string effectiveConfig;        ///< YAML of the experiment that made the data set
  std::string datasetFingerprint;     ///< its `fingerprint` attribute (which rows were trained on)
  std::vector<double> pcaMean;        ///< [dims]
  std::vector<double> pcaComponents;  ///< [k][dims], row-major
};

/// What a model needs besides its arrays to be applied to another data set.
struct ModelContext {
  std::vector<std::string> classes;  ///< class names, index = class
  std::string features;              ///< flux | pca | wavelet
  std::vector<double> wave;          ///< the grid the flux was on (empty for features)
  ModelRecipe recipe;
};

/// The recipe of the data set at `datasetPath`: its effective_config and fingerprint
/// attributes and /pca/mean, /pca/components (each empty when absent). Reads in this
/// process only. Throws vocloud::Error naming the file when it cannot be opened.
ModelRecipe readDatasetRecipe(std::string const& datasetPath);

/// Writes /model/*, /classes/name, /wave and the context attributes into an open parallel
/// file; rank 0 holds the data written. Collective over the file's ranks.
void writeModel(io::H5File const& file, ForestModel const& model, ModelContext const& context,
                comm::Comm const& comm);

/// Reads only the context of a forest.h5 (classes, features, grid, recipe), serially in
/// this process. Throws vocloud::Error naming the file.
ModelContext readModelContext(std::string const& path);

/// Reads the model and its context from forest.h5 (serial, on the calling process) and
/// checks it (validateForestModel). Throws vocloud::Error naming the file.
ForestModel readModel(std::string const& path, ModelContext& context);

}  // namespace vocloud::forest
