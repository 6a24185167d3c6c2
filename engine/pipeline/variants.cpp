#include "pipeline/variants.hpp"

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"
#include "pipeline/stage_dirs.hpp"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>

namespace vocloud::pipeline {

namespace fs = std::filesystem;

namespace {

// "path: value" lines of the stage's sections in the variant's effective configuration.
std::map<std::string, std::string> parametersOf(std::string const& dir,
                                                std::vector<std::string> const& sections) {
  std::string const path = dir + "/config.effective.yaml";
  config::Config const config = config::loadConfigText(core::readFile(path), path);
  std::map<std::string, std::string> params;
  for (auto const& section : sections) {
    std::string const text = config.sectionText(section);
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
         start = end + 1) {
      std::string const line = text.substr(start, end - start);
      std::size_t const colon = line.find(": ");
      if (colon != std::string::npos) params[line.substr(0, colon)] = line.substr(colon + 2);
    }
  }
  return params;
}

VariantInfo readVariant(std::string const& root, StageDef const& stage, std::string const& name) {
  VariantInfo info;
  info.stage = stage.name;
  info.name = name;
  info.dir = variantsDir(root, stage.name) + "/" + name;
  try {
    YAML::Node const node = YAML::LoadFile(info.dir + "/stage.json");
    info.fingerprint = node["fingerprint"].as<std::string>();
    info.summary = node["summary"].as<std::string>("");
    info.ended = node["ended"].as<std::string>("");
    for (auto const& input : node["inputs"])
      if (input.first.as<std::string>() != "(external)")
        info.inputs[input.first.as<std::string>()] = input.second.as<std::string>();
  } catch (YAML::Exception const& e) {
    throw Error("pipeline: cannot read '" + info.dir + "/stage.json': " + e.what());
  }
  try {
    info.params = parametersOf(info.dir, stage.sections);
  } catch (Error const& e) {
    throw Error("pipeline: cannot read the configuration of variant '" + info.dir +
                "': " + e.what());
  }
  info.figures = headlineFigures(info.summary);
  info.bytes = diskUse(info.dir);
  return info;
}

// Fills `differing` of one stage's variants: the keys (and inputs) whose values are not all
// the same.
void markDifferences(std::vector<VariantInfo>& variants, std::size_t begin) {
  std::map<std::string, std::set<std::string>> seen;
  if (variants.size() - begin < 2) return;
  for (std::size_t i = begin; i < variants.size(); ++i) {
    for (auto const& [key, value] : variants[i].params) seen[key].insert(value);
    for (auto const& [input, fp] : variants[i].inputs)
      seen["<" + input + ">"].insert(fp.substr(0, 16));
  }
  for (std::size_t i = begin; i < variants.size(); ++i) {
    auto& v = variants[i];
    for (auto const& [key, values] : seen) {
      if (values.size() < 2) continue;
      bool const isInput = key.front() == '<';
      std::string const name = isInput ? key.substr(1, key.size() - 2) : key;
      auto const found = isInput ? v.inputs.find(name) : v.params.find(name);
      auto const end = isInput ? v.inputs.end() : v.params.end();
      v.differing[isInput ? name + " (input)" : name] =
          found == end ? "-" : (isInput ? found->second.substr(0, 16) : found->second);
    }
  }
}

std::string figureText(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

std::string megabytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// Removes the partial folders of interrupted computations (no running process holds their
// variant's lock): what a later run of those parameters would have resumed.
void removeInterrupted(std::string const& root, std::vector<StageDef> const& catalog,
                       GcReport& report) {
  std::string const suffix = ".partial";
  for (auto const& stage : catalog) {
    std::error_code ec;
    for (auto const& entry : fs::directory_iterator(variantsDir(root, stage.name), ec)) {
      std::string const path = entry.path().string();
      if (path.size() <= suffix.size() ||
          path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      std::string const lock = path.substr(0, path.size() - suffix.size()) + ".lock";
      int const fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (fd >= 0) ::close(fd);
        continue;
      }
      std::uintmax_t const bytes = diskUse(path);
      core::removeAll(path);
      ::close(fd);
      ++report.interruptedCount;
      report.removedBytes += bytes;
      report.removed.push_back(stage.name + "/" + entry.path().filename().string());
    }
  }
}

}  // namespace

std::map<std::string, double> headlineFigures(std::string const& summary) {
  static std::regex const patterns[] = {
      std::regex(R"(quantisation error ([-+0-9.eE]+|nan))"),
      std::regex(R"(topographic error ([-+0-9.eE]+|nan))"),
      std::regex(R"(accuracy ([-+0-9.eE]+))"),
      std::regex(R"(macro-F1 ([-+0-9.eE]+))"),
  };
  static char const* const names[] = {"quantisation_error", "topographic_error", "cv_accuracy",
                                      "cv_macro_f1"};
  std::map<std::string, double> figures;
  for (std::size_t i = 0; i < 4; ++i) {
    std::smatch match;
    if (std::regex_search(summary, match, patterns[i]))
      figures[names[i]] = std::strtod(match[1].str().c_str(), nullptr);
  }
  return figures;
}

std::vector<VariantInfo> listVariants(std::string const& root,
                                      std::vector<StageDef> const& catalog) {
  std::vector<VariantInfo> variants;
  for (auto const& stage : catalog) {
    std::string const dir = variantsDir(root, stage.name);
    if (!fs::is_directory(dir)) continue;
    std::error_code ec;
    fs::path const latest = fs::read_symlink(root + "/" + stage.name, ec);
    std::size_t const begin = variants.size();
    for (auto const& entry : fs::directory_iterator(dir)) {
      std::string const name = entry.path().filename().string();
      if (!entry.is_directory() || name.find('.') != std::string::npos ||
          !fs::exists(entry.path() / "stage.json"))
        continue;  // partial, old and lock files
      variants.push_back(readVariant(root, stage, name));
      variants.back().latest = !ec && latest.filename() == name;
    }
    std::sort(variants.begin() + begin, variants.end(),
              [](VariantInfo const& a, VariantInfo const& b) {
                return std::tie(a.ended, a.name) < std::tie(b.ended, b.name);
              });
    markDifferences(variants, begin);
  }
  return variants;
}

std::set<std::string> keptVariants(std::vector<VariantInfo> const& variants,
                                   std::set<std::string> const& extraKeep) {
  std::set<std::string> kept;
  std::vector<VariantInfo const*> todo;
  for (auto const& v : variants)
    if (v.latest || extraKeep.count(v.stage + "/" + v.name)) todo.push_back(&v);
  while (!todo.empty()) {
    VariantInfo const* v = todo.back();
    todo.pop_back();
    if (!kept.insert(v->stage + "/" + v->name).second) continue;
    for (auto const& [input, fp] : v->inputs)
      for (auto const& u : variants)
        if (u.stage == input && u.fingerprint == fp) todo.push_back(&u);
  }
  return kept;
}

std::uintmax_t diskUse(std::string const& path) {
  std::set<std::pair<dev_t, ino_t>> counted;
  std::uintmax_t bytes = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat s {};
    if (::lstat(it->path().c_str(), &s) != 0 || !S_ISREG(s.st_mode)) continue;
    if (counted.insert({s.st_dev, s.st_ino}).second)
      bytes += static_cast<std::uintmax_t>(s.st_blocks) * 512;  // allocated, as du counts
  }
  return bytes;
}

GcReport collectGarbage(std::string const& root, std::vector<StageDef> const& catalog,
                        std::set<std::string> const& extraKeep) {
  auto const variants = listVariants(root, catalog);
  auto const kept = keptVariants(variants, extraKeep);
  GcReport report;
  for (auto const& v : variants) {
    if (kept.count(v.stage + "/" + v.name)) {
      ++report.keptCount;
      report.keptBytes += v.bytes;
      continue;
    }
    // A variant that a running process computes or reads holds its lock: it stays.
    int const fd = ::open((v.dir + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (fd >= 0) ::close(fd);
      ++report.busyCount;
      continue;
    }
    core::removeAll(v.dir);
    core::removeAll(v.dir + ".lock");
    ::close(fd);
    ++report.removedCount;
    report.removedBytes += v.bytes;
    report.removed.push_back(v.stage + "/" + v.name);
  }
  removeInterrupted(root, catalog, report);
  return report;
}

std::string runsText(std::vector<VariantInfo> const& variants) {
  std::string text, stage;
  for (auto const& v : variants) {
    if (v.stage != stage) {
      stage = v.stage;
      text += "stage " + stage + ":\n";
    }
    text += std::string(v.latest ? "  * " : "    ") + v.name + "  " + v.ended + "  " +
            megabytes(v.bytes);
    for (auto const& [name, value] : v.figures) text += "  " + name + " " + figureText(value);
    text += "\n";
    for (auto const& [key, value] : v.differing) text += "        " + key + " = " + value + "\n";
  }
  if (text.empty()) return "no kept variants\n";
  return text + "(* the latest: what <experiment>/<stage> links to)\n";
}

std::string runsJson(std::vector<VariantInfo> const& variants) {
  core::JsonWriter json;
  json.beginArray();
  for (auto const& v : variants) {
    // clang-format off
    json.beginObject()
        .key("stage").value(v.stage)
        .key("variant").value(v.name)
        .key("fingerprint").value(v.fingerprint)
        .key("latest").value(v.latest)
        .key("ended").value(v.ended)
        .key("bytes").value(static_cast<std::int64_t>(v.bytes))
        .key("summary").value(v.summary)
        .key("inputs").beginObject();
    // clang-format on
    for (auto const& [name, fp] : v.inputs) json.key(name).value(fp);
    json.endObject().key("differing").beginObject();
    for (auto const& [key, value] : v.differing) json.key(key).value(value);
    json.endObject().key("figures").beginObject();
    for (auto const& [name, value] : v.figures) json.key(name).value(value);
    json.endObject().endObject();
  }
  json.endArray();
  return json.str() + "\n";
}

}  // namespace vocloud::pipeline
