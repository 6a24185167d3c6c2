#pragma once
// The folders of one stage under `<output>/<experiment>/` and the moves between them. Every
// fingerprint of a stage keeps its own complete output, a *variant*, in
// `.variants/<stage>/<fp>/` (fp: the fingerprint's first 16 hex digits); `<stage>` is a
// symbolic link to the variant the last run used, so readers of `<stage>/...` see it. A
// variant computes into `<variant>.partial/`; the complete variant is never touched until the
// new output is ready, then replaced in three renames (old -> `<variant>.old`, partial ->
// `<variant>`, remove the old) that a crash at any point leaves recoverable, and the link is
// replaced in one rename. Every function here works on rank 0's file system only and removes
// nothing outside these folders.
#include <set>
#include <string>
#include <vector>

namespace vocloud::pipeline {

struct StageDirs {
  std::string root;     ///< `<output>/<experiment>`
  std::string name;     ///< the stage
  std::string final;    ///< `<root>/<stage>`: link to the latest complete variant
  std::string variant;  ///< `<root>/.variants/<stage>/<fp>`: this fingerprint's complete output
  std::string partial;  ///< `<variant>.partial`: the output being computed
  std::string old;      ///< `<variant>.old`: the previous output during a commit
  std::string lock;     ///< `<variant>.lock`: see StageLock
};

/// The folder that holds every variant of stage `name` under `root`.
std::string variantsDir(std::string const& root, std::string const& name);

/// The short name of a fingerprint's variant folder (its first 16 hex digits).
std::string variantName(std::string const& fingerprint);

/// The folders of the variant `fingerprint` of stage `name` under `root`.
StageDirs stageDirs(std::string const& root, std::string const& name,
                    std::string const& fingerprint);

/// Makes `<root>/<stage>` a link to `dirs.variant` (one rename: a reader sees the old or the
/// new link, never none).
void pointLatest(StageDirs const& dirs);

/// A stage folder from before variants (`<root>/<stage>` a directory with its stage.json)
/// becomes the variant of its fingerprint, with `<stage>` linking to it; an interrupted
/// commit of that scheme (`.<stage>.old`) is finished first. Nothing happens otherwise.
void adoptLegacy(std::string const& root, std::string const& name);

/// Finishes or undoes a commit that a crash interrupted: a leftover `.old` becomes the
/// variant again when the variant is missing, and is removed otherwise.
void recoverCommit(StageDirs const& dirs);

/// How a stage's partial folder is prepared for a new computation.
struct PartialPlan {
  std::string fingerprint;  ///< of the computation about to run
  bool resumable = false;   ///< the stage continues work found in its partial folder
  bool fresh = false;       ///< --force: nothing of an earlier run is kept but reusableDirs
  bool resume = false;      ///< --resume: the partial folder is kept for the stage to judge
  /// Sub-folders whose files a new run takes over (acquire: bok/files): kept from an
  /// interrupted run of other parameters, and hard-linked from the complete output.
  std::vector<std::string> reusableDirs;
};

/// Empties or keeps the partial folder and records the fingerprint it is computed for. A
/// partial folder is kept only for a resumable stage, not --force, and computed for the same
/// fingerprint (or recorded none, as a folder from before this scheme): anything else would
/// mix files of another run into the output; only its `reusableDirs` survive. Files of
/// `reusableDirs` of the complete output are then hard-linked (copied across file systems)
/// where the partial folder has none: never moved, so the complete output stays as it was.
void preparePartial(StageDirs const& dirs, PartialPlan const& plan);

/// Removes from the partial folder the files of `reusableDirs` that were taken over from the
/// complete output (the same file, by inode or link target) and that `named` (paths relative
/// to the stage folder) does not list: what this run does not use does not stay in its
/// output. Files the run wrote itself are kept.
void pruneTakenOver(StageDirs const& dirs, std::vector<std::string> const& reusableDirs,
                    std::set<std::string> const& named);

/// Replaces the complete variant with the partial folder (whose stage.json is written) and
/// points `<stage>` at it.
void commitPartial(StageDirs const& dirs);

}  // namespace vocloud::pipeline
