#pragma once
// The report stage: reads the experiment's HDF5 outputs and writes the static HTML report
// (<output>/<experiment>/report/): the data files of docs/report-data.md and a copy of the
// front-end bundle.
#include "comm/comm.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"
#include "report/report_config.hpp"
#include "report/report_model.hpp"
#include "report/spectra_shards.hpp"

#include <cstdint>
#include <string>

namespace vocloud::report {

struct ReportRun {
  ReportInputs inputs;
  SpectralRecipe recipe;  ///< how the data set's rows were made
  std::string outputDir;  ///< the report folder (data/ is written below it)
  std::string bundleDir;  ///< the front-end bundle; "" or absent: data only
};

struct ReportResult {
  std::uint64_t spectra = 0;  ///< spectra included
  std::uint64_t shards = 0;   ///< spectra shards
  bool bundle = false;        ///< the front end was copied
};

/// Writes the report. Rank 0 writes the small files; the spectra shards are shared among
/// the ranks. Collective over comm.
ReportResult runReport(ReportConfig const& config, ReportRun const& run, comm::Comm const& comm,
                       core::Log const& log, core::Timers& timers);

/// The front-end bundle beside this executable: <dir of the executable>/../share/vocloud/
/// report-ui (the build tree and the install tree have the same layout); "" when absent.
std::string findBundle();

/// Copies index.html (as `indexName`), assets/ and licenses/ from `bundleDir` into
/// `reportDir`.
void copyBundle(std::string const& bundleDir, std::string const& reportDir,
                std::string const& indexName = "index.html");

/// One line: what the report holds and where.
std::string describe(ReportResult const& result, std::string const& dir);

}  // namespace vocloud::report
