#pragma once
// forest.h5: the trained model as flat arrays (and the data-set facts predict checks), the
// classes, and the cross-validation results. The layout is described in docs/forest.md.
#include "comm/comm.hpp"
#include "forest/forest_model.hpp"
#include "io/h5_store.hpp"

#include <string>
#include <vector>

namespace vocloud::forest {

/// What a model needs besides its arrays to be applied to another data set.
struct ModelContext {
  std::vector<std::string> classes;  ///< class names, index = class
  std::string features;              ///< flux | pca | wavelet
  std::vector<double> wave;          ///< the grid the flux was on (empty for features)
};

/// Writes /model/*, /classes/name, /wave and the context attributes into an open parallel
/// file; rank 0 holds the data written. Collective over the file's ranks.
void writeModel(io::H5File const& file, ForestModel const& model, ModelContext const& context,
                comm::Comm const& comm);

/// Reads the model and its context from forest.h5 (serial, on the calling process) and
/// checks it (validateForestModel). Throws vocloud::Error naming the file.
ForestModel readModel(std::string const& path, ModelContext& context);

}  // namespace vocloud::forest
