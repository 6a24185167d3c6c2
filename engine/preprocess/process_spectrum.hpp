#pragma once
// One spectrum from its file to a row of the data set: read, frame, rest frame, resample
// onto the common grid, fill masked pixels, smooth, normalise, quality checks. Serial.
#include "preprocess/catalog_reader.hpp"
#include "preprocess/continuum.hpp"
#include "preprocess/grid.hpp"
#include "preprocess/preprocess_config.hpp"
#include "preprocess/resample.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vocloud::preprocess {

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

/// What processSpectrum() computes once per run and reuses for every spectrum: the grid's
/// pixel edges and continuum basis, with the scratch buffers of resampling and fitting.
/// One per thread.
struct ProcessWorkspace {
  /// The workspace for `config` and `grid`. Throws vocloud::Error for invalid continuum
  /// options.
  ProcessWorkspace(PreprocessConfig const& config, Grid const& grid);

  Resampler resampler;
  std::optional<ContinuumFitter> continuum;  ///< when config normalises by the continuum
};

/// Runs every configured step on the spectrum of `row`. Never throws for a bad spectrum:
/// unreadable or unusable ones come back with accepted == false and the reason
/// ("not_fits: ...", "coverage 0.42 < 0.9", "low_snr ...", "non_finite"). `workspace` was
/// made for the same config and grid.
ProcessedSpectrum processSpectrum(CatalogRow const& row, PreprocessConfig const& config,
                                  Grid const& grid, ProcessWorkspace& workspace);

/// processSpectrum() with a workspace of its own (for a single spectrum).
ProcessedSpectrum processSpectrum(CatalogRow const& row, PreprocessConfig const& config,
                                  Grid const& grid);

}  // namespace vocloud::preprocess
