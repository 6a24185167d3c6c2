// data/forest.js and data/forest/cell-T-P.js.
#include "core/json.hpp"
#include "io/h5_store.hpp"
#include "report/data_writer.hpp"
#include "report/report_pages.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vocloud::report {

namespace {

constexpr std::size_t kRocPoints = 201;

// Mean and sample standard deviation (NaN values left out; sd NaN below 2 values).
void spreadJson(core::JsonWriter& json, std::vector<double> const& values) {
  double sum = 0, squares = 0;
  std::size_t n = 0;
  for (double v : values)
    if (std::isfinite(v)) sum += v, ++n;
  double const mean = n ? sum / static_cast<double>(n) : NAN;
  for (double v : values)
    if (std::isfinite(v)) squares += (v - mean) * (v - mean);
  double const sd = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : NAN;
  json.beginObject().key("mean").value(mean).key("sd").value(sd).endObject();
}

// Column `c` of a folds x classes table.
std::vector<double> columnOf(std::vector<double> const& table, std::size_t classes, std::size_t c) {
  std::vector<double> out;
  for (std::size_t i = c; i < table.size(); i += classes) out.push_back(table[i]);
  return out;
}

void perClassJson(core::JsonWriter& json, ForestInfo const& f) {
  std::size_t const classes = f.classes.size();
  json.beginArray();
  for (std::size_t c = 0; c < classes; ++c) {
    auto const support = std::count(f.label.begin(), f.label.end(), static_cast<std::int64_t>(c));
    json.beginObject().key("class").value(f.classes[c]).key("precision");
    spreadJson(json, columnOf(f.precision, classes, c));
    json.key("recall");
    spreadJson(json, columnOf(f.recall, classes, c));
    json.key("f1");
    spreadJson(json, columnOf(f.f1, classes, c));
    json.key("auc");
    spreadJson(json, columnOf(f.auc, classes, c));
    json.key("support").value(static_cast<std::int64_t>(support)).endObject();
  }
  json.endArray();
}

void perFoldJson(core::JsonWriter& json, ForestInfo const& f) {
  json.beginArray();
  for (std::size_t k = 0; k < f.accuracy.size(); ++k)
    json.beginObject()
        .key("fold")
        .value(static_cast<std::uint64_t>(k))
        .key("accuracy")
        .value(f.accuracy[k])
        .key("macro_f1")
        .value(k < f.macroF1.size() ? f.macroF1[k] : NAN)
        .key("macro_auc")
        .value(k < f.macroAuc.size() ? f.macroAuc[k] : NAN)
        .endObject();
  json.endArray();
}

// One-vs-rest ROC of class c from the out-of-fold probabilities: every distinct threshold,
// then at most kRocPoints of them, evenly spaced; the AUC by trapezoids over all of them.
void rocJson(core::JsonWriter& json, ForestInfo const& f, std::size_t c) {
  std::size_t const classes = f.classes.size();
  std::vector<std::pair<double, bool>> scored;
  for (std::size_t i = 0; i < f.label.size(); ++i) {
    double const p = f.probability[i * classes + c];
    if (f.label[i] >= 0 && std::isfinite(p))
      scored.emplace_back(p, f.label[i] == static_cast<std::int64_t>(c));
  }
  std::sort(scored.begin(), scored.end(),
            [](auto const& a, auto const& b) { return a.first > b.first; });
  double const positives = static_cast<double>(
      std::count_if(scored.begin(), scored.end(), [](auto const& s) { return s.second; }));
  double const negatives = static_cast<double>(scored.size()) - positives;
  std::vector<double> fpr{0}, tpr{0};
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < scored.size(); ++i) {
    (scored[i].second ? tp : fp) += 1;
    if (i + 1 < scored.size() && scored[i + 1].first == scored[i].first) continue;
    fpr.push_back(negatives > 0 ? fp / negatives : 0);
    tpr.push_back(positives > 0 ? tp / positives : 0);
  }
  double auc = 0;
  for (std::size_t i = 1; i < fpr.size(); ++i)
    auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
  std::vector<double> fx, ty;
  std::size_t const n = fpr.size();
  std::size_t const keep = std::min(n, kRocPoints);
  for (std::size_t j = 0; j < keep; ++j) {
    std::size_t const i = keep > 1 ? j * (n - 1) / (keep - 1) : 0;
    fx.push_back(fpr[i]);
    ty.push_back(tpr[i]);
  }
  json.beginObject().key("class").value(f.classes[c]).key("fpr");
  jsonArray(json, fx);
  json.key("tpr");
  jsonArray(json, ty);
  json.key("auc").value(positives > 0 && negatives > 0 ? auc : NAN).endObject();
}

// The mean normalised spectrum of each class, from /flux read in blocks of rows.
std::vector<std::vector<double>> classMeans(ReportModel const& m) {
  std::vector<std::string> const& classes = m.forest->classes;
  io::H5File const file = io::H5File::openSerial(m.inputs.datasetPath);
  io::H5Rows const flux = io::H5Rows::open(file, "/flux");
  std::size_t const points = flux.cols();
  std::vector<std::vector<double>> sums(classes.size(), std::vector<double>(points, 0.0));
  std::vector<std::uint64_t> counts(classes.size(), 0);
  constexpr std::uint64_t kBlock = 1024;
  std::vector<float> block(kBlock * points);
  for (std::uint64_t first = 0; first < flux.rows(); first += kBlock) {
    std::uint64_t const n = std::min(kBlock, flux.rows() - first);
    flux.read(first, n, block.data());
    for (std::uint64_t i = 0; i < n; ++i) {
      auto const it = std::find(classes.begin(), classes.end(), m.dataset.label[first + i]);
      if (it == classes.end()) continue;
      auto const c = static_cast<std::size_t>(it - classes.begin());
      ++counts[c];
      for (std::size_t j = 0; j < points; ++j) sums[c][j] += block[i * points + j];
    }
  }
  for (std::size_t c = 0; c < classes.size(); ++c)
    for (double& v : sums[c]) v = counts[c] ? v / static_cast<double>(counts[c]) : NAN;
  return sums;
}

// The out-of-fold confusion, all folds summed.
std::vector<std::int64_t> confusion(ForestInfo const& f) {
  std::size_t const cells = f.classes.size() * f.classes.size();
  std::vector<std::int64_t> sum(cells, 0);
  for (std::size_t i = 0; i < f.confusion.size(); ++i) sum[i % cells] += f.confusion[i];
  return sum;
}

void summaryJson(core::JsonWriter& json, ForestInfo const& f) {
  std::size_t const classes = f.classes.size();
  json.key("accuracy");
  spreadJson(json, f.accuracy);
  json.key("macro_f1");
  spreadJson(json, f.macroF1);
  json.key("macro_auc");
  spreadJson(json, f.macroAuc);
  auto const matrix = confusion(f);
  json.key("confusion").beginArray();
  for (std::size_t t = 0; t < classes; ++t)
    jsonArray(json, std::vector<std::int64_t>(matrix.begin() + t * classes,
                                              matrix.begin() + (t + 1) * classes));
  json.endArray().key("per_class");
  perClassJson(json, f);
  json.key("per_fold");
  perFoldJson(json, f);
  json.key("roc").beginArray();
  if (!f.probability.empty())
    for (std::size_t c = 0; c < classes; ++c) rocJson(json, f, c);
  json.endArray();
}

}  // namespace

std::string forestJson(ReportModel const& m) {
  ForestInfo const& f = *m.forest;
  core::JsonWriter json;
  json.beginObject().key("classes");
  jsonArray(json, f.classes);
  json.key("folds").value(f.folds).key("group_by").value(f.groupBy);
  summaryJson(json, f);
  json.key("importance").beginObject().key("impurity");
  typedArray(json, f.impurity);
  json.key("permutation");
  typedArray(json, f.permutation);
  json.endObject().key("features").value(f.features);
  json.key("class_mean").beginObject();
  auto const means = classMeans(m);
  for (std::size_t c = 0; c < f.classes.size(); ++c) {
    json.key(f.classes[c]);
    typedArray(json, std::vector<float>(means[c].begin(), means[c].end()));
  }
  json.endObject().key("cell_shards").value(!m.cells.empty()).endObject();
  return json.str();
}

std::string forestCellJson(ReportModel const& m, std::size_t truth, std::size_t predicted) {
  ForestInfo const& f = *m.forest;
  std::size_t const classes = f.classes.size();
  Cell const& cell = m.cells[truth * classes + predicted];
  std::vector<std::int64_t> row, shard;
  std::vector<std::string> id;
  for (std::size_t i : cell.listed) {
    row.push_back(f.row[i]);
    id.push_back(m.dataset.id[static_cast<std::size_t>(f.row[i])]);
    shard.push_back(m.shard(f.row[i]));
  }
  core::JsonWriter json;
  json.beginObject().key("count").value(cell.count).key("row");
  jsonArray(json, row);
  json.key("id");
  jsonArray(json, id);
  json.key("true").value(f.classes[truth]).key("predicted").value(f.classes[predicted]);
  json.key("probability").beginArray();
  for (std::size_t i : cell.listed)
    jsonArray(json, std::vector<double>(f.probability.begin() + i * classes,
                                        f.probability.begin() + (i + 1) * classes));
  json.endArray().key("shard");
  jsonArray(json, shard);
  json.endObject();
  return json.str();
}

}  // namespace vocloud::report
