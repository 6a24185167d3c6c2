#pragma once
// The JSON of each of the report's data files (docs/report-data.md), from the model.
#include "report/report_model.hpp"

#include <string>

namespace vocloud::report {

/// data/overview.js; `created` is the report's time (ISO 8601 UTC).
std::string overviewJson(ReportModel const& m, std::string const& engineVersion,
                         std::string const& created);
/// data/rejected.js.
std::string rejectedJson(ReportModel const& m);
/// data/grid.js.
std::string gridJson(ReportModel const& m);
/// data/spectra/index.js.
std::string spectraIndexJson(ReportModel const& m);
/// data/predict.js (the model has candidates).
std::string predictJson(ReportModel const& m);

/// SOM nodes per som/nodes-NNNN file.
inline constexpr std::uint64_t kNodesPerShard = 100;
/// data/som.js (the model has a map).
std::string somJson(ReportModel const& m);
/// data/som/nodes-NNNN.js for node shard `shard`; reads its codebook rows from som.h5.
std::string somNodesJson(ReportModel const& m, std::uint64_t shard);

/// data/forest.js (the model has a forest); reads dataset.h5's /flux in blocks for the mean
/// spectrum of each class.
std::string forestJson(ReportModel const& m);
/// data/forest/cell-T-P.js.
std::string forestCellJson(ReportModel const& m, std::size_t truth, std::size_t predicted);

/// Writes every data file but the spectra shards into `dataDir` (rank 0's share).
void writePages(ReportModel const& m, std::string const& dataDir, std::string const& created);

}  // namespace vocloud::report
