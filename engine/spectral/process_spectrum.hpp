#pragma once
// One spectrum from its file to a row of the data set: read, frame, rest frame, resample
// onto the common grid, fill masked pixels, smooth, normalise, quality checks. Serial.
// Shared by the preprocess stage (every spectrum) and the report (the stages of the spectra
// it shows).
#include "io/spectrum.hpp"
#include "spectral/continuum.hpp"
#include "spectral/grid.hpp"
#include "spectral/resample.hpp"
#include "spectral/spectral_options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vocloud::spectral {

struct ProcessedSpectrum {
  bool accepted = false;
  std::string reason;  ///< why it was rejected ("" when accepted)
  std::string layout;  ///< detected layout of the file
  std::vector<float> flux, ivar;
  std::vector<std::uint8_t> mask;  ///< 1 = no real data (interpolated)
  double snr = 0;
  double coverage = 0;
  double ra = 0, dec = 0, z = 0;  ///< catalog values, else the file's
  std::string label;
};

/// The intermediate stages of one spectrum, recorded by processSpectrum() when asked (the
/// report draws them). A stage the spectrum did not reach stays empty.
struct SpectrumStages {
  bool read = false;            ///< the file could be read (raw holds it)
  io::Spectrum raw;             ///< as read: file order, file frame
  std::vector<double> cutWave;  ///< Å, after frame conversion, rest frame and cut to the grid
  std::vector<float> cutFlux;
  /// On the grid after resampling, filling masked pixels and smoothing: what the
  /// normalisation divides (mask 1 = no real data).
  std::vector<float> resampledFlux;
  std::vector<std::uint8_t> resampledMask;
  /// The continuum (continuum) or running median (running_median) the normalisation
  /// divides by, on the grid; empty for the other normalisations.
  std::vector<float> continuum;
};

/// What processSpectrum() computes once per run and reuses for every spectrum: the grid's
/// pixel edges and continuum basis, with the scratch buffers of resampling and fitting.
/// One per thread.
struct ProcessWorkspace {
  /// The workspace for `options` and `grid`. Throws vocloud::Error for invalid continuum
  /// options.
  ProcessWorkspace(SpectralOptions const& options, Grid const& grid);

  Resampler resampler;
  std::optional<ContinuumFitter> continuum;  ///< when the options normalise by the continuum
};

/// Runs every configured step on the spectrum `source`. Never throws for a bad spectrum:
/// unreadable or unusable ones come back with accepted == false and the reason
/// ("not_fits: ...", "coverage 0.42 < 0.9", "low_snr ...", "non_finite"). `workspace` was
/// made for the same options and grid. When `stages` is given, the intermediate stages are
/// recorded there (the result is the same either way).
ProcessedSpectrum processSpectrum(SpectrumSource const& source, SpectralOptions const& options,
                                  Grid const& grid, ProcessWorkspace& workspace,
                                  SpectrumStages* stages = nullptr);

/// processSpectrum() with a workspace of its own (for a single spectrum).
ProcessedSpectrum processSpectrum(SpectrumSource const& source, SpectralOptions const& options,
                                  Grid const& grid, SpectrumStages* stages = nullptr);

}  // namespace vocloud::spectral
