#include "spectral/resample.hpp"

#include "core/error.hpp"
#include "spectral/number_text.hpp"
#include "spectral/unusable.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace vocloud::spectral {

namespace {

// An output of `m` pixels, all missing until filled.
Resampled emptyOutput(std::size_t m, bool withIvar) {
  Resampled out;
  out.flux.assign(m, 0.0f);
  if (withIvar) out.ivar.assign(m, 0.0f);
  out.mask.assign(m, 1);
  return out;
}

// Throws Unusable for the first non-finite or non-positive wavelength, else for the first
// pixel where the wavelengths stop being strictly monotonic.
void checkWavelengths(std::vector<double> const& wave) {
  std::size_t const n = wave.size();
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(wave[i]) || wave[i] <= 0)
      throw Unusable("non_finite_wavelength",
                     "wavelength " + std::to_string(i) + " is " + detail::numberText(wave[i]));
  bool const increasing = wave[1] > wave[0];
  for (std::size_t i = 1; i < n; ++i)
    if (increasing ? !(wave[i] > wave[i - 1]) : !(wave[i] < wave[i - 1]))
      throw Unusable("unsorted_wavelengths", "wavelengths are not strictly monotonic at pixel " +
                                                 std::to_string(i) + " (" +
                                                 detail::numberText(wave[i - 1]) + " Å then " +
                                                 detail::numberText(wave[i]) + " Å)");
}

void setCoverage(Resampled& out) {
  std::size_t good = 0;
  for (auto m : out.mask) good += m == 0 ? 1 : 0;
  out.coverage =
      out.mask.empty() ? 0.0 : static_cast<double>(good) / static_cast<double>(out.mask.size());
}

}  // namespace

Resampler::Resampler(Grid grid) : _grid(std::move(grid)) {
  std::vector<double> const& wave = _grid.wave;
  if (wave.size() < 2) {
    _gridError = "preprocess: the output grid has " + std::to_string(wave.size()) +
                 " points (at least 2 needed)";
    return;
  }
  for (std::size_t j = 1; j < wave.size(); ++j)
    if (!(wave[j] > wave[j - 1])) {
      _gridError = "preprocess: the output grid does not increase at point " + std::to_string(j);
      return;
    }
  try {
    _edgesOut = pixelEdges(_grid);
  } catch (Error const& e) {
    _gridError = e.what();
  }
}

Resampler::Input Resampler::prepare(std::vector<double> const& wave, std::vector<float> const& flux,
                                    std::vector<float> const& ivar,
                                    std::vector<std::uint32_t> const& mask) {
  std::size_t const n = wave.size();
  if (flux.size() != n || (!ivar.empty() && ivar.size() != n) ||
      (!mask.empty() && mask.size() != n))
    throw Error("preprocess: spectrum arrays differ in length (wave " + std::to_string(n) +
                ", flux " + std::to_string(flux.size()) + ", ivar " + std::to_string(ivar.size()) +
                ", mask " + std::to_string(mask.size()) + ")");
  if (!_gridError.empty()) throw Error(_gridError);
  if (n < 2)
    throw Unusable("too_few_pixels",
                   "a spectrum needs at least 2 pixels to resample, it has " + std::to_string(n));
  // One branch-free pass tells whether the wavelengths are usable; only a spectrum that is
  // not goes through checkWavelengths(), which names the first offending pixel.
  bool const increasing = wave[1] > wave[0];
  bool usable = std::isfinite(wave[0]) && wave[0] > 0;
  for (std::size_t i = 1; i < n; ++i)
    usable &= std::isfinite(wave[i]) & (wave[i] > 0) &
              (increasing ? wave[i] > wave[i - 1] : wave[i] < wave[i - 1]);
  if (!usable) checkWavelengths(wave);
  if (_good.size() < n) _good.resize(n);  // only grows: no zeroing of what is overwritten
  for (std::size_t i = 0; i < n; ++i) {
    bool ok = std::isfinite(flux[i]) && (mask.empty() || mask[i] == 0);
    if (!ivar.empty()) ok = ok && std::isfinite(ivar[i]) && ivar[i] > 0;
    _good[i] = ok ? 1 : 0;
  }
  Input in{wave.data(), flux.data(), ivar.empty() ? nullptr : ivar.data(), _good.data(), n};
  if (!increasing) {  // rare (no survey layout stores descending wavelengths): copies
    _reversedWave.assign(wave.rbegin(), wave.rend());
    _reversedFlux.assign(flux.rbegin(), flux.rend());
    _reversedIvar.assign(ivar.rbegin(), ivar.rend());
    std::reverse(_good.begin(), _good.begin() + static_cast<std::ptrdiff_t>(n));
    in.wave = _reversedWave.data();
    in.flux = _reversedFlux.data();
    if (!ivar.empty()) in.ivar = _reversedIvar.data();
  }
  return in;
}

Resampled Resampler::rebin(std::vector<double> const& wave, std::vector<float> const& flux,
                           std::vector<float> const& ivar, std::vector<std::uint32_t> const& mask) {
  Input const in = prepare(wave, flux, ivar, mask);
  std::size_t const n = in.n;
  std::size_t const m = _grid.wave.size();
  bool const withIvar = in.ivar != nullptr;
  if (_edgesIn.size() < n + 1) _edgesIn.resize(n + 1);  // only grows, as _good
  detail::fillPixelEdges(in.wave, n, detail::isLogSampled(in.wave, n), _edgesIn.data());
  double const* const edgesIn = _edgesIn.data();
  double const* const edgesOut = _edgesOut.data();

  Resampled out = emptyOutput(m, withIvar);
  std::size_t first = 0;  // first input pixel that can overlap the current output pixel
  for (std::size_t j = 0; j < m; ++j) {
    double const lo = edgesOut[j], hi = edgesOut[j + 1];
    if (lo < edgesIn[0] || hi > edgesIn[n]) continue;
    while (first < n && edgesIn[first + 1] <= lo) ++first;
    double sumW = 0, sumWF = 0, sumW2Var = 0;
    for (std::size_t i = first; i < n && edgesIn[i] < hi; ++i) {
      if (!in.good[i]) continue;
      double const overlap = std::min(hi, edgesIn[i + 1]) - std::max(lo, edgesIn[i]);
      if (overlap <= 0) continue;
      sumW += overlap;
      sumWF += overlap * static_cast<double>(in.flux[i]);
      if (withIvar) sumW2Var += overlap * overlap / static_cast<double>(in.ivar[i]);
    }
    if (sumW <= 0) continue;
    out.flux[j] = static_cast<float>(sumWF / sumW);
    if (withIvar) out.ivar[j] = static_cast<float>(sumW * sumW / sumW2Var);
    out.mask[j] = 0;
  }
  setCoverage(out);
  return out;
}

Resampled Resampler::interpolate(std::vector<double> const& wave, std::vector<float> const& flux,
                                 std::vector<float> const& ivar,
                                 std::vector<std::uint32_t> const& mask) {
  Input const in = prepare(wave, flux, ivar, mask);
  std::size_t const n = in.n;
  std::size_t const m = _grid.wave.size();
  bool const withIvar = in.ivar != nullptr;

  Resampled out = emptyOutput(m, withIvar);
  std::size_t k = 0;  // left bracketing input pixel: in.wave[k] <= x <= in.wave[k + 1]
  for (std::size_t j = 0; j < m; ++j) {
    double const x = _grid.wave[j];
    if (x < in.wave[0] || x > in.wave[n - 1]) continue;
    while (k + 2 < n && in.wave[k + 1] < x) ++k;
    double const t = (x - in.wave[k]) / (in.wave[k + 1] - in.wave[k]);
    double const wa = 1.0 - t, wb = t;
    if ((wa > 0 && !in.good[k]) || (wb > 0 && !in.good[k + 1])) continue;
    double const fa = wa > 0 ? in.flux[k] : 0.0, fb = wb > 0 ? in.flux[k + 1] : 0.0;
    out.flux[j] = static_cast<float>(wa * fa + wb * fb);
    if (withIvar) {
      double variance = 0;
      if (wa > 0) variance += wa * wa / static_cast<double>(in.ivar[k]);
      if (wb > 0) variance += wb * wb / static_cast<double>(in.ivar[k + 1]);
      out.ivar[j] = static_cast<float>(1.0 / variance);
    }
    out.mask[j] = 0;
  }
  setCoverage(out);
  return out;
}

Resampled rebinFluxConserving(std::vector<double> const& wave, std::vector<float> const& flux,
                              std::vector<float> const& ivar,
                              std::vector<std::uint32_t> const& mask, Grid const& grid) {
  return Resampler(grid).rebin(wave, flux, ivar, mask);
}

Resampled interpolateLinear(std::vector<double> const& wave, std::vector<float> const& flux,
                            std::vector<float> const& ivar, std::vector<std::uint32_t> const& mask,
                            Grid const& grid) {
  return Resampler(grid).interpolate(wave, flux, ivar, mask);
}

void fillMissing(Resampled& spectrum) {
  std::size_t const m = spectrum.flux.size();
  if (spectrum.mask.size() != m || (!spectrum.ivar.empty() && spectrum.ivar.size() != m))
    throw Error("preprocess: resampled arrays differ in length (flux " + std::to_string(m) +
                ", ivar " + std::to_string(spectrum.ivar.size()) + ", mask " +
                std::to_string(spectrum.mask.size()) + ")");
  std::size_t previous = m;  // last good pixel seen, m = none yet
  for (std::size_t j = 0; j < m; ++j) {
    if (spectrum.mask[j] != 0) continue;
    if (previous == m) {
      for (std::size_t i = 0; i < j; ++i) spectrum.flux[i] = spectrum.flux[j];
    } else if (j > previous + 1) {
      double const fa = spectrum.flux[previous], fb = spectrum.flux[j];
      double const span = static_cast<double>(j - previous);
      for (std::size_t i = previous + 1; i < j; ++i) {
        double const t = static_cast<double>(i - previous) / span;
        spectrum.flux[i] = static_cast<float>((1.0 - t) * fa + t * fb);
      }
    }
    previous = j;
  }
  if (previous == m)
    throw Unusable("no_coverage", "no pixel of the " + std::to_string(m) +
                                      "-point grid has data to interpolate from");
  for (std::size_t i = previous + 1; i < m; ++i) spectrum.flux[i] = spectrum.flux[previous];
  if (!spectrum.ivar.empty())
    for (std::size_t i = 0; i < m; ++i)
      if (spectrum.mask[i] != 0) spectrum.ivar[i] = 0.0f;
}

}  // namespace vocloud::spectral
