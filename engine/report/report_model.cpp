#include "report/report_model.hpp"

#include "core/error.hpp"
#include "io/catalog_columns.hpp"

#include <algorithm>
#include <filesystem>

namespace vocloud::report {

namespace fs = std::filesystem;

namespace {

// Per data set row, the index of the row in `rows` (-1 where absent).
std::vector<std::int64_t> indexOfRows(std::uint64_t datasetRows,
                                      std::vector<std::int64_t> const& rows,
                                      std::string const& where) {
  std::vector<std::int64_t> index(datasetRows, -1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0 || static_cast<std::uint64_t>(rows[i]) >= datasetRows)
      throw Error("report: " + where + " row " + std::to_string(rows[i]) +
                  " is not a row of the data set (" + std::to_string(datasetRows) + " rows)");
    index[static_cast<std::size_t>(rows[i])] = static_cast<std::int64_t>(i);
  }
  return index;
}

// The rows of the listed entries of `indexes` into `rows`.
std::vector<std::int64_t> rowsOf(std::vector<std::size_t> const& indexes,
                                 std::vector<std::int64_t> const& rows) {
  std::vector<std::int64_t> out;
  out.reserve(indexes.size());
  for (std::size_t i : indexes) out.push_back(rows[i]);
  return out;
}

// Included spectra in the order of the contract: outliers, candidates, misclassified, node
// samples, diagonal cell samples.
std::vector<std::vector<std::int64_t>> includedLists(ReportModel const& m) {
  std::vector<std::vector<std::int64_t>> lists;
  if (m.som) lists.push_back(m.som->outlierRow);
  if (m.predict) lists.push_back(m.predict->row);
  std::size_t const classes = m.forest ? m.forest->classes.size() : 0;
  for (std::size_t c = 0; c < m.cells.size(); ++c)
    if (c / classes != c % classes) lists.push_back(rowsOf(m.cells[c].listed, m.forest->row));
  for (auto const& node : m.members) lists.push_back(rowsOf(node.listed, m.som->row));
  for (std::size_t c = 0; c < m.cells.size(); ++c)
    if (c / classes == c % classes) lists.push_back(rowsOf(m.cells[c].listed, m.forest->row));
  return lists;
}

void readOutputs(ReportModel& m) {
  ReportInputs const& in = m.inputs;
  m.dataset = readDatasetInfo(in.datasetPath);
  if (!in.somPath.empty()) m.som = readSomInfo(in.somPath, m.config.outliers);
  if (!in.forestPath.empty()) m.forest = readForestInfo(in.forestPath);
  if (!in.candidatesPath.empty()) {
    m.predict = readPredictInfo(in.candidatesPath);
    // Candidates of another data set (predict.input: file or directory) are listed without
    // opening: their rows are not rows of this data set.
    if (m.predict->dataset != in.datasetPath) m.predict->row.assign(m.predict->row.size(), -1);
  }
}

}  // namespace

ReportModel buildModel(ReportConfig const& config, ReportInputs const& inputs) {
  ReportModel m;
  m.config = config;
  m.inputs = inputs;
  readOutputs(m);
  std::uint64_t const rows = m.dataset.rows;
  m.outlierRank.assign(rows, 0);
  if (m.som) {
    m.somIndex = indexOfRows(rows, m.som->row, "som.h5 /spectra/row");
    std::size_t const nodes = static_cast<std::size_t>(m.som->rows) * m.som->cols;
    m.members = nodeMembers(nodes, m.som->bmu, m.som->distance, config.membersPerNode);
    for (std::size_t i = 0; i < m.som->outlierRow.size(); ++i)
      m.outlierRank.at(static_cast<std::size_t>(m.som->outlierRow[i])) = m.som->outlierRank[i];
  }
  if (m.forest) {
    m.forestIndex = indexOfRows(rows, m.forest->row, "forest.h5 /spectra/row");
    if (!m.forest->prediction.empty())
      m.cells = confusionCells(m.forest->classes.size(), m.forest->label, m.forest->prediction,
                               config.membersPerCell);
  }
  auto lists = includedLists(m);
  if (m.predict) {  // candidates of another data set have row -1: not included
    auto& candidates = m.som ? lists[1] : lists[0];
    candidates.erase(std::remove(candidates.begin(), candidates.end(), -1), candidates.end());
  }
  m.shardOf = assignShards(rows, lists, config.perShard, m.order);
  readCatalogFacts(m);
  return m;
}

// acquire writes the header's OBJECT and the URL it fetched from into the catalog.
void readCatalogFacts(ReportModel& m) {
  m.object.assign(m.order.size(), "");
  m.sourceUrl.assign(m.order.size(), "");
  DatasetInfo const& d = m.dataset;
  std::string const catalog = d.bok.empty() ? "" : d.bok + "/catalog.csv";
  if (d.catalogRow.size() != d.rows || catalog.empty() || !fs::exists(catalog)) return;
  std::vector<std::int64_t> rows;
  rows.reserve(m.order.size());
  for (std::int64_t row : m.order) rows.push_back(d.catalogRow[static_cast<std::size_t>(row)]);
  io::CatalogColumns const facts = io::readCatalogColumns(catalog, {"object", "source_url"}, rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0) continue;
    auto const& values = facts.values.at(rows[i]);
    m.object[i] = values[0];
    m.sourceUrl[i] = values[1];
  }
}

}  // namespace vocloud::report
