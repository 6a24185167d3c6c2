#include "som/som_output.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/version.hpp"
#include "io/dataset_shard.hpp"
#include "io/h5_store.hpp"
#include "io/provenance.hpp"
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
    details.meta = io::readRowMeta(datasetPath, rows);
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

  // The ranked outlier list (rank 0's spectrum columns; the rest every rank has).
  io::writeResultH5(file, "/outliers", outlierTable(output), comm);

  io::writeProvenance(file, io::currentProvenance(run.provenance, run.fingerprint,
                                                  {run.datasetPath}, comm));
  file.setAttribute("/", "dataset", run.datasetPath);
  file.setAttribute("/", "features", config.data.features);
  file.setIntegerAttribute("/", "rows", static_cast<std::int64_t>(codebook.grid.rows));
  file.setIntegerAttribute("/", "cols", static_cast<std::int64_t>(codebook.grid.cols));
  file.setAttribute("/", "grid", codebook.grid.hexagonal ? "hexagonal" : "rectangular");
  file.setAttribute("/", "topology", codebook.grid.toroidal ? "toroidal" : "planar");
  file.setAttribute("/", "neighbourhood", config.map.neighbourhood);
  file.setIntegerAttribute("/", "epochs", static_cast<std::int64_t>(output.history->size()));
  file.setAttribute("/", "quantisation_error", evaluation.quantisationError);
  file.setAttribute("/", "topographic_error", evaluation.topographicError);
  file.setAttribute("/", "median_distance", evaluation.globalMedian);
  file.setAttribute("/", "median_manifold_residual", evaluation.residualMedian);
  file.setAttribute("/", "median_density_factor", evaluation.densityMedian);
  file.setAttribute("/", "density_mass_rows", evaluation.density.mass);
  file.setIntegerAttribute("/", "fixed_point_exponent", static_cast<std::int64_t>(output.exponent));
  file.close();
}

io::ResultTable outlierTable(SomOutput const& output) {
  std::vector<RankedRow> const& ranked = *output.ranked;
  RankedDetails const& details = *output.details;
  std::vector<std::int64_t> rank, row, inSparse(details.inSparseNode.begin(),
                                                 details.inSparseNode.end());
  std::vector<float> score;
  for (std::size_t j = 0; j < ranked.size(); ++j) {
    rank.push_back(static_cast<std::int64_t>(j + 1));
    row.push_back(ranked[j].row);
    score.push_back(ranked[j].score);
  }
  io::ResultTable table;
  table.name = "outliers";
  table.description = "Spectra ranked by the SOM outlier score (the larger percentile of the "
                      "manifold residual and the density factor)";
  table.columns = {io::intColumn("rank", std::move(rank), "meta.number", "1 = most outlying"),
                   io::intColumn("row", std::move(row), "meta.record", "row of the data set")};
  for (auto& column : io::spectrumColumns(details.meta)) table.columns.push_back(std::move(column));
  table.columns.push_back(io::floatColumn("score", std::move(score), "stat.value",
                                          "outlier score (docs/som.md)"));
  table.columns.push_back(io::intColumn("bmu", details.bmu, "meta.number",
                                        "best-matching node of the map"));
  table.columns.push_back(io::intColumn("in_sparse_node", std::move(inSparse), "meta.code",
                                        "1 when the row's node is sparse"));
  return table;
}

void writeOutlierTables(std::string const& dir, SomOutput const& output, comm::Comm const& comm) {
  comm::onRoot(comm, "som: cannot write the outlier list in " + dir, [&] {
    io::ResultTable const table = outlierTable(output);
    io::writeResultCsv(dir + "/outliers.csv", table);
    io::writeResultVoTable(dir + "/outliers.vot", table, "vocloud som");
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
