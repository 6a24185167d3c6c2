#pragma once
// What the report reads from the stages' HDF5 outputs, through io/ only (never through the
// som/ or forest/ code): the small tables every page needs. /flux is never read whole.
#include "io/h5_store.hpp"
#include "io/provenance.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vocloud::report {

/// dataset.h5: the grid, each row's metadata and the rejected spectra.
struct DatasetInfo {
  std::string path;
  io::Provenance provenance;
  std::uint64_t rows = 0;
  std::vector<double> wave;  ///< Å
  std::string spacing;       ///< "linear" | "log"
  std::string frame;         ///< "vacuum" | "air" | "as_is"
  std::string bok;           ///< the base of knowledge the paths are relative to
  std::vector<std::string> id, label, layout;
  std::vector<double> ra, dec, z, snr;
  std::vector<std::int64_t> catalogRow;  ///< per row: its row of `bok`/catalog.csv (-1 none)
  std::vector<std::string> rejectedId, rejectedPath, rejectedReason;
  std::vector<double> pcaRatio;  ///< explained variance ratio, empty without PCA
};

/// som.h5.
struct SomInfo {
  io::Provenance provenance;
  int rows = 0, cols = 0;
  std::string grid, topology;
  double quantisationError = 0, topographicError = 0;
  std::vector<double> epochQe, epochTe, epochRadius;
  std::vector<double> x, y, umatrix, density;
  std::vector<std::int64_t> nodeRow, nodeCol, hits, sparse;
  std::vector<std::string> classNames;
  std::vector<std::int64_t> classHits;  ///< classes x K
  std::vector<std::int64_t> row, bmu;   ///< per spectrum (/spectra/*)
  std::vector<double> distance, outlierScore;
  std::vector<std::int64_t> outlierRank, outlierRow, outlierBmu;  ///< the ranked list
  std::vector<double> outlierScoreListed;
  std::uint64_t outlierCount = 0;  ///< length of som.h5's ranked list
  std::uint64_t points = 0;        ///< codebook columns
};

/// forest.h5.
struct ForestInfo {
  io::Provenance provenance;
  std::vector<std::string> classes;
  std::string features, groupBy;
  int folds = 0;
  std::vector<std::int64_t> row, label;  ///< /spectra/{row,label}
  std::vector<std::int64_t> fold, prediction;
  std::vector<double> probability;                  ///< N x C, out of fold
  std::vector<double> accuracy, macroF1, macroAuc;  ///< per fold
  std::vector<double> precision, recall, f1, auc;   ///< folds x C
  std::vector<std::int64_t> confusion;              ///< folds x C x C
  std::vector<double> impurity, permutation;
};

/// candidates.h5 of the predict stage.
struct PredictInfo {
  io::Provenance provenance;
  std::string targetClass, dataset;
  std::vector<std::int64_t> rank, row;
  std::vector<std::string> id, label, predicted, estimate;
  std::vector<double> probability;
};

DatasetInfo readDatasetInfo(std::string const& path);
/// `outliers`: how many of the ranked list to read.
SomInfo readSomInfo(std::string const& path, std::uint64_t outliers);
ForestInfo readForestInfo(std::string const& path);
PredictInfo readPredictInfo(std::string const& path);

/// The codebook rows [first, first + count) of som.h5 (count x points, float32).
std::vector<float> readCodebook(std::string const& path, std::uint64_t first, std::uint64_t count,
                                std::uint64_t points);

/// One row of dataset.h5's /flux and /mask, and its /meta/path.
struct DatasetRow {
  std::vector<float> flux;
  std::vector<std::uint8_t> mask;
  std::string path;
};
/// Reads row `row` of an open dataset.h5 (serial).
DatasetRow readDatasetRow(io::H5File const& file, std::uint64_t row);

}  // namespace vocloud::report
