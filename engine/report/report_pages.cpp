#include "report/report_pages.hpp"

#include "core/json.hpp"
#include "core/version.hpp"
#include "report/data_writer.hpp"
#include "report/samp_table.hpp"

#include <map>

namespace vocloud::report {

namespace {

// Class names with their counts, "" (unlabelled) last.
void countsByName(core::JsonWriter& json, std::vector<std::string> const& names) {
  std::map<std::string, std::uint64_t> counts;
  for (auto const& n : names) ++counts[n];
  json.beginArray();
  for (auto const& [name, count] : counts)
    if (!name.empty())
      json.beginObject().key("name").value(name).key("count").value(count).endObject();
  if (counts.count(""))
    json.beginObject().key("name").value("").key("count").value(counts[""]).endObject();
  json.endArray();
}

// The reason's name: the text before the first ':'.
std::string reasonName(std::string const& reason) {
  return reason.substr(0, reason.find(':'));
}

void stagesJson(core::JsonWriter& json, std::vector<StageSummary> const& stages) {
  json.beginArray();
  for (auto const& s : stages) {
    json.beginObject()
        .key("name")
        .value(s.name)
        .key("fingerprint")
        .value(s.fingerprint)
        .key("status")
        .value(s.status)
        .key("seconds")
        .value(s.seconds)
        .key("started")
        .value(s.started)
        .key("ended")
        .value(s.ended)
        .key("summary")
        .value(s.summary)
        .key("outputs");
    jsonArray(json, s.outputs);
    json.endObject();
  }
  json.endArray();
}

void datasetJson(core::JsonWriter& json, ReportModel const& m) {
  DatasetInfo const& d = m.dataset;
  json.beginObject()
      .key("path")
      .value("preprocess/dataset.h5")
      .key("rows")
      .value(d.rows)
      .key("rejected")
      .value(static_cast<std::uint64_t>(d.rejectedId.size()))
      .key("classes");
  countsByName(json, d.label);
  json.key("layouts");
  countsByName(json, d.layout);
  json.key("grid")
      .beginObject()
      .key("from")
      .value(d.wave.empty() ? 0.0 : d.wave.front())
      .key("to")
      .value(d.wave.empty() ? 0.0 : d.wave.back())
      .key("points")
      .value(static_cast<std::uint64_t>(d.wave.size()))
      .key("spacing")
      .value(d.spacing)
      .key("frame")
      .value(d.frame)
      .key("rest_frame")
      .value(m.inputs.restFrame)
      .key("unit")
      .value("Angstrom")
      .endObject();
  std::vector<std::string> reasons;
  for (auto const& r : d.rejectedReason) reasons.push_back(reasonName(r));
  std::map<std::string, std::uint64_t> counts;
  for (auto const& r : reasons) ++counts[r];
  json.key("rejected_reasons").beginArray();
  for (auto const& [reason, count] : counts)
    json.beginObject().key("reason").value(reason).key("count").value(count).endObject();
  json.endArray();
  json.key("pca").beginObject().key("explained_variance_ratio");
  jsonArray(json, d.pcaRatio);
  json.endObject().endObject();
}

}  // namespace

std::string overviewJson(ReportModel const& m, std::string const& engineVersion,
                         std::string const& created) {
  core::JsonWriter json;
  json.beginObject()
      .key("experiment")
      .value(m.inputs.experiment)
      .key("engine_version")
      .value(engineVersion)
      .key("created")
      .value(created)
      .key("config_yaml")
      .value(m.inputs.effectiveYaml);
  if (!m.inputs.start.empty()) json.key("start").value(m.inputs.start);
  json.key("stages");
  stagesJson(json, m.inputs.stages);
  json.key("pages")
      .beginObject()
      .key("som")
      .value(m.som.has_value())
      .key("forest")
      .value(m.forest.has_value())
      .key("predict")
      .value(m.predict.has_value())
      .key("compare")
      .value(hasComparison(m.inputs.variants, m.inputs.sweep))
      .endObject();
  json.key("dataset");
  datasetJson(json, m);
  json.key("spectra_index")
      .beginObject()
      .key("shards")
      .value(m.shards())
      .key("per_shard")
      .value(m.config.perShard)
      .key("count")
      .value(static_cast<std::uint64_t>(m.order.size()))
      .endObject();
  json.endObject();
  return json.str();
}

std::string rejectedJson(ReportModel const& m) {
  DatasetInfo const& d = m.dataset;
  std::size_t const listed = std::min<std::size_t>(d.rejectedId.size(), m.config.maxRejected);
  core::JsonWriter json;
  json.beginObject()
      .key("count")
      .value(static_cast<std::uint64_t>(d.rejectedId.size()))
      .key("listed")
      .value(static_cast<std::uint64_t>(listed))
      .key("rows")
      .beginArray();
  for (std::size_t i = 0; i < listed; ++i)
    json.beginObject()
        .key("id")
        .value(d.rejectedId[i])
        .key("path")
        .value(i < d.rejectedPath.size() ? d.rejectedPath[i] : "")
        .key("reason")
        .value(i < d.rejectedReason.size() ? d.rejectedReason[i] : "")
        .endObject();
  json.endArray().endObject();
  return json.str();
}

std::string gridJson(ReportModel const& m) {
  core::JsonWriter json;
  json.beginObject().key("wave");
  typedArray(json, m.dataset.wave);
  json.endObject();
  return json.str();
}

std::string spectraIndexJson(ReportModel const& m) {
  std::vector<std::string> id, object, label;
  std::vector<std::int64_t> shard;
  for (std::size_t i = 0; i < m.order.size(); ++i) {
    auto const r = static_cast<std::size_t>(m.order[i]);
    id.push_back(m.dataset.id[r]);
    object.push_back(m.object[i]);
    label.push_back(m.dataset.label[r]);
    shard.push_back(m.shard(m.order[i]));
  }
  core::JsonWriter json;
  json.beginObject().key("count").value(static_cast<std::uint64_t>(m.order.size())).key("row");
  jsonArray(json, m.order);
  json.key("id");
  jsonArray(json, id);
  json.key("object");
  jsonArray(json, object);
  json.key("label");
  jsonArray(json, label);
  json.key("shard");
  jsonArray(json, shard);
  json.endObject();
  return json.str();
}

std::string predictJson(ReportModel const& m) {
  PredictInfo const& p = *m.predict;
  std::vector<std::int64_t> shard;
  for (std::int64_t row : p.row) shard.push_back(m.shard(row));
  core::JsonWriter json;
  json.beginObject()
      .key("class")
      .value(p.targetClass)
      .key("count")
      .value(static_cast<std::uint64_t>(p.row.size()))
      .key("rank");
  jsonArray(json, p.rank);
  json.key("row");
  jsonArray(json, p.row);
  json.key("id");
  jsonArray(json, p.id);
  json.key("label");
  jsonArray(json, p.label);
  json.key("predicted");
  jsonArray(json, p.predicted);
  json.key("probability");
  jsonArray(json, p.probability);
  json.key("estimate");
  jsonArray(json, p.estimate);
  json.key("shard");
  jsonArray(json, shard);
  json.endObject();
  return json.str();
}

void writePages(ReportModel const& m, std::string const& dataDir, std::string const& created) {
  writeDataFile(dataDir, "overview", overviewJson(m, core::engineVersion(), created));
  writeDataFile(dataDir, "rejected", rejectedJson(m));
  writeDataFile(dataDir, "grid", gridJson(m));
  writeDataFile(dataDir, "spectra/index", spectraIndexJson(m));
  writeSpectraVotable(m, dataDir);
  if (m.predict) writeDataFile(dataDir, "predict", predictJson(m));
  if (hasComparison(m.inputs.variants, m.inputs.sweep))
    writeDataFile(dataDir, "compare", compareJson(m.inputs.variants, m.inputs.sweep));
  if (m.som) {
    writeDataFile(dataDir, "som", somJson(m));
    std::uint64_t const nodes = m.members.size();
    for (std::uint64_t s = 0; s * kNodesPerShard < nodes; ++s) {
      char name[32];
      std::snprintf(name, sizeof name, "som/nodes-%04llu", static_cast<unsigned long long>(s));
      writeDataFile(dataDir, name, somNodesJson(m, s));
    }
  }
  if (m.forest) {
    writeDataFile(dataDir, "forest", forestJson(m));
    std::size_t const classes = m.forest->classes.size();
    for (std::size_t c = 0; c < m.cells.size(); ++c) {
      if (m.cells[c].count == 0) continue;
      std::string const name =
          "forest/cell-" + std::to_string(c / classes) + "-" + std::to_string(c % classes);
      writeDataFile(dataDir, name, forestCellJson(m, c / classes, c % classes));
    }
  }
}

}  // namespace vocloud::report
