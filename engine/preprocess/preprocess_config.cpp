#include "preprocess/preprocess_config.hpp"

#include "core/error.hpp"

namespace vocloud::preprocess {

using spectral::Frame;
using spectral::Normalisation;

PreprocessConfig preprocessConfigFrom(config::Config const& config) {
  PreprocessConfig out;
  auto str = [&](char const* key) { return config.getString(std::string("preprocess.") + key); };
  auto num = [&](char const* key) { return config.getDouble(std::string("preprocess.") + key); };
  auto integer = [&](char const* key) { return config.getInt(std::string("preprocess.") + key); };
  out.input = str("input");
  out.bokDir = str("bok_dir");
  if (out.input == "directory" && out.bokDir.empty())
    throw UsageError("config: " + config.where("preprocess.input") +
                     ": preprocess.input is 'directory' but preprocess.bok_dir is empty");
  std::string const frame = str("frame");
  out.frame = frame == "air" ? Frame::Air : frame == "as_is" ? Frame::AsIs : Frame::Vacuum;
  out.restFrame = config.getBool("preprocess.rest_frame");
  out.lambdaMin = num("lambda_min");
  out.lambdaMax = num("lambda_max");
  if (out.lambdaMin >= out.lambdaMax)
    throw UsageError("config: " + config.where("preprocess.lambda_min") +
                     ": preprocess.lambda_min must be below preprocess.lambda_max");
  out.logGrid = str("grid") == "log";
  out.points = static_cast<int>(integer("points"));
  out.step = num("step");
  if (out.points == 0 && out.step <= 0)
    throw UsageError("config: " + config.where("preprocess.points") +
                     ": give preprocess.points (>= 2) or a positive preprocess.step");
  if (out.points == 1)
    throw UsageError("config: " + config.where("preprocess.points") +
                     ": a grid needs at least 2 points");
  out.rebin = str("resample") == "rebin";
  std::string const norm = str("normalise");
  out.normalise.kind = norm == "none"             ? Normalisation::None
                       : norm == "continuum"      ? Normalisation::Continuum
                       : norm == "running_median" ? Normalisation::RunningMedian
                       : norm == "max"            ? Normalisation::Max
                       : norm == "l2"             ? Normalisation::L2
                       : norm == "zscore"         ? Normalisation::ZScore
                                                  : Normalisation::MinMax;
  out.normalise.polynomialOrder = static_cast<int>(integer("polynomial_order"));
  out.normalise.clipLow = num("clip_low");
  out.normalise.clipHigh = num("clip_high");
  out.normalise.iterations = static_cast<int>(integer("iterations"));
  out.normalise.medianWindow = static_cast<int>(integer("median_window"));
  out.smoothSigma = num("smooth_sigma");
  out.minCoverage = num("min_coverage");
  out.minSnr = num("min_snr");
  out.roundRows = static_cast<std::uint64_t>(integer("round_rows"));
  out.pcaComponents = static_cast<int>(integer("pca_components"));
  out.wavelet = str("wavelet");
  out.waveletLevels = static_cast<int>(integer("wavelet_levels"));
  out.waveletDetailLevels = static_cast<int>(integer("wavelet_detail_levels"));
  if (out.waveletDetailLevels > out.waveletLevels)
    throw UsageError("config: " + config.where("preprocess.wavelet_detail_levels") +
                     ": preprocess.wavelet_detail_levels is above preprocess.wavelet_levels");
  out.read.maxInflateRatio = config.getDouble("read.max_inflate_ratio");
  out.read.maxInflatedBytes = static_cast<std::uint64_t>(config.getInt("read.max_inflated_bytes"));
  out.exportCsv = config.getBool("preprocess.export_csv");
  out.exportVoTable = config.getBool("preprocess.export_votable");
  return out;
}

spectral::SpectralOptions spectralOptions(PreprocessConfig const& config) {
  spectral::SpectralOptions out;
  out.frame = config.frame;
  out.restFrame = config.restFrame;
  out.rebin = config.rebin;
  out.normalise = config.normalise;
  out.smoothSigma = config.smoothSigma;
  out.minCoverage = config.minCoverage;
  out.minSnr = config.minSnr;
  out.read = config.read;
  return out;
}

}  // namespace vocloud::preprocess
