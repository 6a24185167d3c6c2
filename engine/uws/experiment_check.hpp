#pragma once
// What the service accepts as a job's experiment: valid for the experiment schema (the same
// validation as `vocloud run`), and reading only inside the job's folder or the service's
// data roots (shared bases of knowledge), so a job cannot read or publish other files.
#include <string>
#include <vector>

namespace vocloud::uws {

/// Checks `yaml` (the job's experiment.yaml, to live in `jobDir`). Returns "" when accepted,
/// else every problem as "experiment.yaml:LINE:COL: ...". Every path key of the schema (but
/// `output`, which the launcher replaces) must name, once taken from `jobDir` when relative,
/// a place inside `jobDir` or inside one of `dataRoots` (absolute folders).
std::string checkExperiment(std::string const& yaml, std::string const& jobDir,
                            std::vector<std::string> const& dataRoots);

/// Where a job writes: `dir` empty for its own folder (the launcher's default), or the
/// experiment's `output` when it names a folder inside `sharedBase` (the shared base of
/// knowledge) and `mayWriteShared` (a privileged user); `problem` when a user who may not
/// write there names it ("uws: output: ...").
struct OutputChoice {
  std::string dir;
  std::string problem;
};
OutputChoice chooseOutput(std::string const& yaml, std::string const& jobDir,
                          std::string const& sharedBase, bool mayWriteShared);

}  // namespace vocloud::uws
