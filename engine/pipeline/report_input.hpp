#pragma once
// What the report stage reads, found from the pipeline's stage folders: the outputs of the
// listed stages, their stage.json manifests, and the recipe the data set was made with.
#include "pipeline/stage.hpp"
#include "report/report_stage.hpp"

namespace vocloud::pipeline {

/// The upstream stages the report reads: preprocess and whichever of som, forest and predict
/// the experiment's `stages` lists.
std::vector<std::string> reportInputs(config::Config const& config);

/// How the data set at `datasetPath` was made: the per-spectrum options of its recorded
/// configuration (effective_config) and its grid (/wave); `restFrame` receives
/// preprocess.rest_frame. Throws vocloud::Error naming the file when it has no valid recorded
/// configuration.
report::SpectralRecipe datasetRecipe(std::string const& datasetPath, bool& restFrame);

/// What the report's comparison page depends on, for its fingerprint: the kept variants of
/// every stage but the report, and the sweep summary's content. Reads the file system only.
std::string comparisonFingerprint(config::Config const& config);

/// The report's run for this context: the outputs, the stages' summaries, the data set's
/// recipe (from its recorded configuration) and the front-end bundle beside the executable.
report::ReportRun prepareReport(StageContext const& context);

}  // namespace vocloud::pipeline
