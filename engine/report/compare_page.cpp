#include "report/compare_page.hpp"

#include "core/error.hpp"
#include "io/h5_store.hpp"

#include <filesystem>
#include <set>

namespace vocloud::report {

namespace fs = std::filesystem;

namespace {

// A variant's figures from its own output file: the values the stage wrote, at full
// precision (the summary line rounds them).
void outputFigures(core::JsonWriter& json, VariantSummary const& v) {
  if (v.stage == "som" && fs::exists(v.dir + "/som.h5")) {
    io::H5File const file = io::H5File::openSerial(v.dir + "/som.h5");
    for (char const* name : {"quantisation_error", "topographic_error"})
      if (file.hasAttribute("/", name)) json.key(name).value(file.numberAttribute("/", name));
  }
  if (v.stage == "forest" && fs::exists(v.dir + "/forest.h5")) {
    io::H5File const file = io::H5File::openSerial(v.dir + "/forest.h5");
    for (char const* name : {"accuracy", "macro_f1"}) {
      std::string const mean = std::string(name) + "_mean", sd = std::string(name) + "_sd";
      if (!file.exists("/cv") || !file.hasAttribute("/cv", mean)) continue;
      json.key(name).beginObject().key("mean").value(file.numberAttribute("/cv", mean));
      json.key("sd").value(file.hasAttribute("/cv", sd) ? file.numberAttribute("/cv", sd) : 0.0);
      json.endObject();
    }
  }
}

void variantJson(core::JsonWriter& json, VariantSummary const& v) {
  json.beginObject().key("name").value(v.name).key("fingerprint").value(v.fingerprint);
  json.key("latest").value(v.latest).key("ended").value(v.ended).key("summary").value(v.summary);
  json.key("megabytes").value(v.bytes / 1e6).key("differing").beginObject();
  for (auto const& [key, value] : v.differing) json.key(key).value(value);
  json.endObject().key("figures").beginObject();
  for (auto const& [key, value] : v.figures) json.key(key).value(value);
  json.endObject().key("measured").beginObject();
  try {
    outputFigures(json, v);
  } catch (Error const& e) {
    throw Error("report: variant " + v.stage + "/" + v.name + ": " + e.what());
  }
  json.endObject().endObject();
}

void sweepJson(core::JsonWriter& json, SweepSummary const& s) {
  json.beginObject().key("rank_by").value(s.rankBy).key("larger_is_better").value(s.largerIsBetter);
  json.key("rows").beginArray();
  for (auto const& r : s.rows) {
    json.beginObject().key("rank").value(r.rank).key("variant").value(r.variant);
    json.key("overrides").value(r.overrides).key("figures").beginObject();
    for (auto const& [key, value] : r.figures) json.key(key).value(value);
    json.endObject().key("stages").beginObject();
    for (auto const& [key, value] : r.stages) json.key(key).value(value);
    json.endObject().endObject();
  }
  json.endArray().endObject();
}

}  // namespace

bool hasComparison(std::vector<VariantSummary> const& variants,
                   std::optional<SweepSummary> const& sweep) {
  if (sweep && !sweep->rows.empty()) return true;
  std::map<std::string, int> perStage;
  for (auto const& v : variants)
    if (++perStage[v.stage] > 1) return true;
  return false;
}

std::string compareJson(std::vector<VariantSummary> const& variants,
                        std::optional<SweepSummary> const& sweep) {
  core::JsonWriter json;
  json.beginObject().key("stages").beginArray();
  // Variants come stage by stage (pipeline order), oldest first.
  for (std::size_t i = 0; i < variants.size();) {
    std::size_t end = i;
    while (end < variants.size() && variants[end].stage == variants[i].stage) ++end;
    std::set<std::string> keys;
    for (std::size_t k = i; k < end; ++k)
      for (auto const& [key, value] : variants[k].differing) keys.insert(key);
    json.beginObject().key("stage").value(variants[i].stage).key("differing").beginArray();
    for (auto const& key : keys) json.value(key);
    json.endArray().key("variants").beginArray();
    for (std::size_t k = i; k < end; ++k) variantJson(json, variants[k]);
    json.endArray().endObject();
    i = end;
  }
  json.endArray().key("sweep");
  if (sweep)
    sweepJson(json, *sweep);
  else
    json.null();
  json.endObject();
  return json.str();
}

}  // namespace vocloud::report
