#pragma once
// The options that decide how one spectrum is processed (the per-spectrum keys of the
// `preprocess` section) and where it comes from.
#include "io/spectrum.hpp"
#include "spectral/normalise.hpp"

#include <limits>
#include <string>

namespace vocloud::spectral {

/// The wavelength frame spectra are converted to (`preprocess.frame`).
enum class Frame { Vacuum, Air, AsIs };

/// "vacuum", "air" or "as_is".
std::string frameName(Frame frame);

/// The per-spectrum keys of `preprocess`, as a plain struct.
struct SpectralOptions {
  Frame frame = Frame::Vacuum;
  bool restFrame = false;
  bool rebin = true;  ///< false: linear interpolation
  NormaliseOptions normalise;
  double smoothSigma = 0;    ///< Gaussian smoothing, in grid pixels (0: none)
  double minCoverage = 0.9;  ///< fraction of the grid the spectrum must cover
  double minSnr = 0;         ///< 0: no S/N cut
  io::ReadOptions read;      ///< bounds on compressed files (the `read` section)
};

/// One spectrum to process: its file and the catalog's values (NaN / "" when the catalog has
/// none; the file's own values are used then).
struct SpectrumSource {
  std::string path;   ///< absolute path of the spectrum file
  std::string label;  ///< class label, "" when unknown
  double ra = std::numeric_limits<double>::quiet_NaN();
  double dec = std::numeric_limits<double>::quiet_NaN();
  double z = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace vocloud::spectral
