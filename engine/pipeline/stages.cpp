// The stage catalog: adapts each concern's entry point to the pipeline.
#include "core/error.hpp"
#include "pipeline/stage.hpp"
#include "synth/synth_stage.hpp"

namespace vocloud::pipeline {

std::vector<StageDef> stageCatalog() {
  std::vector<StageDef> catalog;
  catalog.push_back(
      {"synth",
       "write a labelled synthetic base of knowledge in the real survey layouts",
       {"synth"},
       {},
       [](StageContext& context) {
         auto const params = synth::synthConfigFrom(context.config);
         auto const result = synth::runSynth(params, context.outputDir + "/bok", context.comm,
                                             context.log, context.timers);
         return synth::describe(result, context.finalDir + "/bok");
       }});
  return catalog;
}

StageDef const& findStage(std::vector<StageDef> const& catalog, std::string const& name) {
  for (auto const& stage : catalog)
    if (stage.name == name) return stage;
  std::string known;
  for (auto const& stage : catalog) known += (known.empty() ? "" : ", ") + stage.name;
  throw UsageError("pipeline: unknown stage '" + name + "' (this build has: " + known + ")");
}

}  // namespace vocloud::pipeline
