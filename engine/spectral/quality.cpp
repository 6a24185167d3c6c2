#include "spectral/quality.hpp"

#include "core/error.hpp"
#include "spectral/number_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

namespace vocloud::spectral {

namespace {

// Noise scale of DER_SNR: 1.482602 / sqrt(6), turning the median absolute second
// difference of Gaussian noise into its standard deviation (Stoehr et al. 2008).
constexpr double kDerSnrScale = 0.6052697;

// The median of `values` (the mean of the middle two for an even count) by nth_element;
// reorders `values`.
double medianBySelection(std::vector<double>& values) {
  std::size_t const n = values.size();
  auto const middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  double const upper = *middle;
  if (n % 2 == 1) return upper;
  return 0.5 * (*std::max_element(values.begin(), middle) + upper);
}

// The same median, faster for the hundreds of values of a spectrum: nth_element alone
// spends most of its time on mispredicted comparisons. A sample of 64 values (every n/64th)
// brackets the middle between two of them; one branch-free pass counts the values below
// the bracket and copies those inside it to `scratch` (room for values.size()), and
// nth_element orders only those.
// A bracket that misses the middle (an unlucky sample) falls back to medianBySelection().
// Every value must be finite (no NaN).
double median(std::vector<double>& values, double* scratch) {
  constexpr std::size_t kSample = 64, kMargin = 8;  // misses ~2% of the time
  std::size_t const n = values.size();
  if (n < 4 * kSample) return medianBySelection(values);
  double sample[kSample];
  for (std::size_t s = 0; s < kSample; ++s) sample[s] = values[s * n / kSample];
  std::size_t const k = n / 2, at = k * kSample / n;  // the middle's place in the sample
  std::size_t const below = at - std::min(at, kMargin), above = std::min(kSample - 1, at + kMargin);
  // The two sample values of those ranks (no need to sort the whole sample).
  std::nth_element(sample, sample + below, sample + kSample);
  std::nth_element(sample + below + 1, sample + above, sample + kSample);
  double const lo = at >= kMargin ? sample[below] : -HUGE_VAL;
  double const hi = at + kMargin < kSample ? sample[above] : HUGE_VAL;
  std::size_t less = 0, inside = 0;
  for (double x : values) {
    less += x < lo ? 1 : 0;
    scratch[inside] = x;
    inside += (x >= lo) & (x <= hi) ? 1 : 0;
  }
  if (k < less || k + 1 > less + inside) return medianBySelection(values);
  double* const begin = scratch;
  double* const end = begin + inside;
  double* const middle = begin + (k - less);
  std::nth_element(begin, middle, end);
  double const upper = *middle;
  if (n % 2 == 1) return upper;
  // The value just below the middle: inside the bracket, or the largest below it.
  if (middle != begin) return 0.5 * (*std::max_element(begin, middle) + upper);
  double lower = -HUGE_VAL;
  for (double x : values)
    if (x < lo) lower = std::max(lower, x);
  return 0.5 * (lower + upper);
}

}  // namespace

double estimateSnr(std::vector<float> const& flux, std::vector<float> const& ivar,
                   std::vector<std::uint8_t> const& mask) {
  std::size_t const n = flux.size();
  if ((!ivar.empty() && ivar.size() != n) || (!mask.empty() && mask.size() != n))
    throw Error("preprocess: S/N estimate of arrays of different lengths (flux " +
                std::to_string(n) + ", ivar " + std::to_string(ivar.size()) + ", mask " +
                std::to_string(mask.size()) + ")");
  auto good = [&](std::size_t i) {
    return (mask.empty() || mask[i] == 0) && std::isfinite(flux[i]);
  };
  std::vector<double> values;
  values.reserve(n);
  std::unique_ptr<double[]> const scratch(new double[n]);  // uninitialised: median() fills it
  if (!ivar.empty()) {
    for (std::size_t i = 0; i < n; ++i)
      if (good(i) && std::isfinite(ivar[i]) && ivar[i] > 0)
        values.push_back(flux[i] * std::sqrt(static_cast<double>(ivar[i])));
    return values.empty() ? 0.0 : median(values, scratch.get());
  }
  for (std::size_t i = 0; i < n; ++i)
    if (good(i)) values.push_back(flux[i]);
  std::size_t const m = values.size();
  if (m < 5) return 0.0;
  std::vector<double> second(m - 4);
  for (std::size_t i = 2; i + 2 < m; ++i)
    second[i - 2] = std::abs(2.0 * values[i] - values[i - 2] - values[i + 2]);
  double const signal = median(values, scratch.get());
  double const noise = kDerSnrScale * median(second, scratch.get());
  if (noise == 0) return signal > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return signal / noise;
}

std::string coverageRejection(double coverage, double minCoverage) {
  if (coverage >= minCoverage) return "";
  char text[96];
  std::snprintf(text, sizeof text, "low_coverage (%.3f of the grid has data, minimum %.3f)",
                coverage, minCoverage);
  return text;
}

std::string snrRejection(double snr, double minSnr) {
  if (minSnr <= 0 || snr >= minSnr) return "";
  return "low_snr (S/N " + detail::numberText(snr) + ", minimum " + detail::numberText(minSnr) +
         ")";
}

std::string nonFiniteRejection(std::vector<float> const& flux, std::vector<float> const& ivar) {
  for (std::size_t i = 0; i < flux.size(); ++i)
    if (!std::isfinite(flux[i]))
      return "non_finite_values (flux[" + std::to_string(i) + "] = " + detail::numberText(flux[i]) +
             ")";
  for (std::size_t i = 0; i < ivar.size(); ++i)
    if (!std::isfinite(ivar[i]))
      return "non_finite_values (ivar[" + std::to_string(i) + "] = " + detail::numberText(ivar[i]) +
             ")";
  return "";
}

std::string rejectionReason(Resampled const& spectrum, QualityThresholds const& thresholds) {
  std::string reason = nonFiniteRejection(spectrum.flux, spectrum.ivar);
  if (reason.empty()) reason = coverageRejection(spectrum.coverage, thresholds.minCoverage);
  if (reason.empty() && thresholds.minSnr > 0)
    reason =
        snrRejection(estimateSnr(spectrum.flux, spectrum.ivar, spectrum.mask), thresholds.minSnr);
  return reason;
}

}  // namespace vocloud::spectral
