// The HTML preview: the report's spectrum view of just the chosen spectra.
#include "core/error.hpp"
#include "core/version.hpp"
#include "io/provenance.hpp"
#include "report/data_writer.hpp"
#include "report/preview.hpp"
#include "report/report_pages.hpp"
#include "report/report_stage.hpp"
#include "report/samp_table.hpp"

#include <filesystem>

namespace vocloud::report {

namespace fs = std::filesystem;

namespace {

// A report model of the data set alone whose included spectra are the chosen rows.
ReportModel previewModel(PreviewData const& data) {
  ReportModel m;
  m.inputs.experiment = "preview";
  m.inputs.datasetPath = data.datasetPath;
  m.inputs.restFrame = data.restFrame;
  m.dataset = readDatasetInfo(data.datasetPath);
  m.inputs.effectiveYaml = m.dataset.provenance.effectiveConfig;
  std::vector<std::int64_t> rows;
  for (auto const& s : data.spectra) rows.push_back(static_cast<std::int64_t>(s.row));
  m.shardOf = assignShards(m.dataset.rows, {rows}, m.config.perShard, m.order);
  m.outlierRank.assign(m.dataset.rows, 0);
  readCatalogFacts(m);
  if (!rows.empty()) m.inputs.start = "#/spectrum/" + std::to_string(rows.front());
  return m;
}

}  // namespace

bool writePreviewReport(PreviewData const& data, SpectralRecipe const& recipe,
                        std::string const& htmlPath, std::string const& bundleDir) {
  ReportModel const m = previewModel(data);
  fs::path const folder = fs::absolute(htmlPath).parent_path();
  std::string const dataDir = (folder / "data").string();
  writeDataFile(dataDir, "overview", overviewJson(m, core::engineVersion(), io::utcNow()));
  writeDataFile(dataDir, "rejected", rejectedJson(m));
  writeDataFile(dataDir, "grid", gridJson(m));
  writeDataFile(dataDir, "spectra/index", spectraIndexJson(m));
  writeSpectraVotable(m, dataDir);
  for (std::uint64_t s = 0; s < m.shards(); ++s)
    writeDataFile(dataDir, shardName(s), spectraShardJson(m, recipe, s));
  if (bundleDir.empty() || !fs::exists(fs::path(bundleDir) / "index.html")) return false;
  copyBundle(bundleDir, folder.string(), fs::path(htmlPath).filename().string());
  return true;
}

}  // namespace vocloud::report
