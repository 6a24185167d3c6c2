#include "uws/experiment_check.hpp"

#include "config/config.hpp"
#include "core/error.hpp"

#include <filesystem>

namespace vocloud::uws {

namespace fs = std::filesystem;

namespace {

// True when `path` is `root` or lies below it (lexically, after normalisation).
bool isInside(fs::path const& path, fs::path const& root) {
  auto const p = path.lexically_normal(), r = root.lexically_normal();
  auto const rel = p.lexically_relative(r);
  return !rel.empty() && *rel.begin() != "..";
}

// The stored names of a key: "a.b" itself, or "list[i].name" for each item of a list.
std::vector<std::string> storedNames(config::Config const& c, std::string const& path) {
  auto const open = path.find("[]");
  if (open == std::string::npos) return {path};
  std::string const list = path.substr(0, open), rest = path.substr(open + 2);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < c.count(list); ++i)
    names.push_back(list + "[" + std::to_string(i) + "]" + rest);
  return names;
}

std::string checkPaths(config::Config const& c, std::string const& jobDir,
                       std::vector<std::string> const& dataRoots) {
  std::string problems;
  for (auto const& spec : c.schema().keys()) {
    if (!spec.isPath || spec.path == "output") continue;
    for (auto const& name : storedNames(c, spec.path)) {
      if (!c.has(name) || c.getString(name).empty()) continue;
      fs::path value(c.getString(name));
      if (value.is_relative()) value = fs::path(jobDir) / value;
      bool allowed = isInside(value, jobDir);
      for (auto const& root : dataRoots) allowed = allowed || isInside(value, root);
      if (!allowed)
        problems += "\n  " + c.where(name) + ": " + name + ": '" + c.getString(name) +
                    "' is outside the job's folder and the service's data roots";
    }
  }
  return problems.empty() ? "" : "uws: the experiment names places a job may not read:" + problems;
}

}  // namespace

std::string checkExperiment(std::string const& yaml, std::string const& jobDir,
                            std::vector<std::string> const& dataRoots) {
  try {
    auto const c = config::loadConfigText(yaml, "experiment.yaml");
    return checkPaths(c, jobDir, dataRoots);
  } catch (UsageError const& e) {
    return e.what();
  } catch (std::exception const& e) {  // yaml-cpp's own syntax errors
    return std::string("config: experiment.yaml: ") + e.what();
  }
}

OutputChoice chooseOutput(std::string const& yaml, std::string const& jobDir,
                          std::string const& sharedBase, bool mayWriteShared) {
  if (sharedBase.empty()) return {};
  std::string output;
  try {
    auto const c = config::loadConfigText(yaml, "experiment.yaml");
    if (!c.has("output")) return {};
    output = c.getString("output");
  } catch (std::exception const&) {
    return {};  // checkExperiment reports it
  }
  fs::path value(output);
  if (value.is_relative()) value = fs::path(jobDir) / value;
  if (!isInside(value, sharedBase) && value.lexically_normal() != fs::path(sharedBase))
    return {};  // anywhere else: replaced by the job's own folder
  if (value.lexically_normal() == fs::path(sharedBase).lexically_normal())
    return {"", "uws: output: '" + output +
                    "' is the shared base of knowledge itself: name a folder inside it"};
  if (!mayWriteShared)
    return {"", "uws: output: '" + output +
                    "' is in the shared base of knowledge (jobs.shared_base), which only "
                    "privileged users may write; every job may read it"};
  return {value.lexically_normal().string(), ""};
}

}  // namespace vocloud::uws
