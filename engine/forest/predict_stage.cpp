#include "forest/predict_stage.hpp"

#include "comm/ranking.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/version.hpp"
#include "forest/forest_file.hpp"
#include "io/dataset_shard.hpp"
#include "io/h5_store.hpp"
#include "io/result_table.hpp"
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

/// The ranked candidates as one table: rank, row, the spectrum's columns, the predicted
/// class and the probability of the target class. Rank 0 only (reads the data set).
io::ResultTable candidateTable(std::vector<comm::RankedRow> const& ranked,
                               std::vector<std::int64_t> const& listedClass,
                               std::vector<std::string> const& classes,
                               PredictConfig const& config, std::string const& datasetPath) {
  std::vector<std::int64_t> rank, row;
  std::vector<float> probability;
  std::vector<std::string> predicted;
  for (std::size_t j = 0; j < ranked.size(); ++j) {
    rank.push_back(static_cast<std::int64_t>(j + 1));
    row.push_back(ranked[j].row);
    probability.push_back(ranked[j].score);
    predicted.push_back(classes[static_cast<std::size_t>(listedClass[j])]);
  }
  io::RowMeta const meta = io::readRowMeta(datasetPath, row);
  io::ResultTable table;
  table.name = "candidates";
  table.description = "Rows ranked by the forest's probability of class " + config.targetClass;
  table.columns = {io::intColumn("rank", std::move(rank), "meta.number", "1 = most probable"),
                   io::intColumn("row", std::move(row), "meta.record", "row of the data set")};
  for (auto& column : io::spectrumColumns(meta)) table.columns.push_back(std::move(column));
  table.columns.push_back(io::textColumn("predicted", std::move(predicted), "meta.code.class",
                                         "most probable class"));
  table.columns.push_back(io::floatColumn("probability", std::move(probability),
                                          "stat.probability",
                                          "probability of class " + config.targetClass));
  io::VoParam target;
  target.field.name = "class";
  target.field.datatype = "char";
  target.field.arraysize = "*";
  target.field.ucd = "meta.code.class";
  target.field.description = "the class whose candidates are ranked";
  target.value = config.targetClass;
  table.params.push_back(std::move(target));
  return table;
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
    io::ResultTable const table = candidateTable(ranked, listedClass, context.classes, config,
                                                 run.datasetPath);
    io::writeResultCsv(run.outputDir + "/candidates.csv", table);
    io::writeResultVoTable(run.outputDir + "/candidates.vot", table, "vocloud predict");
    io::H5File out = io::H5File::createSerial(run.outputDir + "/candidates.h5");
    io::writeResultH5(out, "/", table, comm);
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
