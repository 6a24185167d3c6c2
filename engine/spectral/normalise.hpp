#pragma once
// Flux normalisation of one resampled spectrum: continuum division, running median, or a
// scale (max, L2, z-score, min-max) so spectra of different brightness become comparable.
#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::spectral {

/// How normalise() scales a spectrum.
enum class Normalisation {
  None,           ///< unchanged
  Continuum,      ///< divide by a sigma-clipped polynomial fit of the continuum
  RunningMedian,  ///< divide by the running median over medianWindow pixels
  Max,            ///< divide by max |flux|
  L2,             ///< divide by the Euclidean norm sqrt(Σ f^2)
  ZScore,         ///< (f - mean) / standard deviation (population, ddof 0)
  MinMax          ///< affine map of [min, max] onto [-1, 1]
};

/// "none", "continuum", "running_median", "max", "l2", "zscore", "minmax".
std::string normalisationName(Normalisation kind);

/// The Normalisation named `name` (the names of normalisationName()); throws vocloud::Error
/// "preprocess: unknown normalisation ..." listing the valid names.
Normalisation parseNormalisation(std::string const& name);

/// Parameters of normalise().
struct NormaliseOptions {
  Normalisation kind = Normalisation::None;
  int polynomialOrder = 3;  ///< Continuum: degree of the Legendre series, >= 0
  double clipLow = 1.5;     ///< Continuum: reject residuals below mean - clipLow σ (> 0)
  double clipHigh = 3.0;    ///< Continuum: reject residuals above mean + clipHigh σ (> 0)
  int iterations = 5;       ///< Continuum: at most this many clip-and-refit rounds (>= 0)
  int medianWindow = 101;   ///< RunningMedian: window in pixels, odd, >= 3
};

/// Normalises `flux` in place; `ivar` (may be empty) is transformed consistently
/// (ivar' = ivar * s^2 when flux' = flux / s or (flux - c) / s). Statistics use the good
/// pixels only (mask 0, or every pixel when `mask` is empty; non-finite flux never counts);
/// masked pixels are transformed with the same map.
/// - Continuum: Legendre series of degree polynomialOrder in x = (λ - mid) / half-range
///   (λ from `wave`, Å, over the whole spectrum) fitted by least squares (Householder QR)
///   to the good pixels; each round rejects the still-accepted points whose residual r has
///   r < mean(r) - clipLow σ or r > mean(r) + clipHigh σ (mean, σ of the accepted residuals;
///   a rejected point stays rejected), for at most `iterations` rounds or until nothing is
///   rejected. flux /= fit, ivar *= fit^2. Absorption lines (below) are clipped harder
///   than emission (above) by the default clipLow < clipHigh.
/// - RunningMedian: divide by the median of the good pixels within ±medianWindow/2 pixels
///   (window truncated at the ends; a window with no good pixel takes the median of the
///   nearest window that has one).
/// - Max: divide by max |f|; L2: divide by sqrt(Σ f^2); ZScore: (f - mean) / sd;
///   MinMax: 2 (f - min) / (max - min) - 1.
/// `wave` must have flux's length for Continuum and is ignored otherwise.
/// Throws Unusable with reason "all_masked" (no good pixel), "too_few_pixels" (Continuum:
/// fewer good pixels than coefficients), "nonpositive_continuum" (Continuum or
/// RunningMedian reaching <= 0 anywhere), "zero_flux" (Max, L2: all good flux 0),
/// "flat_spectrum" (ZScore, MinMax: all good flux equal); vocloud::Error for invalid
/// options or arrays of different lengths.
void normalise(std::vector<float>& flux, std::vector<float>& ivar,
               std::vector<std::uint8_t> const& mask, std::vector<double> const& wave,
               NormaliseOptions const& options);

/// The continuum normalise() divides by for Normalisation::Continuum, evaluated at every
/// pixel (same units as flux), without changing flux. Same rules and errors as normalise().
std::vector<double> fitContinuum(std::vector<float> const& flux,
                                 std::vector<std::uint8_t> const& mask,
                                 std::vector<double> const& wave, NormaliseOptions const& options);

/// The running median normalise() divides by for Normalisation::RunningMedian, at every
/// pixel. Same rules and errors as normalise().
std::vector<double> runningMedian(std::vector<float> const& flux,
                                  std::vector<std::uint8_t> const& mask, int window);

}  // namespace vocloud::spectral
