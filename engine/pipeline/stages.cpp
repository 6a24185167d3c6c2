// The stage catalog: adapts each concern's entry point to the pipeline.
#include "core/error.hpp"
#include "pipeline/stage.hpp"
#include "acquire/acquire_stage.hpp"
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
  pipeline::StageDef acquire{
      "acquire",
      "build a base of knowledge from disk, URLs, VOTable lists and SSAP + DataLink services",
      {"acquire"},
      {},
      [](StageContext& context) {
        auto const config = acquire::acquireConfigFrom(context.config);
        auto const result = acquire::runAcquire(config, context.outputDir + "/bok", context.comm,
                                                context.log, context.timers);
        return acquire::describe(result, context.finalDir + "/bok");
      }};
  acquire.resumable = true;
  catalog.push_back(acquire);
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
