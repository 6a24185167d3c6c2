#pragma once
// Quality of one processed spectrum: its signal-to-noise ratio and the reasons the
// preprocessing stage rejects it (too little coverage, too noisy, non-finite values).
#include "spectral/resample.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::spectral {

/// Median signal-to-noise ratio per pixel of a spectrum.
/// With ivar: median of f sqrt(ivar) over the good pixels (mask 0 or no mask, finite f,
/// finite ivar > 0). With `ivar` empty: DER_SNR (Stoehr et al. 2008, ADASS XVII):
/// median(f) / (0.6052697 median |2 f_i - f_(i-2) - f_(i+2)|) over the good pixels taken in
/// order (masked pixels dropped first, as DER_SNR drops missing ones).
/// Dimensionless. Returns 0 when fewer than 5 (DER_SNR) or 1 (ivar) good pixels remain,
/// +infinity when DER_SNR's noise is 0 and its signal is positive.
/// Throws vocloud::Error when the non-empty arrays differ in length.
double estimateSnr(std::vector<float> const& flux, std::vector<float> const& ivar,
                   std::vector<std::uint8_t> const& mask);

/// Thresholds of rejectionReason().
struct QualityThresholds {
  double minCoverage = 0.0;  ///< smallest accepted Resampled::coverage, 0..1
  double minSnr = 0.0;       ///< smallest accepted estimateSnr(); 0 = any
};

/// "" when coverage >= minCoverage, else "low_coverage (0.42 of the grid has data, minimum
/// 0.80)": the reason token first, then the numbers.
std::string coverageRejection(double coverage, double minCoverage);

/// "" when snr >= minSnr (or minSnr <= 0), else "low_snr (S/N 3.1, minimum 5)".
std::string snrRejection(double snr, double minSnr);

/// "" when every flux value and every ivar value (ivar may be empty) is finite, else
/// "non_finite_values (flux[12] = nan)" naming the first offending pixel.
std::string nonFiniteRejection(std::vector<float> const& flux, std::vector<float> const& ivar);

/// The first of nonFiniteRejection, coverageRejection and snrRejection (S/N by
/// estimateSnr() of the spectrum as given) that fails, or "" when the spectrum is accepted.
/// The reason token (text before the first space) suits the /rejected table.
std::string rejectionReason(Resampled const& spectrum, QualityThresholds const& thresholds);

}  // namespace vocloud::spectral
