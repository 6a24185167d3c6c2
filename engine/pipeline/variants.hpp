#pragma once
// The kept variants of an experiment's stages (`.variants/<stage>/<fp>/`): what `vocloud runs`
// lists and `vocloud gc` removes. Plain file-system work, on one process (rank 0).
#include "pipeline/stage.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vocloud::pipeline {

/// One complete variant of a stage, as its stage.json and config.effective.yaml describe it.
struct VariantInfo {
  std::string stage;
  std::string name;         ///< the folder name: the fingerprint's first 16 hex digits
  std::string fingerprint;  ///< full, from stage.json
  std::string dir;          ///< `<root>/.variants/<stage>/<name>`
  std::string ended;        ///< ISO 8601 UTC, from stage.json
  std::string summary;
  bool latest = false;                           ///< `<root>/<stage>` links to it
  std::map<std::string, std::string> inputs;     ///< upstream stage -> its fingerprint
  std::map<std::string, std::string> params;     ///< key -> value of the stage's sections
  std::map<std::string, std::string> differing;  ///< the params (and inputs) not all variants share
  std::map<std::string, double> figures;         ///< headline figures found in the summary
  std::uintmax_t bytes = 0;                      ///< disk use of its files
};

/// The complete variants of every stage of `catalog` under `root`, stage by stage in pipeline
/// order, oldest first; `differing` filled per stage. Throws vocloud::Error naming a
/// variant whose stage.json or config cannot be read.
std::vector<VariantInfo> listVariants(std::string const& root,
                                      std::vector<StageDef> const& catalog);

/// Headline figures of a stage summary: quantisation_error and topographic_error (som),
/// cv_accuracy and cv_macro_f1 (forest); the others are absent.
std::map<std::string, double> headlineFigures(std::string const& summary);

/// The variants a gc keeps: the latest of each stage, the variants `extraKeep` names
/// (`stage/name`), and, transitively, every variant a kept one was computed from.
std::set<std::string> keptVariants(std::vector<VariantInfo> const& variants,
                                   std::set<std::string> const& extraKeep = {});

/// Disk space allocated to the regular files under `path`, as du(1) counts it (a file
/// linked twice counts once).
std::uintmax_t diskUse(std::string const& path);

struct GcReport {
  std::size_t removedCount = 0, keptCount = 0, busyCount = 0;
  std::size_t interruptedCount = 0;  ///< partial folders of interrupted runs removed
  std::uintmax_t removedBytes = 0, keptBytes = 0;
  std::vector<std::string> removed;  ///< `stage/name` of each removed variant
};

/// `vocloud gc`: removes every variant that keptVariants does not keep and that no running
/// process locks (those are counted as busy and stay), and the partial folders of
/// interrupted computations that no running process computes.
GcReport collectGarbage(std::string const& root, std::vector<StageDef> const& catalog,
                        std::set<std::string> const& extraKeep = {});

/// `vocloud runs`: a table per stage (text) or the list as JSON.
std::string runsText(std::vector<VariantInfo> const& variants);
std::string runsJson(std::vector<VariantInfo> const& variants);

}  // namespace vocloud::pipeline
