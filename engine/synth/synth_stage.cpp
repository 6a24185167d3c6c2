#include "synth/synth_stage.hpp"

#include "comm/shard.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/progress.hpp"
#include "synth/fits_writer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>

namespace vocloud::synth {

namespace {

template <std::size_t N>
std::array<double, N> readWeights(config::Config const& config, std::string const& section,
                                  std::array<char const*, N> const& names) {
  std::array<double, N> weights{};
  for (std::size_t i = 0; i < N; ++i) weights[i] = config.getDouble(section + "." + names[i]);
  if (std::accumulate(weights.begin(), weights.end(), 0.) <= 0.)
    throw UsageError("config: " + config.where(section + "." + names[0]) + ": the proportions in '" +
                     section + "' sum to zero; give at least one a positive weight");
  return weights;
}

}  // namespace

SynthConfig synthConfigFrom(config::Config const& config) {
  SynthConfig out;
  out.count = static_cast<std::uint64_t>(config.getInt("synth.count"));
  out.filesPerDirectory = static_cast<std::uint64_t>(config.getInt("synth.files_per_directory"));
  out.catalogBatch = static_cast<std::uint64_t>(config.getInt("synth.catalog_batch"));
  SynthParams& p = out.params;
  p.seed = static_cast<std::uint64_t>(config.getInt("synth.seed"));
  p.snrMin = config.getDouble("synth.snr_min");
  p.snrMax = config.getDouble("synth.snr_max");
  if (p.snrMin > p.snrMax)
    throw UsageError("config: " + config.where("synth.snr_min") + ": synth.snr_min (" +
                     std::to_string(p.snrMin) + ") is above synth.snr_max (" +
                     std::to_string(p.snrMax) + ")");
  p.rvSigmaKms = config.getDouble("synth.rv_sigma");
  p.maskedFraction = config.getDouble("synth.masked_fraction");
  p.outlierFraction = config.getDouble("synth.outlier_fraction");
  // Names in the order of the Layout enum.
  p.layoutWeights = readWeights<kLayoutCount>(
      config, "synth.layouts",
      {"sdss", "lamost_dr1", "lamost_dr2", "lamost_dr8", "ondrejov_raw", "ondrejov_ssap"});
  p.classWeights = readWeights<kClassCount>(config, "synth.classes",
                                            {"absorption", "emission", "double_peak"});
  if (p.outlierFraction > 0)
    p.outlierWeights = readWeights<kOutlierKindCount>(
        config, "synth.outliers", {"p_cygni", "flat", "cosmic", "bad_calibration"});
  return out;
}

std::string spectrumRelativePath(std::string const& id, std::uint64_t index,
                                 std::uint64_t filesPerDirectory) {
  char dir[32];
  std::snprintf(dir, sizeof dir, "%06llu",
                static_cast<unsigned long long>(index / filesPerDirectory));
  return std::string("files/") + dir + "/" + id + ".fits";
}

std::string catalogHeader() { return "id,path,format,label,outlier_kind,ra,dec,z,snr\n"; }

std::string catalogRow(SyntheticSpectrum const& s, std::string const& relativePath) {
  char numbers[160];
  std::snprintf(numbers, sizeof numbers, "%.7f,%.7f,%.9e,%.3f", s.ra, s.dec, s.z, s.snr);
  return s.id + "," + relativePath + "," + layoutName(s.layout) + "," + className(s.cls) + "," +
         outlierName(s.outlier) + "," + numbers + "\n";
}

SynthResult runSynth(SynthConfig const& config, std::string const& bokDir,
                     comm::Comm const& comm, core::Log const& log, core::Timers& timers) {
  namespace fs = std::filesystem;
  // Block-cyclic rows: each round every rank generates one block, and the blocks are
  // appended to catalog.csv in rank order, which is global row order.
  // Blocks no larger than an even share keep small runs balanced; any block size gives
  // the same bytes.
  auto const share = (config.count + comm.size() - 1) / static_cast<std::uint64_t>(comm.size());
  comm::CyclicLayout const layout{config.count,
                                  std::max<std::uint64_t>(1, std::min(config.catalogBatch, share)),
                                  comm.size()};

  if (comm.isRoot()) core::makeDirectories(bokDir + "/files");
  comm.barrier();
  comm::OrderedFileWriter catalog(comm, bokDir + "/catalog.csv");
  catalog.append(comm.isRoot() ? catalogHeader() : std::string());

  SynthResult local;
  core::Progress progress(log, "synth", config.count);
  std::string lastDir;
  for (std::uint64_t round = 0; round < layout.rounds(); ++round) {
    comm::Range const block = layout.rows(comm.rank(), round);
    std::string rows;
    for (std::uint64_t index = block.begin; index < block.end; ++index) {
      auto t0 = std::chrono::steady_clock::now();
      SyntheticSpectrum const spectrum = generateSpectrum(config.params, index);
      auto t1 = std::chrono::steady_clock::now();
      std::string const relative = spectrumRelativePath(spectrum.id, index, config.filesPerDirectory);
      std::string const path = bokDir + "/" + relative;
      std::string const dir = fs::path(path).parent_path().string();
      if (dir != lastDir) {
        core::makeDirectories(dir);
        lastDir = dir;
      }
      writeSpectrumFits(spectrum, path);
      auto t2 = std::chrono::steady_clock::now();
      timers.add("generate", std::chrono::duration<double>(t1 - t0).count());
      timers.add("write_fits", std::chrono::duration<double>(t2 - t1).count());
      rows += catalogRow(spectrum, relative);
      local.count += 1;
      local.bytes += fs::file_size(path);
      local.perLayout[static_cast<int>(spectrum.layout)] += 1;
      local.perClass[static_cast<int>(spectrum.cls)] += 1;
      if (spectrum.outlier != OutlierKind::None) local.outliers += 1;
      progress.advance();
    }
    core::ScopedTimer timer(timers, "catalog");
    catalog.append(rows);
    // Every rank has written its block of the round: the rounds so far are done.
    progress.setGlobal(std::min<std::uint64_t>(config.count, (round + 1) * layout.block * comm.size()));
  }
  catalog.close();
  progress.finish();

  SynthResult total;
  total.count = comm.allreduce<unsigned long long>(local.count, comm::Op::Sum);
  total.bytes = comm.allreduce<unsigned long long>(local.bytes, comm::Op::Sum);
  total.outliers = comm.allreduce<unsigned long long>(local.outliers, comm::Op::Sum);
  std::vector<unsigned long long> counts(local.perLayout.begin(), local.perLayout.end());
  counts.insert(counts.end(), local.perClass.begin(), local.perClass.end());
  comm.allreduce(counts, comm::Op::Sum);
  for (int i = 0; i < kLayoutCount; ++i) total.perLayout[i] = counts[i];
  for (int i = 0; i < kClassCount; ++i) total.perClass[i] = counts[kLayoutCount + i];
  return total;
}

std::string describe(SynthResult const& r, std::string const& bokDir) {
  std::string text = std::to_string(r.count) + " spectra (";
  bool first = true;
  for (int i = 0; i < kLayoutCount; ++i) {
    if (r.perLayout[i] == 0) continue;
    text += (first ? "" : ", ") + layoutName(static_cast<Layout>(i)) + " " +
            std::to_string(r.perLayout[i]);
    first = false;
  }
  text += "; ";
  for (int i = 0; i < kClassCount; ++i)
    text += (i ? ", " : "") + className(static_cast<SpectrumClass>(i)) + " " +
            std::to_string(r.perClass[i]);
  char size[32];
  std::snprintf(size, sizeof size, "%.1f MB", static_cast<double>(r.bytes) / 1e6);
  text += "; " + std::to_string(r.outliers) + " outliers; " + size + ") in " + bokDir;
  return text;
}

}  // namespace vocloud::synth
