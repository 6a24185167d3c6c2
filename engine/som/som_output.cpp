#include "som/som_output.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/version.hpp"
#include "io/h5_store.hpp"
#include "som/somoclu_files.hpp"

#include <algorithm>
#include <cstdio>

namespace vocloud::som {

namespace {

using io::H5Rows;
using io::H5Type;

/// A dataset of `values` (known on every rank) written by rank 0 alone; collective.
template <class T>
void writeWhole(io::H5File const& file, std::string const& name, H5Type type, std::uint64_t cols,
                std::vector<T> const& values) {
  std::uint64_t const rows = cols ? values.size() / cols : values.size();
  H5Rows const set = H5Rows::create(
      file, name, type, cols, std::max<std::uint64_t>(1, std::min<std::uint64_t>(rows, 4096)));
  set.resize(rows);
  bool const mine = file.rank() == 0;
  set.write(0, mine ? rows : 0, values.data());
}

/// Per-row dataset: every rank writes its `count` rows at `first`.
template <class T>
void writeRows(io::H5File const& file, std::string const& name, H5Type type,
               std::uint64_t totalRows, std::uint64_t first, std::vector<T> const& local) {
  H5Rows const set = H5Rows::create(file, name, type, 0, 65536);
  set.resize(totalRows);
  set.write(first, local.size(), local.data());
}

}  // namespace

RankedDetails rankedDetails(std::vector<RankedRow> const& ranked, MapEvaluation const& evaluation,
                            std::uint64_t firstRow, std::string const& datasetPath,
                            comm::Comm const& comm) {
  RankedDetails details;
  std::size_t const m = ranked.size();
  details.bmu.assign(m, 0);
  std::vector<std::int64_t> sparse(m, 0);
  std::uint64_t const end = firstRow + evaluation.bmu.size();
  for (std::size_t j = 0; j < m; ++j) {
    auto const row = static_cast<std::uint64_t>(ranked[j].row);
    if (row < firstRow || row >= end) continue;  // another rank owns it
    details.bmu[j] = evaluation.bmu[row - firstRow];
    sparse[j] = evaluation.inSparseNode[row - firstRow];
  }
  comm.allreduce(details.bmu, comm::Op::Sum);
  comm.allreduce(sparse, comm::Op::Sum);
  details.inSparseNode.assign(sparse.begin(), sparse.end());
  std::string failure;
  if (comm.isRoot()) {
    try {
      io::H5File const file = io::H5File::openSerial(datasetPath);
      bool const hasLabels = file.exists("/meta/label");
      H5Rows const ids = H5Rows::open(file, "/meta/id");
      for (auto const& r : ranked) {
        details.id.push_back(ids.readStrings(static_cast<std::uint64_t>(r.row), 1).at(0));
        details.label.push_back(
            hasLabels ? H5Rows::open(file, "/meta/label").readStrings(r.row, 1).at(0) : "");
      }
    } catch (std::exception const& e) {
      failure = e.what();
    }
  }
  failure = comm.bcast(failure, 0);
  if (!failure.empty())
    throw Error("som: reading ids of the outliers from " + datasetPath + ": " + failure);
  return details;
}

void writeSomH5(std::string const& path, SomOutput const& output, SomStageConfig const& config,
                SomRun const& run, comm::Comm const& comm) {
  Codebook const& codebook = *output.codebook;
  MapEvaluation const& evaluation = *output.evaluation;
  std::uint64_t const first = output.firstRow;
  std::uint64_t const total = output.totalRows;
  io::H5File file = io::H5File::createParallel(path, comm);

  writeWhole(file, "/codebook", H5Type::Float32, codebook.dims, codebook.weights);
  if (!output.wave->empty()) io::writeSmall(file, "/wave", *output.wave, {output.wave->size()});

  // Per spectrum, in data set row order.
  std::vector<std::int64_t> rowIndex(evaluation.bmu.size()), bmu(evaluation.bmu.size()),
      second(evaluation.bmu.size());
  for (std::size_t i = 0; i < rowIndex.size(); ++i) {
    rowIndex[i] = static_cast<std::int64_t>(first + i);
    bmu[i] = evaluation.bmu[i];
    second[i] = evaluation.second[i];
  }
  file.createGroup("/spectra");
  writeRows(file, "/spectra/row", H5Type::Int64, total, first, rowIndex);
  writeRows(file, "/spectra/bmu", H5Type::Int64, total, first, bmu);
  writeRows(file, "/spectra/second_bmu", H5Type::Int64, total, first, second);
  writeRows(file, "/spectra/distance", H5Type::Float32, total, first, evaluation.distance);
  writeRows(file, "/spectra/outlier_score", H5Type::Float32, total, first, evaluation.score);
  writeRows(file, "/spectra/distance_score", H5Type::Float32, total, first,
            evaluation.distanceScore);
  writeRows(file, "/spectra/standardised_residual", H5Type::Float32, total, first,
            evaluation.residual);
  writeRows(file, "/spectra/in_sparse_node", H5Type::UInt8, total, first, evaluation.inSparseNode);

  // Per node.
  int const nodes = codebook.nodes();
  std::vector<std::int64_t> nodeRow(nodes), nodeCol(nodes);
  std::vector<double> x(nodes), y(nodes);
  for (int k = 0; k < nodes; ++k) {
    nodeRow[k] = k / codebook.grid.cols;
    nodeCol[k] = k % codebook.grid.cols;
    NodePosition const p = nodePosition(codebook.grid, k);
    x[k] = p.x;
    y[k] = p.y;
  }
  file.createGroup("/nodes");
  writeWhole(file, "/nodes/row", H5Type::Int64, 0, nodeRow);
  writeWhole(file, "/nodes/col", H5Type::Int64, 0, nodeCol);
  writeWhole(file, "/nodes/x", H5Type::Float64, 0, x);
  writeWhole(file, "/nodes/y", H5Type::Float64, 0, y);
  writeWhole(file, "/nodes/hits", H5Type::Float64, 0, evaluation.hits);
  writeWhole(file, "/nodes/umatrix", H5Type::Float64, 0, evaluation.uMatrix);
  writeWhole(file, "/nodes/median_distance", H5Type::Float64, 0, evaluation.nodeMedian);
  writeWhole(file, "/nodes/sparse", H5Type::UInt8, 0, evaluation.sparseNode);

  // Per class (labels of the data set).
  file.createGroup("/classes");
  std::vector<std::string> const& classes = *output.classes;
  std::uint64_t width = 1;
  for (auto const& c : classes) width = std::max<std::uint64_t>(width, c.size());
  {
    H5Rows const names = H5Rows::create(file, "/classes/name", H5Type::String, 0, 64, width);
    names.resize(classes.size());
    names.write(0, file.rank() == 0 ? classes : std::vector<std::string>{});
  }  // closed before the file
  if (!classes.empty())
    writeWhole(file, "/classes/hits", H5Type::Float64, static_cast<std::uint64_t>(nodes),
               *output.classHits);

  // Per epoch.
  std::vector<double> radius, qerr, topographic;
  for (auto const& r : *output.history) {
    radius.push_back(r.radius);
    qerr.push_back(r.quantisationError);
    topographic.push_back(r.topographicError);
  }
  file.createGroup("/epochs");
  writeWhole(file, "/epochs/radius", H5Type::Float64, 0, radius);
  writeWhole(file, "/epochs/quantisation_error", H5Type::Float64, 0, qerr);
  writeWhole(file, "/epochs/topographic_error", H5Type::Float64, 0, topographic);

  // The ranked outlier list.
  std::vector<RankedRow> const& ranked = *output.ranked;
  RankedDetails const& details = *output.details;
  std::vector<std::int64_t> listRow;
  std::vector<float> listScore;
  for (auto const& r : ranked) {
    listRow.push_back(r.row);
    listScore.push_back(r.score);
  }
  file.createGroup("/outliers");
  writeWhole(file, "/outliers/row", H5Type::Int64, 0, listRow);
  writeWhole(file, "/outliers/score", H5Type::Float32, 0, listScore);
  writeWhole(file, "/outliers/bmu", H5Type::Int64, 0, details.bmu);
  writeWhole(file, "/outliers/in_sparse_node", H5Type::UInt8, 0, details.inSparseNode);
  for (auto const* column : {&details.id, &details.label}) {
    // The width must be the same on every rank: rank 0 (which holds the strings) decides.
    std::uint64_t w = 1;
    for (auto const& v : *column) w = std::max<std::uint64_t>(w, v.size());
    comm.bcast(&w, 1, 0);
    H5Rows const set =
        H5Rows::create(file, column == &details.id ? "/outliers/id" : "/outliers/label",
                       H5Type::String, 0, 1024, w);
    set.resize(ranked.size());
    set.write(0, file.rank() == 0 ? *column : std::vector<std::string>{});
  }

  file.setAttribute("/", "engine_version", core::engineVersion());
  file.setAttribute("/", "fingerprint", run.fingerprint);
  file.setAttribute("/", "config", run.provenance);
  file.setAttribute("/", "dataset", run.datasetPath);
  file.setAttribute("/", "features", config.features);
  file.setAttribute("/", "rows", static_cast<double>(codebook.grid.rows));
  file.setAttribute("/", "cols", static_cast<double>(codebook.grid.cols));
  file.setAttribute("/", "grid", codebook.grid.hexagonal ? "hexagonal" : "rectangular");
  file.setAttribute("/", "topology", codebook.grid.toroidal ? "toroidal" : "planar");
  file.setAttribute("/", "neighbourhood", config.map.neighbourhood);
  file.setAttribute("/", "epochs", static_cast<double>(output.history->size()));
  file.setAttribute("/", "quantisation_error", evaluation.quantisationError);
  file.setAttribute("/", "topographic_error", evaluation.topographicError);
  file.setAttribute("/", "median_distance", evaluation.globalMedian);
  file.setAttribute("/", "median_standardised_residual", evaluation.residualMedian);
  file.setAttribute("/", "fixed_point_exponent", static_cast<double>(output.exponent));
  file.close();
}

void writeOutlierCsv(std::string const& path, SomOutput const& output, comm::Comm const& comm) {
  std::string failure;
  if (comm.isRoot()) {
    try {
      std::vector<RankedRow> const& ranked = *output.ranked;
      RankedDetails const& details = *output.details;
      std::string text = "rank,row,id,label,score,bmu,in_sparse_node\n";
      char score[32];
      for (std::size_t j = 0; j < ranked.size(); ++j) {
        std::snprintf(score, sizeof score, "%.6g", static_cast<double>(ranked[j].score));
        text += std::to_string(j + 1) + "," + std::to_string(ranked[j].row) + "," +
                core::csvField(details.id[j]) + "," + core::csvField(details.label[j]) + "," +
                score + "," + std::to_string(details.bmu[j]) + "," +
                std::to_string(int(details.inSparseNode[j])) + "\n";
      }
      core::writeFileAtomic(path, text);
    } catch (std::exception const& e) {
      failure = e.what();
    }
  }
  failure = comm.bcast(failure, 0);
  if (!failure.empty()) throw Error("som: cannot write " + path + ": " + failure);
}

void writeSomocluFiles(std::string const& stem, SomOutput const& output, comm::Comm const& comm) {
  std::string failure;
  if (comm.isRoot()) {
    try {
      core::writeFileAtomic(stem + ".wts", somocluWeights(*output.codebook));
      core::writeFileAtomic(stem + ".umx",
                            somocluUMatrix(output.codebook->grid, output.evaluation->uMatrix));
    } catch (std::exception const& e) {
      failure = e.what();
    }
  }
  failure = comm.bcast(failure, 0);
  if (!failure.empty()) throw Error("som: cannot write " + stem + ".wts/.umx: " + failure);
  writeSomocluBmus(stem + ".bm", output.codebook->grid, output.evaluation->bmu, output.firstRow,
                   output.totalRows, comm);
}

}  // namespace vocloud::som
