// data/som.js and data/som/nodes-NNNN.js.
#include "core/json.hpp"
#include "report/data_writer.hpp"
#include "report/report_pages.hpp"

namespace vocloud::report {

namespace {

void nodesJson(core::JsonWriter& json, SomInfo const& s) {
  json.beginObject().key("x");
  jsonArray(json, s.x);
  json.key("y");
  jsonArray(json, s.y);
  json.key("row");
  jsonArray(json, s.nodeRow);
  json.key("col");
  jsonArray(json, s.nodeCol);
  json.key("hits");
  jsonArray(json, s.hits);
  json.key("umatrix");
  jsonArray(json, s.umatrix);
  json.key("density");
  jsonArray(json, s.density);
  json.key("sparse");
  jsonArray(json, s.sparse);
  json.endObject();
}

void classesJson(core::JsonWriter& json, SomInfo const& s) {
  std::size_t const nodes = s.hits.size();
  json.beginObject().key("names");
  jsonArray(json, s.classNames);
  json.key("hits").beginArray();
  for (std::size_t c = 0; c < s.classNames.size(); ++c)
    jsonArray(json, std::vector<std::int64_t>(s.classHits.begin() + c * nodes,
                                              s.classHits.begin() + (c + 1) * nodes));
  json.endArray().endObject();
}

void outliersJson(core::JsonWriter& json, ReportModel const& m) {
  SomInfo const& s = *m.som;
  std::vector<std::string> id, label;
  std::vector<std::int64_t> shard;
  for (std::int64_t row : s.outlierRow) {
    id.push_back(m.dataset.id.at(static_cast<std::size_t>(row)));
    label.push_back(m.dataset.label.at(static_cast<std::size_t>(row)));
    shard.push_back(m.shard(row));
  }
  json.beginObject()
      .key("count")
      .value(s.outlierCount)
      .key("listed")
      .value(static_cast<std::uint64_t>(s.outlierRow.size()))
      .key("rank");
  jsonArray(json, s.outlierRank);
  json.key("row");
  jsonArray(json, s.outlierRow);
  json.key("id");
  jsonArray(json, id);
  json.key("label");
  jsonArray(json, label);
  json.key("score");
  jsonArray(json, s.outlierScoreListed);
  json.key("bmu");
  jsonArray(json, s.outlierBmu);
  json.key("shard");
  jsonArray(json, shard);
  json.endObject();
}

void membersJson(core::JsonWriter& json, ReportModel const& m, NodeMembers const& node) {
  SomInfo const& s = *m.som;
  std::vector<std::int64_t> row, shard;
  std::vector<std::string> id, label;
  std::vector<double> distance, score;
  for (std::size_t i : node.listed) {
    row.push_back(s.row[i]);
    id.push_back(m.dataset.id[static_cast<std::size_t>(s.row[i])]);
    label.push_back(m.dataset.label[static_cast<std::size_t>(s.row[i])]);
    distance.push_back(s.distance[i]);
    score.push_back(s.outlierScore[i]);
    shard.push_back(m.shard(s.row[i]));
  }
  json.beginObject().key("count").value(node.count).key("row");
  jsonArray(json, row);
  json.key("id");
  jsonArray(json, id);
  json.key("label");
  jsonArray(json, label);
  json.key("distance");
  jsonArray(json, distance);
  json.key("outlier_score");
  jsonArray(json, score);
  json.key("shard");
  jsonArray(json, shard);
  json.endObject();
}

}  // namespace

std::string somJson(ReportModel const& m) {
  SomInfo const& s = *m.som;
  core::JsonWriter json;
  json.beginObject()
      .key("rows")
      .value(s.rows)
      .key("cols")
      .value(s.cols)
      .key("grid")
      .value(s.grid)
      .key("topology")
      .value(s.topology)
      .key("quantisation_error")
      .value(s.quantisationError)
      .key("topographic_error")
      .value(s.topographicError)
      .key("epochs")
      .beginObject()
      .key("quantisation_error");
  jsonArray(json, s.epochQe);
  json.key("topographic_error");
  jsonArray(json, s.epochTe);
  json.key("radius");
  jsonArray(json, s.epochRadius);
  json.endObject().key("nodes");
  nodesJson(json, s);
  json.key("classes");
  classesJson(json, s);
  std::uint64_t const nodes = m.members.size();
  json.key("node_shards")
      .beginObject()
      .key("count")
      .value((nodes + kNodesPerShard - 1) / kNodesPerShard)
      .key("per_shard")
      .value(kNodesPerShard)
      .endObject();
  json.key("outliers");
  outliersJson(json, m);
  json.endObject();
  return json.str();
}

std::string somNodesJson(ReportModel const& m, std::uint64_t shard) {
  std::uint64_t const first = shard * kNodesPerShard;
  std::uint64_t const count = std::min<std::uint64_t>(kNodesPerShard, m.members.size() - first);
  std::vector<float> const codebook = readCodebook(m.inputs.somPath, first, count, m.som->points);
  core::JsonWriter json;
  json.beginObject().key("first").value(first).key("codebook");
  typedArray(json, codebook, {count, m.som->points});
  json.key("members").beginArray();
  for (std::uint64_t k = first; k < first + count; ++k) membersJson(json, m, m.members[k]);
  json.endArray().endObject();
  return json.str();
}

}  // namespace vocloud::report
