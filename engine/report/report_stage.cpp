#include "report/report_stage.hpp"

#include "comm/comm.hpp"
#include "core/error.hpp"
#include "io/provenance.hpp"
#include "report/report_pages.hpp"

#include <filesystem>
#include <optional>

namespace vocloud::report {

namespace fs = std::filesystem;

std::string findBundle() {
  std::error_code error;
  fs::path const exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return "";
  fs::path const dir = exe.parent_path().parent_path() / "share" / "vocloud" / "report-ui";
  return fs::exists(dir / "index.html") ? dir.string() : std::string();
}

void copyBundle(std::string const& bundleDir, std::string const& reportDir,
                std::string const& indexName) {
  std::error_code error;
  fs::copy_file(fs::path(bundleDir) / "index.html", fs::path(reportDir) / indexName,
                fs::copy_options::overwrite_existing, error);
  for (char const* folder : {"assets", "licenses"}) {
    if (error) break;
    if (fs::exists(fs::path(bundleDir) / folder))
      fs::copy(fs::path(bundleDir) / folder, fs::path(reportDir) / folder,
               fs::copy_options::recursive | fs::copy_options::overwrite_existing, error);
  }
  if (error)
    throw Error("report: cannot copy the front end from " + bundleDir + " to " + reportDir + ": " +
                error.message());
}

ReportResult runReport(ReportConfig const& config, ReportRun const& run, comm::Comm const& comm,
                       core::Log const& log, core::Timers& timers) {
  std::optional<core::ScopedTimer> step(std::in_place, timers, "read");
  ReportModel const model = buildModel(config, run.inputs);
  std::string const dataDir = run.outputDir + "/data";
  std::string const created = comm.bcast(io::utcNow(), 0);
  step.emplace(timers, "pages");
  comm::onRoot(comm, "report: writing the pages' data in " + dataDir,
               [&] { writePages(model, dataDir, created); });
  step.emplace(timers, "spectra");
  writeSpectraShards(model, run.recipe, dataDir, comm);
  step.emplace(timers, "bundle");
  ReportResult result;
  result.spectra = model.order.size();
  result.shards = model.shards();
  result.bundle = !run.bundleDir.empty() && fs::exists(fs::path(run.bundleDir) / "index.html");
  if (result.bundle)
    comm::onRoot(comm, "report: copying the front end",
                 [&] { copyBundle(run.bundleDir, run.outputDir); });
  else
    log.warn(
        "report: the front end (share/vocloud/report-ui) is not built: wrote the data "
        "files only; build viz-export/ to get index.html");
  return result;
}

std::string describe(ReportResult const& result, std::string const& dir) {
  return std::to_string(result.spectra) + " spectra in " + std::to_string(result.shards) +
         " shards; " + (result.bundle ? dir + "/index.html" : dir + "/data (no front end)");
}

}  // namespace vocloud::report
