#include "forest/forest_stage.hpp"

#include "core/error.hpp"
#include "core/version.hpp"
#include "forest/eval/folds.hpp"
#include "forest/eval/group_folds.hpp"
#include "forest/eval/metrics.hpp"
#include "forest/fold_groups.hpp"
#include "forest/forest_file.hpp"
#include "forest/forest_model.hpp"
#include "forest/forest_train.hpp"
#include "io/dataset_shard.hpp"
#include "io/h5_store.hpp"
#include "io/provenance.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace vocloud::forest {

void parseMaxFeatures(std::string const& text, ForestConfig& config) {
  if (text == "sqrt") {
    config.maxFeatures = MaxFeatures::Sqrt;
  } else if (text == "log2") {
    config.maxFeatures = MaxFeatures::Log2;
  } else if (text == "all") {
    config.maxFeatures = MaxFeatures::All;
  } else {
    char* end = nullptr;
    double const value = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0' || !(value > 0.))
      throw UsageError("forest.max_features: '" + text +
                       "' is not sqrt, log2, all, a fraction in (0, 1) or a count >= 1");
    if (value < 1.) {
      config.maxFeatures = MaxFeatures::Fraction;
      config.maxFeaturesFraction = value;
    } else {
      if (value != std::floor(value))
        throw UsageError("forest.max_features: a count must be a whole number, got '" + text + "'");
      config.maxFeatures = MaxFeatures::Count;
      config.maxFeaturesCount = static_cast<int>(value);
    }
  }
}

ForestStageConfig forestStageConfigFrom(config::Config const& config) {
  ForestStageConfig out;
  auto str = [&](char const* key) { return config.getString(std::string("forest.") + key); };
  auto integer = [&](char const* key) { return config.getInt(std::string("forest.") + key); };
  out.data = config::datasetInputFrom(config, "forest");
  ForestConfig& f = out.forest;
  f.trees = static_cast<int>(integer("trees"));
  try {
    parseMaxFeatures(str("max_features"), f);
  } catch (Error const& e) {
    throw UsageError("config: " + config.where("forest.max_features") + ": " + e.what());
  }
  f.maxDepth = static_cast<int>(integer("max_depth"));
  f.minSamplesLeaf = static_cast<int>(integer("min_samples_leaf"));
  f.minSamplesSplit = static_cast<int>(integer("min_samples_split"));
  f.criterion = str("criterion") == "entropy" ? Criterion::Entropy : Criterion::Gini;
  f.classWeight = str("class_weight") == "balanced" ? ClassWeight::Balanced : ClassWeight::None;
  f.bootstrap = config.getBool("forest.bootstrap");
  f.sampleFraction = config.getDouble("forest.sample_fraction");
  f.bins = static_cast<int>(integer("bins"));
  f.seed = static_cast<std::uint64_t>(integer("seed"));
  f.permutationImportance = config.getBool("forest.permutation_importance") && f.bootstrap;
  out.folds = static_cast<int>(integer("folds"));
  out.groupBy = str("group_by");
  if (out.folds == 1)
    throw UsageError("config: " + config.where("forest.folds") +
                     ": forest.folds must be 0 (no cross-validation) or at least 2");
  try {
    validateForestConfig(f);
  } catch (Error const& e) {
    throw UsageError("config: " + config.where("forest") + ": " + e.what());
  }
  return out;
}

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The per-fold results that go to forest.h5.
struct CrossValidation {
  std::vector<int> fold;                 ///< local rows
  std::vector<float> probability;        ///< local rows x classes, out of fold (NaN: none)
  std::vector<std::int64_t> prediction;  ///< local rows, -1: none
  std::vector<ClassMetrics> metrics;     ///< per fold
  std::vector<AucMetrics> aucs;          ///< per fold
  std::vector<ConfusionMatrix> confusion;
  CvSummary summary;
};

/// One rank's rows binned once for every fit of the stage (edges from all labelled rows).
struct BinnedRows {
  BinEdges edges;
  std::vector<std::uint8_t> bins;  ///< features x rows, feature-major
};

CrossValidation crossValidate(ForestStageConfig const& config, io::DatasetShard const& shard,
                              BinnedRows const& binned, std::vector<int> const& labels, int classes,
                              comm::Comm const& comm, core::Log const& log) {
  CrossValidation cv;
  std::size_t const n = shard.count;
  int const k = config.folds;
  FoldOptions const options{k, config.forest.seed};
  if (config.groupBy.empty()) {
    cv.fold = assignFolds(comm, labels, classes, options);
  } else {
    std::vector<std::string> const groups =
        readGroupKeys(shard.path, config.groupBy, shard.first, shard.count);
    cv.fold = assignGroupFolds(comm, groups, labels, classes, options);
  }
  cv.probability.assign(n * classes, std::numeric_limits<float>::quiet_NaN());
  cv.prediction.assign(n, -1);
  std::vector<int> predicted(n, -1);
  for (int f = 0; f < k; ++f) {
    auto const start = std::chrono::steady_clock::now();
    std::vector<std::uint8_t> inTraining(n);
    for (std::size_t i = 0; i < n; ++i) inTraining[i] = labels[i] >= 0 && cv.fold[i] != f;
    BinnedShard const train{
        binned.bins.data(), n, static_cast<int>(shard.dims), shard.first, labels.data(), classes,
        inTraining.data()};
    ForestConfig foldConfig = config.forest;
    foldConfig.permutationImportance = false;  // only the final forest reports importances
    ForestResult const result = trainForestBinned(foldConfig, comm, train, binned.edges);
    // Only the held-out rows are predicted.
    std::vector<std::size_t> heldOut;
    for (std::size_t i = 0; i < n; ++i)
      if (cv.fold[i] == f) heldOut.push_back(i);
    std::vector<double> const proba =
        predictProbaBinned(result.model, binned.bins.data(), n, heldOut);
    std::vector<int> truth;
    std::vector<float> scores;
    for (std::size_t h = 0; h < heldOut.size(); ++h) {
      std::size_t const i = heldOut[h];
      double const* p = proba.data() + h * classes;
      for (int c = 0; c < classes; ++c) {
        cv.probability[i * classes + c] = static_cast<float>(p[c]);
        scores.push_back(std::clamp(static_cast<float>(p[c]), 0.f, 1.f));
      }
      predicted[i] = argmax(p, classes);
      cv.prediction[i] = predicted[i];
      truth.push_back(labels[i]);
    }
    ScoreHistogram histogram = scoreHistogram(truth, scores, classes);
    reduce(histogram, comm);
    cv.aucs.push_back(rocAuc(histogram));
    char line[160];
    std::snprintf(line, sizeof line, "forest: fold %d/%d trained and predicted in %.2f s", f + 1, k,
                  secondsSince(start));
    log.info(line);
  }
  cv.confusion = confusionMatricesByFold(labels, predicted, cv.fold, k, classes);
  for (auto& matrix : cv.confusion) {
    reduce(matrix, comm);
    cv.metrics.push_back(classMetrics(matrix));
  }
  cv.summary = summariseFolds(cv.metrics, cv.aucs);
  return cv;
}

void writeForestH5(std::string const& path, ForestStageConfig const& config,
                   ForestStageRun const& run, io::DatasetShard const& shard,
                   BinnedRows const& binned, std::vector<int> const& labels,
                   std::vector<std::string> const& classes, ForestResult const& final,
                   CrossValidation const& cv, comm::Comm const& comm) {
  auto const nClasses = static_cast<std::uint64_t>(classes.size());
  io::H5File file = io::H5File::createParallel(path, comm);
  // The model carries how its data set was made, so predict can make more rows the same way.
  ModelContext const context{classes, config.data.features, shard.wave,
                             readDatasetRecipe(run.datasetPath)};
  writeModel(file, final.model, context, comm);

  std::vector<std::int64_t> row(shard.count), label(shard.count);
  for (std::size_t i = 0; i < shard.count; ++i) {
    row[i] = static_cast<std::int64_t>(shard.first + i);
    label[i] = labels[i];
  }
  file.createGroup("/spectra");
  io::writeRowBlock(file, "/spectra/row", row, shard.first, shard.totalRows);
  io::writeRowBlock(file, "/spectra/label", label, shard.first, shard.totalRows);
  // The final forest's own predictions of every row, as the in-memory model gives them
  // (predict from the saved model must reproduce them).
  std::vector<std::size_t> every(shard.count);
  for (std::size_t i = 0; i < shard.count; ++i) every[i] = i;
  std::vector<double> const fitted =
      predictProbaBinned(final.model, binned.bins.data(), shard.count, every);
  io::writeRowBlock(file, "/spectra/probability", std::vector<float>(fitted.begin(), fitted.end()),
                    shard.first, shard.totalRows, nClasses);
  // Out-of-bag probabilities of the final forest (NaN for rows never out of bag).
  std::vector<float> oob(shard.count * nClasses, std::numeric_limits<float>::quiet_NaN());
  for (std::size_t i = 0; i < shard.count; ++i)
    if (!final.oobTrees.empty() && final.oobTrees[i] > 0)
      for (std::uint64_t c = 0; c < nClasses; ++c)
        oob[i * nClasses + c] =
            static_cast<float>(final.oobProbabilitySums[i * nClasses + c] / final.oobTrees[i]);
  file.createGroup("/oob");
  io::writeRowBlock(file, "/oob/probability", oob, shard.first, shard.totalRows, nClasses);
  file.setAttribute("/oob", "error", final.oobError);
  file.setIntegerAttribute("/oob", "rows", static_cast<std::int64_t>(final.oobRows));

  file.createGroup("/importance");
  io::writeWholeDataset(file, "/importance/impurity", final.impurityImportance);
  if (!final.permutationImportance.empty())
    io::writeWholeDataset(file, "/importance/permutation", final.permutationImportance);

  if (config.folds >= 2) {
    file.createGroup("/cv");
    std::vector<std::int64_t> fold(cv.fold.begin(), cv.fold.end());
    io::writeRowBlock(file, "/cv/fold", fold, shard.first, shard.totalRows);
    io::writeRowBlock(file, "/cv/probability", cv.probability, shard.first, shard.totalRows,
                      nClasses);
    io::writeRowBlock(file, "/cv/prediction", cv.prediction, shard.first, shard.totalRows);
    std::vector<double> accuracy, macroF1, macroAuc, precision, recall, f1, auc;
    std::vector<std::int64_t> confusion;
    for (std::size_t f = 0; f < cv.metrics.size(); ++f) {
      ClassMetrics const& m = cv.metrics[f];
      accuracy.push_back(m.accuracy);
      macroF1.push_back(m.macroF1);
      macroAuc.push_back(cv.aucs[f].macroAuc);
      precision.insert(precision.end(), m.precision.begin(), m.precision.end());
      recall.insert(recall.end(), m.recall.begin(), m.recall.end());
      f1.insert(f1.end(), m.f1.begin(), m.f1.end());
      auc.insert(auc.end(), cv.aucs[f].auc.begin(), cv.aucs[f].auc.end());
      confusion.insert(confusion.end(), cv.confusion[f].counts.begin(),
                       cv.confusion[f].counts.end());
    }
    io::writeWholeDataset(file, "/cv/accuracy", accuracy);
    io::writeWholeDataset(file, "/cv/macro_f1", macroF1);
    io::writeWholeDataset(file, "/cv/macro_auc", macroAuc);
    io::writeWholeDataset(file, "/cv/precision", precision, nClasses);
    io::writeWholeDataset(file, "/cv/recall", recall, nClasses);
    io::writeWholeDataset(file, "/cv/f1", f1, nClasses);
    io::writeWholeDataset(file, "/cv/auc", auc, nClasses);
    io::writeWholeDataset(file, "/cv/confusion", confusion, nClasses * nClasses);
    CvSummary const& s = cv.summary;
    for (auto const& [name, spread] :
         std::vector<std::pair<std::string, Spread>>{{"accuracy", s.accuracy},
                                                     {"macro_precision", s.macroPrecision},
                                                     {"macro_recall", s.macroRecall},
                                                     {"macro_f1", s.macroF1},
                                                     {"macro_auc", s.macroAuc}}) {
      file.setAttribute("/cv", name + "_mean", spread.mean);
      file.setAttribute("/cv", name + "_sd", spread.sd);
    }
    file.setIntegerAttribute("/cv", "folds", static_cast<std::int64_t>(config.folds));
    file.setAttribute("/cv", "group_by", config.groupBy);
  }
  io::writeProvenance(file, io::currentProvenance(run.provenance, run.fingerprint,
                                                  {run.datasetPath}, comm));
  file.setAttribute("/", "dataset", run.datasetPath);
  file.close();
}

}  // namespace

ForestStageResult runForestStage(ForestStageConfig const& config, ForestStageRun const& run,
                                 comm::Comm const& comm, core::Log const& log,
                                 core::Timers& timers) {
  validateForestConfig(config.forest);
  io::DatasetShard shard;
  {
    core::ScopedTimer timer(timers, "read");
    // Equal labelled rows per rank: the trees are grown from them.
    shard = io::readDatasetShard(run.datasetPath, config.data.features, comm, false,
                                 io::ShardBalance::LabelledRows);
  }
  std::vector<std::string> const classes = io::unionOfLabels(shard.labels, comm);
  if (classes.size() < 2)
    throw UsageError("forest: " + run.datasetPath + " /meta/label holds " +
                     std::to_string(classes.size()) + " class(es); a classifier needs at least 2");
  if (classes.size() > 256)
    throw UsageError("forest: " + std::to_string(classes.size()) +
                     " classes; at most 256 are supported");
  std::vector<int> const labels = io::classIndices(shard.labels, classes);
  auto const classCount = static_cast<int>(classes.size());

  ForestStageResult result;
  result.rows = shard.totalRows;
  result.dims = shard.dims;
  result.classes = classes;
  result.folds = config.folds;
  std::uint64_t labelled = 0;
  for (int l : labels) labelled += l >= 0;
  result.labelled = comm.allreduce(labelled, comm::Op::Sum);
  log.info("forest: " + std::to_string(result.labelled) + " labelled of " +
           std::to_string(shard.totalRows) + " rows, " + std::to_string(shard.dims) +
           " features, " + std::to_string(classes.size()) + " classes");

  // The float rows are streamed from the file twice for the quantile edges and once more
  // to bin them; only the bytes stay (one per value). Edges come from every labelled row,
  // so all folds and the final forest split on the same bins (as lightgbm.cv does).
  BinnedRows binned;
  {
    core::ScopedTimer timer(timers, "bin");
    io::ShardRows reader(shard);
    RowBlocks const blocks = [&reader](std::size_t first, std::size_t count) {
      return reader.read(first, count);
    };
    std::vector<std::uint8_t> labelled(shard.count);
    for (std::size_t i = 0; i < shard.count; ++i) labelled[i] = labels[i] >= 0;
    binned.edges = computeBinEdges(comm, blocks, shard.count, static_cast<int>(shard.dims),
                                   config.forest.bins, labelled.data());
    binned.bins = binFeatureMajor(binned.edges, blocks, shard.count);
  }

  CrossValidation cv;
  if (config.folds >= 2) {
    // Checked here first so that the message names the classes (the same totals on every
    // rank, so every rank throws alike).
    auto totals = classCounts(labels, classCount);
    comm.allreduce(totals, comm::Op::Sum);
    try {
      checkFoldCount(config.folds, totals, classes);
    } catch (Error const& e) {
      throw UsageError(e.what());
    }
    core::ScopedTimer timer(timers, "cross_validation");
    cv = crossValidate(config, shard, binned, labels, classCount, comm, log);
    result.accuracyMean = cv.summary.accuracy.mean;
    result.accuracySd = cv.summary.accuracy.sd;
    result.macroF1Mean = cv.summary.macroF1.mean;
    result.macroF1Sd = cv.summary.macroF1.sd;
    result.macroAucMean = cv.summary.macroAuc.mean;
  }
  ForestResult final;
  {
    core::ScopedTimer timer(timers, "fit");
    auto const start = std::chrono::steady_clock::now();
    BinnedShard const all{
        binned.bins.data(), shard.count, static_cast<int>(shard.dims), shard.first, labels.data(),
        classCount,         nullptr};
    final = trainForestBinned(config.forest, comm, all, binned.edges);
    result.fitSeconds = secondsSince(start);
  }
  result.oobError = final.oobError;
  {
    core::ScopedTimer timer(timers, "write");
    writeForestH5(run.outputDir + "/forest.h5", config, run, shard, binned, labels, classes, final,
                  cv, comm);
  }
  return result;
}

std::string describe(ForestStageResult const& r, std::string const& path) {
  char text[512];
  if (r.folds >= 2)
    std::snprintf(
        text, sizeof text,
        "%d-fold CV on %llu labelled rows x %llu: accuracy %.4f +- %.4f, macro-F1 %.4f +- "
        "%.4f, macro AUC %.4f; final forest in %.2f s, OOB error %.4f -> %s",
        r.folds, static_cast<unsigned long long>(r.labelled),
        static_cast<unsigned long long>(r.dims), r.accuracyMean, r.accuracySd, r.macroF1Mean,
        r.macroF1Sd, r.macroAucMean, r.fitSeconds, r.oobError, path.c_str());
  else
    std::snprintf(text, sizeof text,
                  "forest on %llu labelled rows x %llu in %.2f s, OOB error %.4f -> %s",
                  static_cast<unsigned long long>(r.labelled),
                  static_cast<unsigned long long>(r.dims), r.fitSeconds, r.oobError, path.c_str());
  return text;
}

}  // namespace vocloud::forest
