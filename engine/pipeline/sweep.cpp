#include "pipeline/sweep.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"
#include "pipeline/stage_dirs.hpp"
#include "pipeline/variants.hpp"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

namespace vocloud::pipeline {

namespace fs = std::filesystem;

namespace {

std::string figureText(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string csvField(std::string const& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// The figures of every record, in a fixed order, and the stages of any record.
std::vector<std::string> figureNames(std::vector<SweepRecord> const& records) {
  std::set<std::string> names;
  for (auto const& r : records)
    for (auto const& [name, value] : r.figures) names.insert(name);
  return {names.begin(), names.end()};
}

std::vector<std::string> stageNames(std::vector<SweepRecord> const& records) {
  std::vector<std::string> names;
  for (auto const& r : records)
    for (auto const& o : r.outcomes)
      if (std::find(names.begin(), names.end(), o.name) == names.end()) names.push_back(o.name);
  return names;
}

std::string variantOf(SweepRecord const& record, std::string const& stage) {
  for (auto const& o : record.outcomes)
    if (o.name == stage) return variantName(o.fingerprint);
  return "";
}

}  // namespace

std::vector<SweepVariant> sweepVariants(config::Config const& config) {
  std::vector<SweepVariant> variants{SweepVariant{}};
  std::size_t const keys = config.count("sweep.grid");
  for (std::size_t k = 0; k < keys; ++k) {
    std::string const item = "sweep.grid[" + std::to_string(k) + "]";
    std::string const key = config.getString(item + ".key");
    auto const& values = config.getList(item + ".values");
    if (values.empty())
      throw UsageError(config.where(item + ".values") + ": sweep: no values for '" + key + "'");
    std::vector<SweepVariant> next;
    for (auto const& v : variants)
      for (auto const& value : values) {
        SweepVariant more = v;
        more.overrides.push_back({key, value});
        more.label += (more.label.empty() ? "" : " ") + key + "=" + value;
        next.push_back(std::move(more));
      }
    variants = std::move(next);
  }
  if (keys == 0) variants.clear();
  std::size_t const listed = config.count("sweep.variants");
  for (std::size_t i = 0; i < listed; ++i) {
    std::string const key = "sweep.variants[" + std::to_string(i) + "].set";
    SweepVariant variant;
    for (auto const& text : config.getList(key)) {
      try {
        variant.overrides.push_back(config::parseOverride(text));
      } catch (UsageError const& e) {
        throw UsageError(config.where(key) + ": sweep: " + e.what());
      }
      variant.label += (variant.label.empty() ? "" : " ") + text;
    }
    variants.push_back(std::move(variant));
  }
  if (variants.empty())
    throw UsageError(config.where("sweep") +
                     ": sweep: no variants (give sweep.grid or sweep.variants)");
  return variants;
}

std::string sweepDir(config::Config const& config) {
  return experimentDir(config) + "/sweep";
}

void writeSweepRecord(std::string const& dir, SweepRecord const& record) {
  core::JsonWriter json;
  // clang-format off
  json.beginObject()
      .key("index").value(static_cast<std::int64_t>(record.index))
      .key("label").value(record.label)
      .key("stages").beginArray();
  // clang-format on
  for (auto const& o : record.outcomes)
    // clang-format off
    json.beginObject()
        .key("stage").value(o.name)
        .key("fingerprint").value(o.fingerprint)
        .key("reused").value(o.reused)
        .key("summary").value(o.summary)
        .endObject();
  // clang-format on
  json.endArray().endObject();
  core::makeDirectories(dir);
  core::writeFileAtomic(dir + "/variant-" + std::to_string(record.index) + ".json",
                        json.str() + "\n");
}

std::vector<SweepRecord> readSweepRecords(std::string const& dir) {
  std::vector<SweepRecord> records;
  std::error_code ec;
  for (auto const& entry : fs::directory_iterator(dir, ec)) {
    std::string const name = entry.path().filename().string();
    if (name.rfind("variant-", 0) != 0 || entry.path().extension() != ".json") continue;
    try {
      YAML::Node const node = YAML::LoadFile(entry.path().string());
      SweepRecord record;
      record.index = node["index"].as<int>();
      record.label = node["label"].as<std::string>("");
      for (auto const& stage : node["stages"]) {
        StageOutcome o;
        o.name = stage["stage"].as<std::string>();
        o.fingerprint = stage["fingerprint"].as<std::string>();
        o.reused = stage["reused"].as<bool>(false);
        o.summary = stage["summary"].as<std::string>("");
        for (auto const& [figure, value] : headlineFigures(o.summary))
          record.figures[figure] = value;
        record.outcomes.push_back(std::move(o));
      }
      records.push_back(std::move(record));
    } catch (YAML::Exception const& e) {
      throw Error("sweep: cannot read '" + entry.path().string() + "': " + e.what());
    }
  }
  std::sort(records.begin(), records.end(),
            [](SweepRecord const& a, SweepRecord const& b) { return a.index < b.index; });
  return records;
}

std::pair<std::string, bool> rankingFigure(std::vector<SweepRecord> const& records,
                                           std::string const& rankBy) {
  std::string figure = rankBy;
  if (figure == "auto") {
    figure = "quantisation_error";
    for (auto const& r : records)
      if (r.figures.count("cv_macro_f1")) figure = "cv_macro_f1";
  }
  return {figure, figure.rfind("cv_", 0) == 0};
}

std::vector<SweepRecord> rankRecords(std::vector<SweepRecord> records, std::string const& rankBy) {
  auto const [figure, larger] = rankingFigure(records, rankBy);
  std::stable_sort(records.begin(), records.end(), [&](SweepRecord const& a, SweepRecord const& b) {
    auto const x = a.figures.find(figure), y = b.figures.find(figure);
    bool const hasX = x != a.figures.end() && !std::isnan(x->second);
    bool const hasY = y != b.figures.end() && !std::isnan(y->second);
    if (hasX != hasY) return hasX;
    if (!hasX || x->second == y->second) return a.index < b.index;
    return larger ? x->second > y->second : x->second < y->second;
  });
  return records;
}

std::string summaryCsv(std::vector<SweepRecord> const& ranked) {
  auto const figures = figureNames(ranked);
  auto const stages = stageNames(ranked);
  std::string csv = "rank,variant,overrides";
  for (auto const& f : figures) csv += "," + f;
  for (auto const& s : stages) csv += "," + s;
  csv += "\n";
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    auto const& r = ranked[i];
    csv += std::to_string(i + 1) + "," + std::to_string(r.index) + "," + csvField(r.label);
    for (auto const& f : figures) {
      auto const it = r.figures.find(f);
      csv += "," + (it == r.figures.end() ? std::string() : figureText(it->second));
    }
    for (auto const& s : stages) csv += "," + variantOf(r, s);
    csv += "\n";
  }
  return csv;
}

std::string summaryJson(std::vector<SweepRecord> const& ranked, std::string const& rankBy) {
  auto const [figure, larger] = rankingFigure(ranked, rankBy);
  core::JsonWriter json;
  // clang-format off
  json.beginObject()
      .key("rank_by").value(figure)
      .key("larger_is_better").value(larger)
      .key("variants").beginArray();
  // clang-format on
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    auto const& r = ranked[i];
    // clang-format off
    json.beginObject()
        .key("rank").value(static_cast<std::int64_t>(i + 1))
        .key("variant").value(static_cast<std::int64_t>(r.index))
        .key("overrides").value(r.label)
        .key("figures").beginObject();
    // clang-format on
    for (auto const& [name, value] : r.figures) json.key(name).value(value);
    json.endObject().key("stages").beginObject();
    for (auto const& o : r.outcomes) json.key(o.name).value(variantName(o.fingerprint));
    json.endObject().endObject();
  }
  json.endArray().endObject();
  return json.str() + "\n";
}

void writeSweepSummary(std::string const& dir, std::string const& rankBy) {
  core::makeDirectories(dir);
  std::string const lockPath = dir + "/.summary.lock";
  int const fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
    if (fd >= 0) ::close(fd);
    throw Error("sweep: cannot lock '" + lockPath + "'");
  }
  try {
    auto const ranked = rankRecords(readSweepRecords(dir), rankBy);
    core::writeFileAtomic(dir + "/summary.csv", summaryCsv(ranked));
    core::writeFileAtomic(dir + "/summary.json", summaryJson(ranked, rankBy));
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

}  // namespace vocloud::pipeline
