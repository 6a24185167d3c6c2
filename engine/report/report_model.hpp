#pragma once
// Everything the report's pages show, read from the HDF5 outputs, with the included spectra
// and their shards. Every rank builds the same model (the selection is deterministic), so
// the spectra work splits over ranks without sending tables around.
#include "report/compare_page.hpp"
#include "report/report_config.hpp"
#include "report/report_inputs.hpp"
#include "report/report_selection.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vocloud::report {

/// A stage of the experiment as the overview lists it (from its stage.json).
struct StageSummary {
  std::string name, fingerprint, status, summary, started, ended;
  double seconds = 0;
  std::vector<std::string> outputs;  ///< files, relative to the experiment folder
};

/// Where the report's inputs are ("" when the experiment has no such output).
struct ReportInputs {
  std::string experiment;
  std::string effectiveYaml;  ///< the experiment's effective configuration, secrets redacted
  std::string datasetPath, somPath, forestPath, candidatesPath;
  bool restFrame = false;  ///< preprocess.rest_frame of the data set
  std::string start;       ///< the route the page opens at ("" : the overview)
  std::vector<StageSummary> stages;
  std::vector<VariantSummary> variants;  ///< kept variants of every stage (`vocloud runs`)
  std::optional<SweepSummary> sweep;     ///< the sweep's ranked summary, when a sweep ran
};

struct ReportModel {
  ReportConfig config;
  ReportInputs inputs;
  DatasetInfo dataset;
  std::optional<SomInfo> som;
  std::optional<ForestInfo> forest;
  std::optional<PredictInfo> predict;
  std::vector<NodeMembers> members;   ///< per SOM node
  std::vector<Cell> cells;            ///< per confusion cell [true * C + predicted]
  std::vector<std::int32_t> shardOf;  ///< per data set row: its spectra shard, -1 none
  std::vector<std::int64_t> order;    ///< the included rows, in shard order
  /// Per included row (parallel to `order`): the catalog's object and source_url ("" unknown).
  std::vector<std::string> object, sourceUrl;
  std::vector<std::int64_t> somIndex, forestIndex;  ///< per data set row, -1 none
  std::vector<std::int64_t> outlierRank;            ///< per data set row, 0: not listed

  /// The number of spectra shards.
  std::uint64_t shards() const { return (order.size() + config.perShard - 1) / config.perShard; }
  /// The shard of data set row `row` (-1 when not included or not a row).
  std::int64_t shard(std::int64_t row) const {
    return row >= 0 && static_cast<std::uint64_t>(row) < shardOf.size()
               ? shardOf[static_cast<std::size_t>(row)]
               : -1;
  }
};

/// Reads the outputs named in `inputs` and selects the included spectra. Throws
/// vocloud::Error naming the file when one cannot be read.
ReportModel buildModel(ReportConfig const& config, ReportInputs const& inputs);

/// Fills `m.object` and `m.sourceUrl` for `m.order` from the base of knowledge's catalog.csv
/// (the data set's attribute `bok`, rows by /meta/catalog_row): "" where the data set names
/// no catalog row or the catalog lacks the column. Throws vocloud::Error naming the catalog
/// when a row is missing from it.
void readCatalogFacts(ReportModel& m);

}  // namespace vocloud::report
