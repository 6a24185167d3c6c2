#include "som/som_stage.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/memory.hpp"
#include "core/timers.hpp"
#include "io/dataset_shard.hpp"
#include "som/som_checkpoint.hpp"
#include "som/som_distributed.hpp"
#include "som/som_memory.hpp"
#include "som/som_output.hpp"

#include <cstdio>

namespace vocloud::som {

SomStageConfig somStageConfigFrom(config::Config const& config) {
  SomStageConfig out;
  auto str = [&](char const* key) { return config.getString(std::string("som.") + key); };
  auto num = [&](char const* key) { return config.getDouble(std::string("som.") + key); };
  auto integer = [&](char const* key) { return config.getInt(std::string("som.") + key); };
  out.data = config::datasetInputFrom(config, "som");
  out.map.grid.rows = static_cast<int>(integer("rows"));
  out.map.grid.cols = static_cast<int>(integer("cols"));
  out.map.grid.hexagonal = str("grid") == "hexagonal";
  out.map.grid.toroidal = str("topology") == "toroidal";
  out.map.online = str("method") == "online";
  out.map.neighbourhood = str("neighbourhood");
  out.map.cooling = str("cooling");
  double const radius0 = num("radius0");
  out.map.radius0 = radius0 > 0. ? radius0 : -1.;  // 0: half the longer side of the map
  out.map.radiusN = num("radiusN");
  out.map.scale0 = num("scale0");
  out.map.scaleN = num("scaleN");
  out.map.epochs = static_cast<int>(integer("epochs"));
  out.map.init = str("init");
  out.map.seed = static_cast<std::uint64_t>(integer("seed"));
  out.checkpointEvery = static_cast<int>(integer("checkpoint_every"));
  out.outlierList = static_cast<std::size_t>(integer("outlier_list"));
  out.outliers.bins = static_cast<int>(integer("outlier_bins"));
  out.outliers.minNodeRows = static_cast<int>(integer("outlier_min_node_rows"));
  out.outliers.sparseFraction = num("sparse_fraction");
  out.outliers.neighbours = static_cast<int>(integer("outlier_neighbours"));
  out.outliers.mass = num("outlier_mass");
  try {
    validateSomConfig(out.map);
  } catch (Error const& e) {
    throw UsageError("config: " + config.where("som") + ": " + e.what());
  }
  return out;
}

namespace {

std::string format(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

/// Refuses, on every rank alike, a map this host cannot hold: the estimate per rank times
/// the ranks that share the host against what the host has available. Collective over comm.
void requireMemory(SomStageConfig const& config, io::DatasetShard const& shard,
                   comm::Comm const& comm) {
  double const need = somBytesPerRank(config.map.grid, shard.dims, shard.count,
                                      config.outliers.neighbours);
  int const sharing = comm.ranksOnThisHost();
  double const available = static_cast<double>(core::availableMemoryBytes());
  std::string failure;
  if (available > 0 && need * sharing > available) {
    auto const& grid = config.map.grid;
    failure = "som: a " + std::to_string(grid.rows) + " x " + std::to_string(grid.cols) +
              " map of " + std::to_string(shard.dims) + " values per node over " +
              std::to_string(shard.totalRows) + " rows needs about " + core::bytesText(need) +
              " per rank (" + core::bytesText(need * sharing) + " for the " +
              std::to_string(sharing) + " ranks on this host), but the host has " +
              core::bytesText(available) +
              " available: use a smaller map (som.rows, som.cols), fewer values per row (e.g. "
              "features: pca) or more hosts";
  }
  if (auto const [rank, message] = comm::firstFailure(comm, failure); rank >= 0)
    throw UsageError(message);
}

}  // namespace

SomResult runSom(SomStageConfig const& config, SomRun const& run, comm::Comm const& comm,
                 core::Log const& log, core::Timers& timers) {
  validateSomConfig(config.map);
  if (config.map.online && comm.size() > 1)
    throw UsageError(
        "som: online training (som.method: online) runs on one rank; use batch "
        "training or run with 1 rank");
  io::DatasetShard shard;
  {
    core::ScopedTimer timer(timers, "read");
    // The shape first: the memory check comes before the rows are read.
    shard = io::readDatasetShard(run.datasetPath, config.data.features, comm, false);
    requireMemory(config, shard, comm);
    shard = io::readDatasetShard(run.datasetPath, config.data.features, comm);
  }
  log.info("som: " + std::to_string(shard.totalRows) + " rows of " + std::to_string(shard.dims) +
           " values from " + run.datasetPath + shard.name + ", " +
           std::to_string(config.map.grid.rows) + " x " + std::to_string(config.map.grid.cols) +
           (config.map.grid.hexagonal ? " hexagonal" : " rectangular") +
           (config.map.grid.toroidal ? " toroidal" : "") + " map");

  std::string const checkpointPath = run.outputDir + "/checkpoint.h5";
  SomResult result;
  TrainingState state;
  std::string why = "--force";
  std::optional<TrainingState> resumed;
  if (!run.fresh) {
    resumed = readCheckpoint(checkpointPath, run.fingerprint, config.map.grid, shard.dims,
                             !run.resume, comm, why);
    // A checkpoint that is there but unusable is worth a word; a missing one is the rule.
    if (!resumed && !run.resume && why.rfind("no checkpoint", 0) != 0)
      log.warn("som: not resuming: " + why);
  }
  if (resumed) {
    state = std::move(*resumed);
    result.resumedAfterEpoch = state.nextEpoch;
    log.info("som: resuming after epoch " + std::to_string(state.nextEpoch) + " from " +
             checkpointPath);
  } else {
    if (run.resume) throw UsageError("som: --resume: nothing to resume (" + why + ")");
    core::ScopedTimer timer(timers, "initialise");
    state = startTraining(config.map, comm, shard.rows.data(), shard.count, shard.dims);
  }

  {
    core::ScopedTimer timer(timers, "train");
    continueTraining(state, config.map, comm, shard.rows.data(), shard.count, shard.dims,
                     [&](TrainingState const& now) {
                       int const done = now.nextEpoch;
                       auto const& record = now.history.back();
                       log.info("som: epoch " + std::to_string(done) + "/" +
                                std::to_string(config.map.epochs) + ": radius " +
                                format(record.radius) + ", quantisation error " +
                                format(record.quantisationError) + ", topographic error " +
                                format(record.topographicError));
                       // The last epoch needs none: the results are written next.
                       if (config.checkpointEvery > 0 && done % config.checkpointEvery == 0 &&
                           done < config.map.epochs)
                         writeCheckpoint(checkpointPath, now, run.fingerprint, comm);
                     });
  }

  MapEvaluation evaluation;
  {
    core::ScopedTimer timer(timers, "evaluate");
    evaluation = evaluateMap(state.codebook, comm, shard.rows.data(), shard.count, shard.dims,
                             config.outliers);
  }
  std::vector<std::string> const classes = io::unionOfLabels(shard.labels, comm);
  std::vector<double> const perClass =
      classHits(evaluation.bmu, io::classIndices(shard.labels, classes),
                static_cast<int>(classes.size()), state.codebook.nodes(), comm);
  std::vector<RankedRow> const ranked =
      topScores(evaluation.score, static_cast<std::int64_t>(shard.first), config.outlierList, comm);

  {
    core::ScopedTimer timer(timers, "write");
    SomOutput output;
    output.codebook = &state.codebook;
    output.history = &state.history;
    output.evaluation = &evaluation;
    output.classes = &classes;
    output.classHits = &perClass;
    output.ranked = &ranked;
    RankedDetails const details =
        rankedDetails(ranked, evaluation, shard.first, run.datasetPath, comm);
    output.details = &details;
    output.firstRow = shard.first;
    output.totalRows = shard.totalRows;
    output.wave = &shard.wave;
    output.exponent = state.exponent;
    writeSomH5(run.outputDir + "/som.h5", output, config, run, comm);
    writeOutlierTables(run.outputDir, output, comm);
    if (config.somocluFiles) writeSomocluFiles(run.outputDir + "/som", output, comm);
  }
  if (comm.isRoot()) core::removeAll(checkpointPath);
  comm.barrier();

  result.rows = shard.totalRows;
  result.dims = shard.dims;
  result.nodes = state.codebook.nodes();
  result.epochs = state.nextEpoch;
  result.quantisationError = evaluation.quantisationError;
  result.topographicError = evaluation.topographicError;
  for (auto const s : evaluation.sparseNode) result.sparseNodes += s;
  result.listedOutliers = ranked.size();
  return result;
}

std::string describe(SomResult const& result, std::string const& somPath) {
  return std::to_string(result.nodes) + "-node map of " + std::to_string(result.rows) + " rows x " +
         std::to_string(result.dims) + " after " + std::to_string(result.epochs) + " epochs" +
         (result.resumedAfterEpoch
              ? " (resumed after " + std::to_string(result.resumedAfterEpoch) + ")"
              : "") +
         ": quantisation error " + format(result.quantisationError) + ", topographic error " +
         format(result.topographicError) + ", " + std::to_string(result.sparseNodes) +
         " sparse nodes, " + std::to_string(result.listedOutliers) + " outliers listed -> " +
         somPath;
}

}  // namespace vocloud::som
