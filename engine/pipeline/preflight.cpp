#include "pipeline/preflight.hpp"

#include "core/error.hpp"
#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <filesystem>

namespace vocloud::pipeline {

namespace {

// A problem's text without the "config: " that each stage's message starts with.
std::string withoutConcern(std::string const& message) {
  std::string const prefix = "config: ";
  return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

// Where a listed stage's upstream comes from: earlier in the list, or completed on disk.
void checkUpstream(StageDef const& stage, config::Config const& config,
                   std::vector<std::string> const& stages, std::size_t position,
                   std::vector<std::string>& problems) {
  auto const inputs = stage.inputsFor ? stage.inputsFor(config) : stage.inputs;
  for (auto const& input : inputs) {
    auto const end = stages.begin() + static_cast<std::ptrdiff_t>(position);
    if (std::find(stages.begin(), end, input) != end) continue;
    std::string const dir = experimentDir(config) + "/" + input;
    if (isCompletedStageDir(dir)) continue;
    if (stages != config.getList("stages")) {  // a stage command: `stages` plays no part
      problems.push_back(config.source() + ": stage '" + stage.name +
                         "' reads the output of stage '" + input + "', which is not completed in " +
                         dir + " (run that stage first)");
      continue;
    }
    bool const listedLater = std::find(end, stages.end(), input) != stages.end();
    problems.push_back(config.where("stages") + ": stage '" + stage.name +
                       "' reads the output of stage '" + input + "', which " +
                       (listedLater ? "is listed after it" : "is not listed in stages") +
                       " and is not completed in " + dir + " (list '" + input + "' before '" +
                       stage.name + "', or run it first)");
  }
}

}  // namespace

void preflight(std::vector<StageDef> const& catalog, config::Config const& config,
               std::vector<std::string> const& stages, int ranks) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    StageDef const& stage = findStage(catalog, stages[i]);
    if (stage.validate) {
      try {
        stage.validate(config, ranks);
      } catch (UsageError const& e) {
        problems.push_back(withoutConcern(e.what()));
      }
    }
    checkUpstream(stage, config, stages, i, problems);
  }
  if (problems.empty()) return;
  std::string message =
      "config: " + std::to_string(problems.size()) + " problem(s) in " + config.source() + ":";
  for (auto const& p : problems) message += "\n  " + p;
  throw UsageError(message);
}

void preflightCollective(std::vector<StageDef> const& catalog, config::Config const& config,
                         std::vector<std::string> const& stages, comm::Comm const& comm) {
  comm::checkOnEveryRank(comm, [&] { preflight(catalog, config, stages, comm.size()); });
}

}  // namespace vocloud::pipeline
