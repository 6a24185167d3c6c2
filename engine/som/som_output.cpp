#include "som/som_output.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/version.hpp"
#include "io/dataset_shard.hpp"
#include "io/h5_store.hpp"
#include "som/somoclu_files.hpp"

#include <algorithm>
#include <cstdio>

namespace vocloud::som {

RankedDetails rankedDetails(std::vector<RankedRow> const& ranked, MapEvaluation const& evaluation,
                            std::uint64_t firstRow, std::string const& datasetPath,
                            comm::Comm const& comm) {
  auto const first = static_cast<std::int64_t>(firstRow);
  RankedDetails details;
  details.bmu = comm::valuesOfRankedRows(
      ranked, first, std::vector<std::int64_t>(evaluation.bmu.begin(), evaluation.bmu.end()), comm);
  std::vector<std::int64_t> const sparse = comm::valuesOfRankedRows(
      ranked, first,
      std::vector<std::int64_t>(evaluation.inSparseNode.begin(), evaluation.inSparseNode.end()),
      comm);
  details.inSparseNode.assign(sparse.begin(), sparse.end());
  comm::onRoot(comm, "som: reading ids of the outliers from " + datasetPath, [&] {
    std::vector<std::int64_t> rows;
    for (auto const& r : ranked) rows.push_back(r.row);
    io::RowMeta meta = io::readRowMeta(datasetPath, rows);
    details.id = std::move(meta.id);
    details.label = std::move(meta.label);
  });
  return details;
}

void writeSomH5(std::string const& path, SomOutput const& output, SomStageConfig const& config,
                SomRun const& run, comm::Comm const& comm) {
  Codebook const& codebook = *output.codebook;
  MapEvaluation const& evaluation = *output.evaluation;
  std::uint64_t const first = output.firstRow;
  std::uint64_t const total = output.totalRows;
  io::H5File file = io::H5File::createParallel(path, comm);

  io::writeWholeDataset(file, "/codebook", codebook.weights, codebook.dims);
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
  io::writeRowBlock(file, "/spectra/row", rowIndex, first, total);
  io::writeRowBlock(file, "/spectra/bmu", bmu, first, total);
  io::writeRowBlock(file, "/spectra/second_bmu", second, first, total);
  io::writeRowBlock(file, "/spectra/distance", evaluation.distance, first, total);
  io::writeRowBlock(file, "/spectra/outlier_score", evaluation.score, first, total);
  io::writeRowBlock(file, "/spectra/distance_score", evaluation.distanceScore, first, total);
  io::writeRowBlock(file, "/spectra/manifold_residual", evaluation.residual, first, total);
  io::writeRowBlock(file, "/spectra/density_factor", evaluation.densityFactor, first, total);
  io::writeRowBlock(file, "/spectra/in_sparse_node", evaluation.inSparseNode, first, total);

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
  io::writeWholeDataset(file, "/nodes/row", nodeRow);
  io::writeWholeDataset(file, "/nodes/col", nodeCol);
  io::writeWholeDataset(file, "/nodes/x", x);
  io::writeWholeDataset(file, "/nodes/y", y);
  io::writeWholeDataset(file, "/nodes/hits", evaluation.hits);
  io::writeWholeDataset(file, "/nodes/umatrix", evaluation.uMatrix);
  io::writeWholeDataset(file, "/nodes/median_distance", evaluation.nodeMedian);
  io::writeWholeDataset(file, "/nodes/sparse", evaluation.sparseNode);
  io::writeWholeDataset(file, "/nodes/density", evaluation.density.density);
  io::writeWholeDataset(file, "/nodes/reach_radius", evaluation.density.reachRadius);

  // Per class (labels of the data set).
  file.createGroup("/classes");
  std::vector<std::string> const& classes = *output.classes;
  io::writeWholeStrings(file, "/classes/name", classes, comm);
  if (!classes.empty())
    io::writeWholeDataset(file, "/classes/hits", *output.classHits,
                          static_cast<std::uint64_t>(nodes));

  // Per epoch.
  std::vector<double> radius, qerr, topographic;
  for (auto const& r : *output.history) {
    radius.push_back(r.radius);
    qerr.push_back(r.quantisationError);
    topographic.push_back(r.topographicError);
  }
  file.createGroup("/epochs");
  io::writeWholeDataset(file, "/epochs/radius", radius);
  io::writeWholeDataset(file, "/epochs/quantisation_error", qerr);
  io::writeWholeDataset(file, "/epochs/topographic_error", topographic);

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
  io::writeWholeDataset(file, "/outliers/row", listRow);
  io::writeWholeDataset(file, "/outliers/score", listScore);
  io::writeWholeDataset(file, "/outliers/bmu", details.bmu);
  io::writeWholeDataset(file, "/outliers/in_sparse_node", details.inSparseNode);
  io::writeWholeStrings(file, "/outliers/id", details.id, comm);  // rank 0 holds the strings
  io::writeWholeStrings(file, "/outliers/label", details.label, comm);

  file.setAttribute("/", "engine_version", core::engineVersion());
  file.setAttribute("/", "fingerprint", run.fingerprint);
  file.setAttribute("/", "config", run.provenance);
  file.setAttribute("/", "dataset", run.datasetPath);
  file.setAttribute("/", "features", config.data.features);
  file.setAttribute("/", "rows", static_cast<double>(codebook.grid.rows));
  file.setAttribute("/", "cols", static_cast<double>(codebook.grid.cols));
  file.setAttribute("/", "grid", codebook.grid.hexagonal ? "hexagonal" : "rectangular");
  file.setAttribute("/", "topology", codebook.grid.toroidal ? "toroidal" : "planar");
  file.setAttribute("/", "neighbourhood", config.map.neighbourhood);
  file.setAttribute("/", "epochs", static_cast<double>(output.history->size()));
  file.setAttribute("/", "quantisation_error", evaluation.quantisationError);
  file.setAttribute("/", "topographic_error", evaluation.topographicError);
  file.setAttribute("/", "median_distance", evaluation.globalMedian);
  file.setAttribute("/", "median_manifold_residual", evaluation.residualMedian);
  file.setAttribute("/", "median_density_factor", evaluation.densityMedian);
  file.setAttribute("/", "density_mass_rows", evaluation.density.mass);
  file.setAttribute("/", "fixed_point_exponent", static_cast<double>(output.exponent));
  file.close();
}

void writeOutlierCsv(std::string const& path, SomOutput const& output, comm::Comm const& comm) {
  comm::onRoot(comm, "som: cannot write " + path, [&] {
    std::vector<RankedRow> const& ranked = *output.ranked;
    RankedDetails const& details = *output.details;
    std::string text = "rank,row,id,label,score,bmu,in_sparse_node\n";
    char score[32];
    for (std::size_t j = 0; j < ranked.size(); ++j) {
      std::snprintf(score, sizeof score, "%.6g", static_cast<double>(ranked[j].score));
      text += std::to_string(j + 1) + "," + std::to_string(ranked[j].row) + "," +
              core::csvField(details.id[j]) + "," + core::csvField(details.label[j]) + "," + score +
              "," + std::to_string(details.bmu[j]) + "," +
              std::to_string(int(details.inSparseNode[j])) + "\n";
    }
    core::writeFileAtomic(path, text);
  });
}

void writeSomocluFiles(std::string const& stem, SomOutput const& output, comm::Comm const& comm) {
  comm::onRoot(comm, "som: cannot write " + stem + ".wts/.umx", [&] {
    core::writeFileAtomic(stem + ".wts", somocluWeights(*output.codebook));
    core::writeFileAtomic(stem + ".umx",
                          somocluUMatrix(output.codebook->grid, output.evaluation->uMatrix));
  });
  writeSomocluBmus(stem + ".bm", output.codebook->grid, output.evaluation->bmu, output.firstRow,
                   output.totalRows, comm);
}

}  // namespace vocloud::som
