#include "spectral/normalise.hpp"

#include "core/error.hpp"
#include "spectral/continuum.hpp"
#include "spectral/normalise_detail.hpp"
#include "spectral/number_text.hpp"
#include "spectral/unusable.hpp"

#include <algorithm>
#include <cmath>

namespace vocloud::spectral {

namespace {

constexpr std::pair<Normalisation, char const*> kNames[] = {
    {Normalisation::None, "none"},
    {Normalisation::Continuum, "continuum"},
    {Normalisation::RunningMedian, "running_median"},
    {Normalisation::Max, "max"},
    {Normalisation::L2, "l2"},
    {Normalisation::ZScore, "zscore"},
    {Normalisation::MinMax, "minmax"}};

double median(std::vector<double>& values) {
  std::size_t const n = values.size();
  auto const middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  double const upper = *middle;
  if (n % 2 == 1) return upper;
  double const lower = *std::max_element(values.begin(), middle);
  return 0.5 * (lower + upper);
}

// flux' = (flux - shift) / scale on every pixel, ivar' = ivar * scale^2.
void applyAffine(std::vector<float>& flux, std::vector<float>& ivar, double shift, double scale) {
  for (auto& f : flux) f = static_cast<float>((f - shift) / scale);
  for (auto& v : ivar) v = static_cast<float>(v * scale * scale);
}

}  // namespace

namespace detail {

void goodPixels(std::vector<float> const& flux, std::vector<std::uint8_t> const& mask,
                std::vector<std::size_t>& good) {
  if (!mask.empty() && mask.size() != flux.size())
    throw Error("preprocess: mask has " + std::to_string(mask.size()) + " values, flux " +
                std::to_string(flux.size()));
  good.clear();
  good.reserve(flux.size());
  for (std::size_t i = 0; i < flux.size(); ++i)
    if ((mask.empty() || mask[i] == 0) && std::isfinite(flux[i])) good.push_back(i);
  if (good.empty())
    throw Unusable("all_masked",
                   "no good pixel among " + std::to_string(flux.size()) + " to normalise with");
}

void checkPositive(std::vector<double> const& continuum, char const* what) {
  for (std::size_t i = 0; i < continuum.size(); ++i)
    if (!(continuum[i] > 0) || !std::isfinite(continuum[i]))
      throw Unusable(
          "nonpositive_continuum",
          std::string(what) + " is " + numberText(continuum[i]) + " at pixel " + std::to_string(i));
}

void divideBy(std::vector<float>& flux, std::vector<float>& ivar,
              std::vector<double> const& divisor) {
  for (std::size_t i = 0; i < flux.size(); ++i) flux[i] = static_cast<float>(flux[i] / divisor[i]);
  for (std::size_t i = 0; i < ivar.size(); ++i)
    ivar[i] = static_cast<float>(ivar[i] * divisor[i] * divisor[i]);
}

}  // namespace detail

std::string normalisationName(Normalisation kind) {
  for (auto const& [k, name] : kNames)
    if (k == kind) return name;
  return "unknown";
}

Normalisation parseNormalisation(std::string const& name) {
  std::string valid;
  for (auto const& [kind, text] : kNames) {
    if (name == text) return kind;
    valid += valid.empty() ? text : std::string(", ") + text;
  }
  throw Error("preprocess: unknown normalisation '" + name + "' (valid: " + valid + ")");
}

std::vector<double> runningMedian(std::vector<float> const& flux,
                                  std::vector<std::uint8_t> const& mask, int window) {
  if (window < 3 || window % 2 == 0)
    throw Error("preprocess: running median window must be an odd number of pixels >= 3, got " +
                std::to_string(window));
  std::vector<std::size_t> good;
  detail::goodPixels(flux, mask, good);  // checks lengths, throws when nothing is good
  std::size_t const n = flux.size(), h = static_cast<std::size_t>(window / 2);
  std::vector<double> result(n, std::nan("")), values;
  values.reserve(static_cast<std::size_t>(window));
  for (std::size_t i = 0; i < n; ++i) {
    values.clear();
    std::size_t const from = i >= h ? i - h : 0, to = std::min(n - 1, i + h);
    for (std::size_t k = from; k <= to; ++k)
      if ((mask.empty() || mask[k] == 0) && std::isfinite(flux[k])) values.push_back(flux[k]);
    if (!values.empty()) result[i] = median(values);
  }
  // Windows without a good pixel borrow the nearest defined median (ties: the left one).
  std::vector<double> const defined = result;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(defined[i])) continue;
    for (std::size_t d = 1; d < n; ++d) {
      if (i >= d && !std::isnan(defined[i - d])) {
        result[i] = defined[i - d];
        break;
      }
      if (i + d < n && !std::isnan(defined[i + d])) {
        result[i] = defined[i + d];
        break;
      }
    }
  }
  detail::checkPositive(result, "the running median");
  return result;
}

void normalise(std::vector<float>& flux, std::vector<float>& ivar,
               std::vector<std::uint8_t> const& mask, std::vector<double> const& wave,
               NormaliseOptions const& options) {
  if (!ivar.empty() && ivar.size() != flux.size())
    throw Error("preprocess: ivar has " + std::to_string(ivar.size()) + " values, flux " +
                std::to_string(flux.size()));
  switch (options.kind) {
    case Normalisation::None:
      return;
    case Normalisation::Continuum:
      ContinuumFitter(wave, options).normalise(flux, ivar, mask);
      return;
    case Normalisation::RunningMedian:
      detail::divideBy(flux, ivar, runningMedian(flux, mask, options.medianWindow));
      return;
    default:
      break;
  }
  std::vector<std::size_t> good;
  detail::goodPixels(flux, mask, good);
  double maxAbs = 0, sumSquares = 0, sum = 0;
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  for (std::size_t i : good) {
    double const f = flux[i];
    maxAbs = std::max(maxAbs, std::abs(f));
    sumSquares += f * f;
    sum += f;
    lo = std::min(lo, f);
    hi = std::max(hi, f);
  }
  switch (options.kind) {
    case Normalisation::Max:
      if (maxAbs == 0) throw Unusable("zero_flux", "every good pixel has flux 0");
      applyAffine(flux, ivar, 0.0, maxAbs);
      return;
    case Normalisation::L2: {
      double const norm = std::sqrt(sumSquares);
      if (norm == 0) throw Unusable("zero_flux", "every good pixel has flux 0");
      applyAffine(flux, ivar, 0.0, norm);
      return;
    }
    case Normalisation::ZScore: {
      double const mean = sum / static_cast<double>(good.size());
      double variance = 0;
      for (std::size_t i : good) variance += (flux[i] - mean) * (flux[i] - mean);
      double const sd = std::sqrt(variance / static_cast<double>(good.size()));
      if (hi == lo || !(sd > 0))
        throw Unusable("flat_spectrum", "every good pixel has flux " + detail::numberText(lo));
      applyAffine(flux, ivar, mean, sd);
      return;
    }
    case Normalisation::MinMax:
      if (hi == lo)
        throw Unusable("flat_spectrum", "every good pixel has flux " + detail::numberText(lo));
      // 2 (f - lo) / (hi - lo) - 1 = (f - mid) / half
      applyAffine(flux, ivar, 0.5 * (lo + hi), 0.5 * (hi - lo));
      return;
    default:
      return;
  }
}

}  // namespace vocloud::spectral
