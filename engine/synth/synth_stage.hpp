#pragma once
// The distributed layer of the synthetic generator: each rank generates and writes its
// block of spectra; catalog.csv is written collectively in global row order. The files
// and the catalog are byte-identical for a given seed whatever the number of ranks.
#include "comm/comm.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"
#include "synth/model.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace vocloud::synth {

struct SynthConfig {
  SynthParams params;
  std::uint64_t count = 20000;
  std::uint64_t filesPerDirectory = 1000;
  std::uint64_t catalogBatch = 2048;  ///< rows per rank and round (bounds catalog memory)
};

/// Reads the `synth` section. Throws vocloud::UsageError naming the key when a group of
/// proportions sums to zero or snr_min > snr_max.
SynthConfig synthConfigFrom(config::Config const& config);

struct SynthResult {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;  ///< total size of the spectrum files
  std::array<std::uint64_t, kLayoutCount> perLayout{};
  std::array<std::uint64_t, kClassCount> perClass{};
  std::uint64_t outliers = 0;
};

/// Path of spectrum `index` relative to the BoK directory: files/<dir>/<id>.fits.
std::string spectrumRelativePath(std::string const& id, std::uint64_t index,
                                 std::uint64_t filesPerDirectory);

/// The catalog.csv header line (with newline).
std::string catalogHeader();
/// One catalog.csv line (with newline) for a generated spectrum stored at `relativePath`.
std::string catalogRow(SyntheticSpectrum const& spectrum, std::string const& relativePath);

/// Generates `config.count` spectra into `bokDir` (files/ + catalog.csv).
/// Collective over comm.
SynthResult runSynth(SynthConfig const& config, std::string const& bokDir,
                     comm::Comm const& comm, core::Log const& log, core::Timers& timers);

/// One-line summary of a result.
std::string describe(SynthResult const& result, std::string const& bokDir);

}  // namespace vocloud::synth
