#pragma once
// The recipe of a data set: the keys of the `preprocess` section that decide the values of
// its rows. A model keeps the recipe of its training data set; data preprocessed another
// way is refused by the first key that differs, and new spectra are preprocessed with it.
#include "config/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vocloud::preprocess {

/// The preprocess keys ("preprocess.frame", ...) that change the values of rows read as
/// `features` (flux | pca | wavelet), in schema order: frame, rest frame, cut, grid,
/// resampling, the normalisation and the parameters of the method `config` chose,
/// smoothing and, for wavelet features, the transform. Left out: which rows are kept
/// (min_coverage, min_snr), inputs, exports, rounds, and the PCA (a model projects on its
/// own basis).
std::vector<std::string> recipeKeys(config::Config const& config, std::string const& features);

struct RecipeDifference {
  std::string key;         ///< e.g. "preprocess.normalise"
  std::string modelValue;  ///< as the effective YAML writes it
  std::string datasetValue;
};

/// The first recipe key (recipeKeys of `model`) whose value differs between the effective
/// configuration a model was trained with and the one that made a data set.
std::optional<RecipeDifference> firstRecipeDifference(config::Config const& model,
                                                      config::Config const& dataset,
                                                      std::string const& features);

/// Reads an effective configuration recorded in a file (dataset.h5 or forest.h5); `where`
/// names it in messages. Throws vocloud::UsageError when it is not a valid experiment.
config::Config recordedConfig(std::string const& yaml, std::string const& where);

/// The experiment that preprocesses the base of knowledge `bokDir` as the recorded
/// configuration `recipeYaml` did: its preprocess section with input: directory, bok_dir,
/// no PCA fit (the model's basis is used instead) and no exports.
config::Config recipeExperiment(std::string const& recipeYaml, std::string const& where,
                                std::string const& bokDir);

/// Writes `catalogDir`/catalog.csv (id, path) listing every regular file under `folder`,
/// sorted by path, skipping hidden files and catalog*.csv; the id is the file name without
/// its extensions. Returns the number of files. Throws vocloud::Error naming the folder.
std::uint64_t writeFolderCatalog(std::string const& folder, std::string const& catalogDir);

}  // namespace vocloud::preprocess
