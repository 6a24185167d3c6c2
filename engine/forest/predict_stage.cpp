#include "forest/predict_stage.hpp"

#include "comm/ranking.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/version.hpp"
#include "forest/forest_file.hpp"
#include "io/dataset_shard.hpp"
#include "io/h5_store.hpp"
#include "io/provenance.hpp"
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
  out.bokDir = str("bok_dir");
  if (out.data.input == "directory" && out.bokDir.empty())
    throw UsageError("config: " + config.where("predict.input") +
                     ": predict.input is 'directory' but predict.bok_dir is empty");
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

/// Where the probability a row shows comes from.
enum Estimate : std::int64_t { kModel = 0, kOutOfFold = 1, kOutOfBag = 2 };

char const* estimateName(std::int64_t estimate) {
  return estimate == kOutOfFold ? "out_of_fold" : estimate == kOutOfBag ? "out_of_bag" : "model";
}

std::string describeGrid(std::vector<double> const& wave) {
  if (wave.empty()) return "no grid";
  char text[96];
  std::snprintf(text, sizeof text, "%zu points, %.3f-%.3f A", wave.size(), wave.front(),
                wave.back());
  return text;
}

/// The data set must hold what the model was trained on.
void checkCompatible(ForestModel const& model, ModelContext const& context,
                     io::DatasetShard const& shard, PredictRun const& run) {
  if (run.features.map) {
    if (shard.dims != run.features.fluxDims)
      throw UsageError("predict: " + shard.path + shard.name + " has " +
                       std::to_string(shard.dims) + " values per row, the basis of the model " +
                       run.modelPath + " " + std::to_string(run.features.fluxDims));
    return;
  }
  if (shard.dims != static_cast<std::uint64_t>(model.features))
    throw UsageError("predict: " + shard.path + shard.name + " has " + std::to_string(shard.dims) +
                     " values per row, the model " + run.modelPath + " was trained on " +
                     std::to_string(model.features) + ": preprocess it onto the model's grid");
  bool same = context.wave.size() == shard.wave.size();
  for (std::size_t i = 0; same && i < context.wave.size(); ++i)
    same = std::fabs(context.wave[i] - shard.wave[i]) <= 1e-9 * std::fabs(context.wave[i]);
  if (!same)
    throw UsageError("predict: the grid of " + shard.path + " (" + describeGrid(shard.wave) +
                     ") differs from the model's (" + describeGrid(context.wave) + ", " +
                     run.modelPath +
                     "): preprocess the data set with the same lambda_min, lambda_max, grid and "
                     "points");
}

struct LoadedModel {
  ForestModel model;
  ModelContext context;
  int target = 0;  ///< index of the target class
};

/// Reads the model on every rank and finds the target class. Collective over comm.
LoadedModel loadModel(PredictConfig const& config, PredictRun const& run, comm::Comm const& comm) {
  LoadedModel loaded;
  comm::checkOnEveryRank(comm, [&] { loaded.model = readModel(run.modelPath, loaded.context); });
  auto const& classes = loaded.context.classes;
  auto const target = std::find(classes.begin(), classes.end(), config.targetClass);
  if (target == classes.end()) {
    std::string known;
    for (auto const& c : classes) known += (known.empty() ? "" : ", ") + c;
    throw UsageError("predict: class '" + config.targetClass + "' is not one the model knows (" +
                     known + ")");
  }
  loaded.target = static_cast<int>(target - classes.begin());
  return loaded;
}

/// The model's class probabilities of every local row ([count][classes]); the rows are
/// streamed from the file in blocks (mapped to the model's features when the run says so).
std::vector<double> predictRows(ForestModel const& model, io::DatasetShard const& shard,
                                FeatureMap const& features) {
  auto const classes = static_cast<std::size_t>(model.classes);
  std::vector<double> proba(shard.count * classes);
  io::ShardRows reader(shard);
  std::size_t const block = rowsPerBlock(std::max<int>(model.features, shard.dims));
  for (std::size_t first = 0; first < shard.count; first += block) {
    std::size_t const n = std::min<std::size_t>(block, shard.count - first);
    float const* rows = reader.read(first, n);
    std::vector<float> mapped;
    if (features.map) {
      mapped = features.map(rows, n);
      rows = mapped.data();
    }
    std::vector<double> const p = predictProba(model, rows, n);
    std::copy(p.begin(), p.end(), proba.begin() + first * classes);
  }
  return proba;
}

/// For the data set the model was trained on (the same fingerprint and row count), the
/// probabilities of its training rows are replaced by forest.h5's out-of-fold ones (or,
/// without cross-validation, the out-of-bag ones); returns where each local row's
/// probabilities come from. In-process reads of small files: no collective.
std::vector<std::int64_t> useHeldOut(std::string const& modelPath, ModelContext const& context,
                                     io::DatasetShard const& shard, std::vector<double>& proba) {
  std::vector<std::int64_t> estimate(shard.count, kModel);
  if (context.recipe.datasetFingerprint.empty()) return estimate;
  {
    io::H5File const data = io::H5File::openSerial(shard.path);
    if (!data.hasAttribute("/", "fingerprint") ||
        data.stringAttribute("/", "fingerprint") != context.recipe.datasetFingerprint)
      return estimate;
  }
  io::H5File const file = io::H5File::openSerial(modelPath);
  bool const folds = file.exists("/cv/probability");
  io::H5Rows const held = io::H5Rows::open(file, folds ? "/cv/probability" : "/oob/probability");
  io::H5Rows const labels = io::H5Rows::open(file, "/spectra/label");
  auto const classes = context.classes.size();
  if (held.rows() != shard.totalRows || held.cols() != classes) return estimate;
  std::vector<float> p(shard.count * classes);
  std::vector<std::int64_t> label(shard.count);
  held.read(shard.first, shard.count, p.data());
  labels.read(shard.first, shard.count, label.data());
  for (std::size_t i = 0; i < shard.count; ++i) {
    float const* row = p.data() + i * classes;
    if (label[i] < 0 || std::any_of(row, row + classes, [](float v) { return std::isnan(v); }))
      continue;
    std::copy(row, row + classes, proba.begin() + i * classes);
    estimate[i] = folds ? kOutOfFold : kOutOfBag;
  }
  return estimate;
}

/// predictions.h5: every row's class probabilities from the model, its most probable class
/// and where its candidate probability comes from. Collective over comm.
void writePredictions(PredictRun const& run, io::Provenance const& provenance,
                      io::DatasetShard const& shard,
                      std::vector<double> const& proba, std::vector<std::int64_t> const& predicted,
                      std::vector<std::int64_t> const& estimate, int classes,
                      comm::Comm const& comm) {
  io::H5File file = io::H5File::createParallel(run.outputDir + "/predictions.h5", comm);
  std::vector<std::int64_t> row(shard.count);
  for (std::size_t i = 0; i < shard.count; ++i) row[i] = static_cast<std::int64_t>(shard.first + i);
  io::writeRowBlock(file, "/row", row, shard.first, shard.totalRows);
  io::writeRowBlock(file, "/predicted", predicted, shard.first, shard.totalRows);
  io::writeRowBlock(file, "/probability", std::vector<float>(proba.begin(), proba.end()),
                    shard.first, shard.totalRows, static_cast<std::uint64_t>(classes));
  io::writeRowBlock(file, "/estimate", estimate, shard.first, shard.totalRows);
  file.setAttribute("/estimate", "meaning", "0 model, 1 out of fold, 2 out of bag");
  file.setAttribute("/", "model", run.modelPath);
  file.setAttribute("/", "dataset", run.datasetPath);
  io::writeProvenance(file, provenance);
  file.close();
}

/// The listed candidates, as rank 0 writes them.
struct Candidates {
  std::vector<std::int64_t> rank, row;
  std::vector<float> probability;
  std::vector<std::string> predicted, estimate;
};

/// The candidates as one table: rank, row, the spectrum's columns, the predicted class, the
/// probability of the target class and where it comes from. Rank 0 only (reads the data set).
io::ResultTable candidateTable(PredictConfig const& config, PredictRun const& run,
                               Candidates const& c) {
  io::RowMeta const meta = io::readRowMeta(run.datasetPath, c.row);
  io::ResultTable table;
  table.name = "candidates";
  table.description = "Rows ranked by the forest's probability of class " + config.targetClass;
  table.columns = {io::intColumn("rank", c.rank, "meta.number", "1 = most probable"),
                   io::intColumn("row", c.row, "meta.record", "row of the data set")};
  for (auto& column : io::spectrumColumns(meta)) table.columns.push_back(std::move(column));
  table.columns.push_back(
      io::textColumn("predicted", c.predicted, "meta.code.class", "most probable class"));
  table.columns.push_back(io::floatColumn("probability", c.probability, "stat.probability",
                                          "probability of class " + config.targetClass));
  table.columns.push_back(io::textColumn(
      "estimate", c.estimate, "meta.code",
      "model, or out_of_fold / out_of_bag for a row the forest was trained on"));
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

/// candidates.{csv,vot,h5}: the same columns in each; rank 0 only.
void writeCandidates(PredictConfig const& config, PredictRun const& run,
                     io::Provenance const& provenance, Candidates const& c,
                     comm::Comm const& comm) {
  io::ResultTable const table = candidateTable(config, run, c);
  io::writeResultCsv(run.outputDir + "/candidates.csv", table);
  io::writeResultVoTable(run.outputDir + "/candidates.vot", table, "vocloud predict");
  io::H5File out = io::H5File::createSerial(run.outputDir + "/candidates.h5");
  io::writeResultH5(out, "/", table, comm);
  out.setAttribute("/", "class", config.targetClass);
  out.setAttribute("/", "model", run.modelPath);
  out.setAttribute("/", "dataset", run.datasetPath);
  io::writeProvenance(out, provenance);
  out.close();
}

/// The best `top` (or all) candidate rows by the target's probability, gathered from every
/// rank with their predicted class and estimate. Collective over comm.
Candidates rankCandidates(PredictConfig const& config, io::DatasetShard const& shard,
                          std::vector<float> const& targetScore,
                          std::vector<std::int64_t> const& predicted,
                          std::vector<std::int64_t> const& estimate,
                          std::vector<std::string> const& classes, comm::Comm const& comm) {
  std::uint64_t candidateRows = 0;
  for (float s : targetScore) candidateRows += !std::isnan(s);
  candidateRows = comm.allreduce(candidateRows, comm::Op::Sum);
  std::size_t const count =
      config.top ? std::min<std::uint64_t>(config.top, candidateRows) : candidateRows;
  auto const first = static_cast<std::int64_t>(shard.first);
  std::vector<comm::RankedRow> const ranked = comm::topScores(targetScore, first, count, comm);
  // The class and estimate of each listed row come from the rank that holds it.
  std::vector<std::int64_t> const listedClass =
      comm::valuesOfRankedRows(ranked, first, predicted, comm);
  std::vector<std::int64_t> const listedEstimate =
      comm::valuesOfRankedRows(ranked, first, estimate, comm);
  Candidates c;
  for (std::size_t j = 0; j < ranked.size(); ++j) {
    c.rank.push_back(static_cast<std::int64_t>(j + 1));
    c.row.push_back(ranked[j].row);
    c.probability.push_back(ranked[j].score);
    c.predicted.push_back(classes[static_cast<std::size_t>(listedClass[j])]);
    c.estimate.push_back(estimateName(listedEstimate[j]));
  }
  return c;
}

}  // namespace

PredictResult runPredict(PredictConfig const& config, PredictRun const& run, comm::Comm const& comm,
                         core::Log const& log, core::Timers& timers) {
  LoadedModel const loaded = loadModel(config, run, comm);
  int const classes = loaded.model.classes;
  io::DatasetShard shard;
  {
    core::ScopedTimer timer(timers, "read");
    std::string const features = run.features.map ? "flux" : loaded.context.features;
    shard = io::readDatasetShard(run.datasetPath, features, comm, false);
  }
  checkCompatible(loaded.model, loaded.context, shard, run);
  std::vector<double> proba;
  {
    core::ScopedTimer timer(timers, "predict");
    proba = predictRows(loaded.model, shard, run.features);
  }
  // What the candidates show: held-out probabilities for the rows the forest was trained on.
  std::vector<double> shown = proba;
  std::vector<std::int64_t> const estimate =
      useHeldOut(run.modelPath, loaded.context, shard, shown);
  std::vector<std::int64_t> predicted(shard.count), shownClass(shard.count);
  std::vector<float> targetScore(shard.count);
  std::uint64_t asTarget = 0;
  for (std::size_t i = 0; i < shard.count; ++i) {
    predicted[i] = argmax(proba.data() + i * classes, classes);
    shownClass[i] = argmax(shown.data() + i * classes, classes);
    asTarget += shownClass[i] == loaded.target;
    bool const candidate = config.rows == "all" || shard.labels[i].empty();
    targetScore[i] =
        candidate ? static_cast<float>(shown[i * classes + loaded.target]) : std::nanf("");
  }
  PredictResult result;
  result.rows = shard.totalRows;
  result.targetClass = config.targetClass;
  result.predictedAsTarget = comm.allreduce(asTarget, comm::Op::Sum);

  core::ScopedTimer timer(timers, "write");
  io::Provenance const provenance = io::currentProvenance(
      run.provenance, run.fingerprint, {run.datasetPath, run.modelPath}, comm);
  writePredictions(run, provenance, shard, proba, predicted, estimate, classes, comm);
  Candidates const candidates = rankCandidates(config, shard, targetScore, shownClass, estimate,
                                               loaded.context.classes, comm);
  result.candidates = candidates.row.size();
  comm::onRoot(comm, "predict: writing the candidates",
               [&] { writeCandidates(config, run, provenance, candidates, comm); });
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
