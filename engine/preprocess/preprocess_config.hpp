#pragma once
// The `preprocess` section as a plain struct.
#include "config/config.hpp"
#include "spectral/spectral_options.hpp"

#include <cstdint>
#include <string>

namespace vocloud::preprocess {

struct PreprocessConfig {
  std::string input = "synth";  ///< "synth", "acquire" or "directory"
  std::string bokDir;           ///< for input "directory"
  spectral::Frame frame = spectral::Frame::Vacuum;
  bool restFrame = false;
  double lambdaMin = 6300, lambdaMax = 6700;
  bool logGrid = false;
  int points = 800;
  double step = 0;
  bool rebin = true;  ///< false: linear interpolation
  spectral::NormaliseOptions normalise;
  double smoothSigma = 0;
  double minCoverage = 0.9;
  double minSnr = 0;
  std::uint64_t roundRows = 4096;
  int pcaComponents = 10;
  std::string wavelet = "none";  ///< "none", "haar", "d4"
  int waveletLevels = 3;
  int waveletDetailLevels = 0;
  bool exportCsv = false, exportVoTable = false;
  io::ReadOptions read;  ///< the `read` section: bounds on compressed files
};

/// Reads the `preprocess` section; throws vocloud::UsageError naming the key for
/// inconsistent values (lambda_min >= lambda_max, no points and no step, ...).
PreprocessConfig preprocessConfigFrom(config::Config const& config);

/// The per-spectrum options of `config` (what spectral::processSpectrum() reads).
spectral::SpectralOptions spectralOptions(PreprocessConfig const& config);

}  // namespace vocloud::preprocess
