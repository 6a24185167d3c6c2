#include "preprocess/preprocess_stage.hpp"

#include "comm/shard.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json.hpp"
#include "core/progress.hpp"
#include "core/reason_tally.hpp"
#include "core/version.hpp"
#include "io/h5_store.hpp"
#include "io/provenance.hpp"
#include "preprocess/catalog_reader.hpp"
#include "preprocess/dataset_exports.hpp"
#include "preprocess/dataset_layout.hpp"
#include "preprocess/pca.hpp"
#include "spectral/process_spectrum.hpp"
#include "spectral/wavelet.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace vocloud::preprocess {

using spectral::dwtForward;
using spectral::Frame;
using spectral::Grid;
using spectral::makeGrid;
using spectral::padForDwt;
using spectral::parseWavelet;
using spectral::ProcessedSpectrum;
using spectral::ProcessWorkspace;
using spectral::selectedPrefixLength;
using spectral::Wavelet;

namespace fs = std::filesystem;

namespace {

// Every rank's rejects of this run, merged on every rank. Collective over comm.
core::ReasonTally gatherRejects(core::ReasonTally const& local, comm::Comm const& comm) {
  std::string const text = local.encode();
  auto const all = comm.allgatherv(std::vector<char>(text.begin(), text.end()));
  return core::ReasonTally::decode(std::string(all.begin(), all.end()));
}

// Rejects are summarised at WARN; a run that kept nothing fails with the reasons counted
// and a few examples (every rank throws together). `resumed`: rejects of earlier rounds,
// which this run did not see.
void summariseRejects(core::ReasonTally const& rejects, std::uint64_t kept, std::uint64_t rejected,
                      std::uint64_t catalogRows, std::string const& bokDir, core::Log const& log) {
  std::uint64_t const resumed = rejected - std::min(rejected, rejects.total());
  std::string counts = rejects.countsText();
  if (resumed > 0)
    counts += (counts.empty() ? "" : ", ") + std::string("in resumed rounds (") +
              std::to_string(resumed) + ")";
  if (catalogRows == 0)
    throw CollectiveError("preprocess: " + bokDir + "/catalog.csv lists no spectra");
  if (kept == 0)
    throw CollectiveError("preprocess: kept none of the " +
                          core::countOf(catalogRows, "spectrum", "spectra") + " of " + bokDir +
                          "/catalog.csv; rejects by reason: " + counts + "; for example:\n" +
                          rejects.examplesText() +
                          "(check preprocess.lambda_min, lambda_max, min_coverage and min_snr "
                          "against these spectra; docs/preprocess.md)");
  if (rejected > 0)
    log.warn("preprocess: rejected " + core::countOf(rejected, "spectrum", "spectra") + " of " +
             std::to_string(catalogRows) + ", by reason: " + counts +
             " (each with its reason in dataset.h5 "
             "/rejected)");
}

// What a completed round leaves behind, so a killed run continues after it.
struct RoundState {
  std::string fingerprint;
  std::uint64_t rounds = 0, accepted = 0, rejected = 0, csvBytes = 0, votBytes = 0;
};

RoundState readState(std::string const& path) {
  RoundState s;
  if (!fs::exists(path)) return s;
  try {
    YAML::Node const n = YAML::LoadFile(path);
    s.fingerprint = n["fingerprint"].as<std::string>();
    s.rounds = n["rounds"].as<std::uint64_t>();
    s.accepted = n["accepted"].as<std::uint64_t>();
    s.rejected = n["rejected"].as<std::uint64_t>();
    s.csvBytes = n["csv_bytes"].as<std::uint64_t>();
    s.votBytes = n["vot_bytes"].as<std::uint64_t>();
  } catch (YAML::Exception const&) {
    return RoundState{};
  }
  return s;
}

void writeState(std::string const& path, RoundState const& s) {
  core::JsonWriter json;
  json.beginObject()
      .key("fingerprint")
      .value(s.fingerprint)
      .key("rounds")
      .value(s.rounds)
      .key("accepted")
      .value(s.accepted)
      .key("rejected")
      .value(s.rejected)
      .key("csv_bytes")
      .value(s.csvBytes)
      .key("vot_bytes")
      .value(s.votBytes)
      .endObject();
  core::writeFileAtomic(path, json.str() + "\n");
}

StringWidths scanWidths(std::string const& bokDir, std::uint64_t& rows) {
  StringWidths w;
  CatalogReader reader(bokDir);
  rows = 0;
  while (!reader.done()) {
    for (auto const& r : reader.next(65536)) {
      w.id = std::max<std::uint64_t>(w.id, r.id.size());
      w.path = std::max<std::uint64_t>(w.path, r.path.size());
      w.label = std::max<std::uint64_t>(w.label, r.label.size());
      w.outlierKind = std::max<std::uint64_t>(w.outlierKind, r.outlierKind.size());
      ++rows;
    }
  }
  // Labels found in the files' headers (class) may be longer than the catalog's.
  w.label = std::max<std::uint64_t>(w.label, 32);
  return w;
}

spectral::SpectrumSource sourceOf(CatalogRow const& row) {
  spectral::SpectrumSource source;
  source.path = row.path;
  source.label = row.label;
  source.ra = row.ra;
  source.dec = row.dec;
  source.z = row.z;
  return source;
}

std::vector<float> waveletFeatures(PreprocessConfig const& config, std::vector<float> const& flux) {
  Wavelet const kind = parseWavelet(config.wavelet);
  std::vector<double> const padded =
      padForDwt(std::vector<double>(flux.begin(), flux.end()), config.waveletLevels);
  std::vector<double> const coefficients = dwtForward(padded, kind, config.waveletLevels);
  std::size_t const keep =
      selectedPrefixLength(padded.size(), config.waveletLevels, config.waveletDetailLevels);
  return std::vector<float>(coefficients.begin(),
                            coefficients.begin() + static_cast<std::ptrdiff_t>(keep));
}

std::uint64_t waveletDims(PreprocessConfig const& config, std::size_t dims) {
  if (config.wavelet == "none") return 0;
  std::size_t const block = std::size_t(1) << config.waveletLevels;
  std::size_t const padded = (dims + block - 1) / block * block;
  return selectedPrefixLength(padded, config.waveletLevels, config.waveletDetailLevels);
}

/// Reads this rank's chunks of /flux (those whose first row is in its block `mine` of
/// `total`) in batches of whole chunks: `visit(rows, n)` for each batch.
template <class Visit>
void forChunks(io::H5Rows const& flux, comm::Range mine, std::uint64_t total, std::size_t dims,
               Visit const& visit) {
  comm::Range const chunks = comm::chunkAlignedRange(mine, total);
  std::uint64_t const batch =
      std::max<std::uint64_t>(1, (16u << 20) / (4 * dims * comm::kScatterChunk)) *
      comm::kScatterChunk;
  std::vector<float> buffer;
  for (std::uint64_t b = chunks.begin; b < chunks.end; b += batch) {
    std::uint64_t const n = std::min(batch, chunks.end - b);
    buffer.resize(n * dims);
    flux.read(b, n, buffer.data());
    visit(buffer.data(), static_cast<std::size_t>(n));
  }
}

/// The PCA of all `total` rows of /flux, bitwise the same for any number of ranks: one pass
/// for the largest |value| (the scale of the exact sums), one to add whole chunks of rows.
/// Collective over comm.
PcaModel fitPca(io::H5Rows const& flux, comm::Range mine, std::uint64_t total, std::size_t dims,
                int components, comm::Comm const& comm) {
  double maxAbs = 0.;
  std::string failure;
  try {
    forChunks(flux, mine, total, dims, [&](float const* rows, std::size_t n) {
      maxAbs = std::max(maxAbs, pcaMaxAbs(rows, n, dims));
    });
  } catch (Error const& e) {
    failure = e.what();
  }
  auto const [rank, message] = comm::firstFailure(comm, failure);
  if (rank >= 0) throw Error(message + " (rank " + std::to_string(rank) + ")");
  PcaAccumulator accumulator(dims, comm.allreduce(maxAbs, comm::Op::Max), total);
  forChunks(flux, mine, total, dims,
            [&](float const* rows, std::size_t n) { accumulator.add(rows, n); });
  return accumulator.finish(components, comm);
}

}  // namespace

PreprocessResult runPreprocess(PreprocessConfig const& config, PreprocessRun const& run,
                               comm::Comm const& comm, core::Log const& log, core::Timers& timers) {
  Grid const grid =
      makeGrid(config.lambdaMin, config.lambdaMax, config.logGrid, config.points, config.step);
  std::uint64_t const dims = grid.wave.size();
  spectral::SpectralOptions const options = spectralOptions(config);
  ProcessWorkspace workspace(options, grid);  // also checks the continuum options, on every rank
  std::string const datasetPath = run.outputDir + "/dataset.h5";
  std::string const statePath = run.outputDir + "/progress.json";

  // Rank 0 knows the catalog: its length and the widths of the string columns.
  std::uint64_t catalogRows = 0;
  StringWidths widths;
  RoundState state;
  if (comm.isRoot()) {
    widths = scanWidths(run.bokDir, catalogRows);
    state = readState(statePath);
    if (run.fresh || state.fingerprint != run.fingerprint || !fs::exists(datasetPath))
      state = RoundState{};
  }
  std::vector<unsigned long long> shared = {
      catalogRows,  widths.id,      widths.path,    widths.label,   widths.outlierKind,
      state.rounds, state.accepted, state.rejected, state.csvBytes, state.votBytes};
  comm.bcast(shared, 0);
  catalogRows = shared[0];
  widths = {shared[1], shared[2], shared[3], shared[4]};
  state.rounds = shared[5];
  state.accepted = shared[6];
  state.rejected = shared[7];
  state.csvBytes = shared[8];
  state.votBytes = shared[9];
  state.fingerprint = run.fingerprint;
  bool const resuming = state.rounds > 0;
  if (run.resume && !resuming)
    throw UsageError(
        "preprocess: --resume: nothing to resume (no interrupted run of the same "
        "catalog and parameters in " +
        run.outputDir + ")");
  if (resuming)
    log.info("preprocess: resuming after round " + std::to_string(state.rounds) + " (" +
             core::countOf(state.accepted, "spectrum", "spectra") + " already written)");

  std::uint64_t const features = waveletDims(config, dims);
  PreprocessResult result;
  result.catalogRows = catalogRows;
  result.dims = dims;
  result.resumedRounds = state.rounds;
  {
    io::H5File file = resuming ? io::H5File::openParallel(datasetPath, comm, true)
                               : io::H5File::createParallel(datasetPath, comm);
    auto layout = std::make_unique<DatasetLayout>(file, !resuming, dims, features, widths);
    if (resuming) {
      // Features computed at the end by the interrupted run are computed again.
      for (char const* name : {"/features/pca", "/features/pca_reconstruction_error", "/pca"})
        file.remove(name);
    } else {
      io::writeSmall(file, "/wave", grid.wave, {dims});
    }
    ExportWriters exports(config, grid, run.outputDir, comm, resuming ? state.csvBytes : 0,
                          resuming ? state.votBytes : 0);

    std::uint64_t const rounds = (catalogRows + config.roundRows - 1) / config.roundRows;
    core::Progress progress(log, "preprocess", catalogRows);
    progress.setGlobal(state.accepted + state.rejected);  // rows of resumed rounds
    std::unique_ptr<CatalogReader> reader;
    if (comm.isRoot()) {
      reader = std::make_unique<CatalogReader>(run.bokDir);
      for (std::uint64_t r = 0; r < state.rounds; ++r)
        reader->next(config.roundRows);  // done before
    }
    // Kept from round to round: a round's arrays (tens of MB) are then allocated, faulted
    // in and grown once, not every round.
    AcceptedRows accepted;
    RejectedRows rejected;
    core::ReasonTally rejectReasons;
    for (std::uint64_t round = state.rounds; round < rounds; ++round) {
      // Rank 0 reads the round's rows and their file sizes; every rank takes a contiguous,
      // byte-balanced part.
      std::string text;
      std::vector<double> bytes;
      if (comm.isRoot()) {
        auto const rows = reader->next(config.roundRows);
        text = encodeRows(rows);
        // One rank takes every row whatever the sizes: no need to ask the file system.
        for (auto const& r : rows) {
          std::error_code ec;
          auto const size = comm.size() > 1 ? fs::file_size(r.path, ec) : 1;
          bytes.push_back(ec ? 1. : static_cast<double>(size));
        }
      }
      std::vector<CatalogRow> const rows = decodeRows(comm.bcast(text, 0));
      comm.bcast(bytes, 0);
      auto const bounds = comm::shardByWeights(bytes, comm.size());

      accepted.clear();
      rejected.clear();
      std::uint64_t const mine = bounds[comm.rank() + 1] - bounds[comm.rank()];
      accepted.flux.reserve(mine * dims);
      accepted.ivar.reserve(mine * dims);
      accepted.mask.reserve(mine * dims);
      {
        core::ScopedTimer timer(timers, "process");
        for (std::uint64_t i = bounds[comm.rank()]; i < bounds[comm.rank() + 1]; ++i) {
          CatalogRow const& row = rows[i];
          ProcessedSpectrum p = spectral::processSpectrum(sourceOf(row), options, grid, workspace);
          progress.advance();
          if (!p.accepted) {
            rejected.id.push_back(row.id);
            rejected.path.push_back(row.path);
            rejected.reason.push_back(p.reason.substr(0, kReasonWidth));
            rejected.catalogRow.push_back(row.row);
            rejectReasons.add(row.path, p.reason);
            continue;
          }
          if (features > 0) {
            auto const w = waveletFeatures(config, p.flux);
            accepted.wavelet.insert(accepted.wavelet.end(), w.begin(), w.end());
          }
          accepted.flux.insert(accepted.flux.end(), p.flux.begin(), p.flux.end());
          accepted.ivar.insert(accepted.ivar.end(), p.ivar.begin(), p.ivar.end());
          accepted.mask.insert(accepted.mask.end(), p.mask.begin(), p.mask.end());
          accepted.id.push_back(row.id);
          accepted.path.push_back(row.path);
          accepted.label.push_back(p.label);
          accepted.layout.push_back(p.layout);
          accepted.outlierKind.push_back(row.outlierKind);
          accepted.ra.push_back(p.ra);
          accepted.dec.push_back(p.dec);
          accepted.z.push_back(p.z);
          accepted.snr.push_back(p.snr);
          accepted.coverage.push_back(p.coverage);
          accepted.catalogRow.push_back(row.row);
        }
      }
      core::ScopedTimer timer(timers, "write");
      std::uint64_t const a = accepted.count(), r = rejected.count();
      std::uint64_t const aOffset = state.accepted + comm.exscan<unsigned long long>(a);
      std::uint64_t const rOffset = state.rejected + comm.exscan<unsigned long long>(r);
      state.accepted += comm.allreduce<unsigned long long>(a, comm::Op::Sum);
      state.rejected += comm.allreduce<unsigned long long>(r, comm::Op::Sum);
      layout->writeAccepted(accepted, aOffset, state.accepted);
      layout->writeRejected(rejected, rOffset, state.rejected);
      exports.append(accepted, dims);
      file.flush();
      state.rounds = round + 1;
      progress.setGlobal(state.accepted + state.rejected);
      state.csvBytes = exports.csvBytes();
      state.votBytes = exports.votBytes();
      if (comm.isRoot()) writeState(statePath, state);
    }
    progress.finish();
    summariseRejects(gatherRejects(rejectReasons, comm), state.accepted, state.rejected,
                     catalogRows, run.bokDir, log);
    exports.finish();
    if (layout->flux().rows() != state.accepted)
      throw Error("preprocess: " + datasetPath + " holds " + std::to_string(layout->flux().rows()) +
                  " rows, expected " + std::to_string(state.accepted));

    // PCA from the rows written, each rank its block: a pass to fit, a pass to project.
    if (config.pcaComponents > 0 && state.accepted >= 2) {
      core::ScopedTimer timer(timers, "pca");
      comm::Range const mine = comm::blockRange(state.accepted, comm.size(), comm.rank());
      std::uint64_t const batch = std::max<std::uint64_t>(1, (16u << 20) / (4 * dims));
      std::uint64_t const passes =
          comm.allreduce<unsigned long long>((mine.size() + batch - 1) / batch, comm::Op::Max);
      PcaModel const model =
          fitPca(layout->flux(), mine, state.accepted, dims, config.pcaComponents, comm);
      std::vector<float> buffer;
      auto const k = model.k();
      io::H5Rows const projections =
          io::H5Rows::create(file, "/features/pca", io::H5Type::Float32, k, 4096);
      io::H5Rows const errors = io::H5Rows::create(file, "/features/pca_reconstruction_error",
                                                   io::H5Type::Float32, 0, 4096);
      projections.resize(state.accepted);
      errors.resize(state.accepted);
      std::vector<float> projected, residual;
      for (std::uint64_t pass = 0; pass < passes; ++pass) {
        std::uint64_t const b = std::min(mine.end, mine.begin + pass * batch);
        std::uint64_t const n = std::min(batch, mine.end - b);
        buffer.resize(n * dims);
        projected.resize(n * k);
        residual.resize(n);
        layout->flux().read(b, n, buffer.data());
        pcaProject(model, buffer.data(), n, projected.data(), residual.data());
        projections.write(b, n, projected.data());
        errors.write(b, n, residual.data());
      }
      io::writeSmall(file, "/pca/components", model.components, {k, dims});
      io::writeSmall(file, "/pca/mean", model.mean, {dims});
      io::writeSmall(file, "/pca/explained_variance", model.explainedVariance, {k});
      io::writeSmall(file, "/pca/explained_variance_ratio", model.explainedVarianceRatio, {k});
      for (double r : model.explainedVarianceRatio) result.pcaVarianceExplained += r;
      result.pcaComponents = static_cast<int>(k);
    }
    io::writeProvenance(file,
                        io::currentProvenance(run.provenance, run.fingerprint, {run.bokDir}, comm));
    file.setAttribute("/", "bok", run.bokDir);
    file.setAttribute("/", "grid", std::string(config.logGrid ? "log" : "linear"));
    file.setAttribute("/wave", "unit", std::string("Angstrom"));
    file.setAttribute("/wave", "frame",
                      std::string(config.frame == Frame::Vacuum ? "vacuum"
                                  : config.frame == Frame::Air  ? "air"
                                                                : "as_is"));
    file.setIntegerAttribute("/", "catalog_rows", static_cast<std::int64_t>(catalogRows));
    layout.reset();  // datasets close before the file (MPI-IO refuses otherwise)
    file.close();
  }
  result.accepted = state.accepted;
  result.rejected = state.rejected;
  return result;
}

std::string describe(PreprocessResult const& r, std::string const& datasetPath) {
  std::string text = std::to_string(r.accepted) + " of " +
                     core::countOf(r.catalogRows, "spectrum", "spectra") + " on " +
                     std::to_string(r.dims) + " points (" + std::to_string(r.rejected) +
                     " rejected" + (r.resumedRounds ? ", resumed" : "") + ")";
  if (r.pcaComponents > 0) {
    char pca[64];
    std::snprintf(pca, sizeof pca, ", PCA %.1f%% of variance", 100. * r.pcaVarianceExplained);
    text += pca;
  }
  return text + " in " + datasetPath;
}

}  // namespace vocloud::preprocess
