#include "forest/predict_stage.hpp"

#include "comm/ranking.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/version.hpp"
#include "forest/forest_file.hpp"
#include "io/dataset_shard.hpp"
#include "io/h5_store.hpp"
#include "io/votable.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vocloud::forest {

PredictConfig predictConfigFrom(config::Config const& config) {
  PredictConfig out;
  auto str = [&](char const* key) { return config.getString(std::string("predict.") + key); };
  out.data = config::datasetInputFrom(config, "predict", false);
  out.modelFile = str("model_file");
  out.targetClass = str("class");
  if (out.targetClass.empty())
    throw UsageError("config: " + config.where("predict") +
                     ": predict.class is required (the class whose new members are sought)");
  out.rows = str("rows");
  out.top = static_cast<std::uint64_t>(config.getInt("predict.top"));
  return out;
}

namespace {

std::string describeGrid(std::vector<double> const& wave) {
  if (wave.empty()) return "no grid";
  char text[96];
  std::snprintf(text, sizeof text, "%zu points, %.3f-%.3f A", wave.size(), wave.front(),
                wave.back());
  return text;
}

/// The data set must hold what the model was trained on.
void checkCompatible(ForestModel const& model, ModelContext const& context,
                     io::DatasetShard const& shard, std::string const& modelPath) {
  if (shard.dims != static_cast<std::uint64_t>(model.features))
    throw UsageError("predict: " + shard.path + shard.name + " has " + std::to_string(shard.dims) +
                     " values per row, the model " + modelPath + " was trained on " +
                     std::to_string(model.features) + ": preprocess it onto the model's grid");
  bool same = context.wave.size() == shard.wave.size();
  for (std::size_t i = 0; same && i < context.wave.size(); ++i)
    same = std::fabs(context.wave[i] - shard.wave[i]) <= 1e-9 * std::fabs(context.wave[i]);
  if (!same)
    throw UsageError("predict: the grid of " + shard.path + " (" + describeGrid(shard.wave) +
                     ") differs from the model's (" + describeGrid(context.wave) + ", " +
                     modelPath +
                     "): preprocess the data set with the same lambda_min, lambda_max, grid and "
                     "points");
}

}  // namespace

PredictResult runPredict(PredictConfig const& config, PredictRun const& run, comm::Comm const& comm,
                         core::Log const& log, core::Timers& timers) {
  ModelContext context;
  ForestModel model;
  std::string failure;
  try {
    model = readModel(run.modelPath, context);
  } catch (Error const& e) {
    failure = e.what();
  }
  if (auto const [rank, message] = comm::firstFailure(comm, failure); rank >= 0)
    throw UsageError(message);
  auto const target = std::find(context.classes.begin(), context.classes.end(), config.targetClass);
  if (target == context.classes.end()) {
    std::string known;
    for (auto const& c : context.classes) known += (known.empty() ? "" : ", ") + c;
    throw UsageError("predict: class '" + config.targetClass + "' is not one the model knows (" +
                     known + ")");
  }
  int const targetIndex = static_cast<int>(target - context.classes.begin());
  int const classes = model.classes;

  io::DatasetShard shard;
  {
    core::ScopedTimer timer(timers, "read");
    shard = io::readDatasetShard(run.datasetPath, context.features, comm, false);
  }
  checkCompatible(model, context, shard, run.modelPath);

  // The rows are streamed from the file in blocks; only their probabilities are kept.
  std::vector<double> proba(shard.count * static_cast<std::size_t>(classes));
  {
    core::ScopedTimer timer(timers, "predict");
    io::ShardRows reader(shard);
    std::size_t const block = rowsPerBlock(model.features);
    for (std::size_t first = 0; first < shard.count; first += block) {
      std::size_t const n = std::min<std::size_t>(block, shard.count - first);
      std::vector<double> const p = predictProba(model, reader.read(first, n), n);
      std::copy(p.begin(), p.end(), proba.begin() + first * static_cast<std::size_t>(classes));
    }
  }
  std::vector<std::int64_t> predicted(shard.count);
  std::vector<float> targetScore(shard.count);
  std::uint64_t asTarget = 0;
  for (std::size_t i = 0; i < shard.count; ++i) {
    predicted[i] = argmax(proba.data() + i * classes, classes);
    asTarget += predicted[i] == targetIndex;
    bool const candidate = config.rows == "all" || shard.labels[i].empty();
    targetScore[i] =
        candidate ? static_cast<float>(proba[i * classes + targetIndex]) : std::nanf("");
  }
  PredictResult result;
  result.rows = shard.totalRows;
  result.targetClass = config.targetClass;
  result.predictedAsTarget = comm.allreduce(asTarget, comm::Op::Sum);

  core::ScopedTimer timer(timers, "write");
  // Every row's class probabilities, in data set order.
  {
    io::H5File file = io::H5File::createParallel(run.outputDir + "/predictions.h5", comm);
    std::vector<std::int64_t> row(shard.count);
    for (std::size_t i = 0; i < shard.count; ++i)
      row[i] = static_cast<std::int64_t>(shard.first + i);
    io::writeRowBlock(file, "/row", row, shard.first, shard.totalRows);
    io::writeRowBlock(file, "/predicted", predicted, shard.first, shard.totalRows);
    io::writeRowBlock(file, "/probability", std::vector<float>(proba.begin(), proba.end()),
                      shard.first, shard.totalRows, static_cast<std::uint64_t>(classes));
    file.setAttribute("/", "model", run.modelPath);
    file.setAttribute("/", "dataset", run.datasetPath);
    file.setAttribute("/", "engine_version", core::engineVersion());
    file.close();
  }

  // The ranked candidates: the best `top` (or all) by the target's probability.
  std::uint64_t candidateRows = 0;
  for (float s : targetScore) candidateRows += !std::isnan(s);
  candidateRows = comm.allreduce(candidateRows, comm::Op::Sum);
  std::size_t const count =
      config.top ? std::min<std::uint64_t>(config.top, candidateRows) : candidateRows;
  std::vector<comm::RankedRow> const ranked =
      comm::topScores(targetScore, static_cast<std::int64_t>(shard.first), count, comm);
  result.candidates = ranked.size();
  // The predicted class of each listed row comes from the rank that holds it.
  std::vector<std::int64_t> const listedClass =
      comm::valuesOfRankedRows(ranked, static_cast<std::int64_t>(shard.first), predicted, comm);
  comm::onRoot(comm, "predict: writing the candidates", [&] {
    std::vector<std::int64_t> rowCol, rankCol;
    std::vector<float> pCol;
    std::vector<std::string> predictedName;
    for (std::size_t j = 0; j < ranked.size(); ++j) {
      rankCol.push_back(static_cast<std::int64_t>(j + 1));
      rowCol.push_back(ranked[j].row);
      pCol.push_back(ranked[j].score);
      predictedName.push_back(context.classes[static_cast<std::size_t>(listedClass[j])]);
    }
    io::RowMeta const meta = io::readRowMeta(run.datasetPath, rowCol);

    std::string csv =
        "rank,row,id,label,predicted," + core::csvField("p_" + config.targetClass) + "\n";
    io::VoTableHeader header;
    header.resourceName = "vocloud predict";
    header.tableName = "candidates";
    header.tableDescription =
        "Rows ranked by the forest's probability of class " + config.targetClass;
    auto field = [](std::string name, std::string type, std::string description) {
      io::VoField f;
      f.name = std::move(name);
      f.datatype = std::move(type);
      if (f.datatype == "char") f.arraysize = "*";
      f.description = std::move(description);
      return f;
    };
    header.fields = {field("rank", "long", "1 = most probable"),
                     field("row", "long", "row of the data set"),
                     field("id", "char", "spectrum id"),
                     field("label", "char", "label in the data set"),
                     field("predicted", "char", "most probable class"),
                     field("probability", "float", "probability of class " + config.targetClass)};
    io::VoTableWriter vot(run.outputDir + "/candidates.vot", header);
    for (std::size_t j = 0; j < ranked.size(); ++j) {
      char p[32];
      std::snprintf(p, sizeof p, "%.6g", static_cast<double>(pCol[j]));
      csv += std::to_string(rankCol[j]) + "," + std::to_string(rowCol[j]) + "," +
             core::csvField(meta.id[j]) + "," + core::csvField(meta.label[j]) + "," +
             core::csvField(predictedName[j]) + "," + p + "\n";
      vot.writeRow({std::to_string(rankCol[j]), std::to_string(rowCol[j]), meta.id[j],
                    meta.label[j], predictedName[j], io::voCell(pCol[j])});
    }
    vot.finish();
    core::writeFileAtomic(run.outputDir + "/candidates.csv", csv);

    io::H5File out = io::H5File::createSerial(run.outputDir + "/candidates.h5");
    io::writeWholeDataset(out, "/rank", rankCol);
    io::writeWholeDataset(out, "/row", rowCol);
    io::writeWholeDataset(out, "/probability", pCol);
    io::writeWholeStrings(out, "/id", meta.id, comm);
    io::writeWholeStrings(out, "/label", meta.label, comm);
    io::writeWholeStrings(out, "/predicted", predictedName, comm);
    out.setAttribute("/", "class", config.targetClass);
    out.setAttribute("/", "model", run.modelPath);
    out.setAttribute("/", "dataset", run.datasetPath);
    out.close();
  });
  log.info("predict: " + std::to_string(result.predictedAsTarget) + " of " +
           std::to_string(result.rows) + " rows are most probably " + config.targetClass);
  return result;
}

std::string describe(PredictResult const& result, std::string const& dir) {
  return std::to_string(result.rows) + " rows classified, " +
         std::to_string(result.predictedAsTarget) + " most probably " + result.targetClass + "; " +
         std::to_string(result.candidates) + " candidates ranked -> " + dir +
         "/candidates.{csv,vot,h5}";
}

}  // namespace vocloud::forest
