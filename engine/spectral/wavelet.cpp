#include "spectral/wavelet.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vocloud::spectral {

namespace {

// Decomposition filters (pywt dec_lo, dec_hi) of `wavelet`.
struct Filters {
  std::vector<double> lo, hi;
};

Filters decompositionFilters(Wavelet wavelet) {
  double const s2 = std::sqrt(2.0);
  Filters f;
  if (wavelet == Wavelet::Haar) {
    f.lo = {1.0 / s2, 1.0 / s2};
  } else {
    double const s3 = std::sqrt(3.0), d = 4.0 * s2;
    f.lo = {(1.0 - s3) / d, (3.0 - s3) / d, (3.0 + s3) / d, (1.0 + s3) / d};
  }
  // Quadrature mirror: hi[j] = (-1)^(j+1) lo[F-1-j].
  std::size_t const taps = f.lo.size();
  f.hi.resize(taps);
  for (std::size_t j = 0; j < taps; ++j) f.hi[j] = (j % 2 == 0 ? -1.0 : 1.0) * f.lo[taps - 1 - j];
  return f;
}

void checkLevels(std::size_t length, int levels, char const* what) {
  if (levels < 0 || levels > 30)
    throw Error("preprocess: wavelet levels must be 0-30, got " + std::to_string(levels));
  std::size_t const block = std::size_t{1} << levels;
  if (length == 0 || length % block != 0)
    throw Error(std::string("preprocess: ") + what + " of " + std::to_string(length) +
                " values to " + std::to_string(levels) +
                " levels needs a length divisible by 2^levels = " + std::to_string(block) +
                " (pad the signal with padForDwt, or use at most " +
                std::to_string(maxDwtLevels(length)) + " levels)");
}

// Index of x that tap j of output k reads, periodic in m (pywt "periodization").
std::size_t tapIndex(std::size_t k, std::size_t j, std::size_t taps, std::size_t m) {
  // 2k + F/2 - j, kept non-negative before the modulo.
  std::size_t const shifted = 2 * k + taps / 2 + taps * m - j;
  return shifted % m;
}

}  // namespace

std::string waveletName(Wavelet wavelet) {
  return wavelet == Wavelet::Haar ? "haar" : "db2";
}

Wavelet parseWavelet(std::string const& name) {
  if (name == "haar" || name == "db1") return Wavelet::Haar;
  if (name == "db2" || name == "d4" || name == "daubechies4") return Wavelet::Daubechies4;
  throw Error("preprocess: unknown wavelet '" + name + "' (valid: haar, db2)");
}

std::vector<double> dwtForward(std::vector<double> const& signal, Wavelet wavelet, int levels) {
  checkLevels(signal.size(), levels, "wavelet transform");
  auto const filters = decompositionFilters(wavelet);
  std::size_t const taps = filters.lo.size();
  std::vector<double> out = signal, approx;
  for (std::size_t m = signal.size(), level = 0; level < static_cast<std::size_t>(levels);
       ++level, m /= 2) {
    std::size_t const half = m / 2;
    approx.assign(half, 0.0);
    std::vector<double> detailPart(half, 0.0);
    for (std::size_t k = 0; k < half; ++k)
      for (std::size_t j = 0; j < taps; ++j) {
        double const x = out[tapIndex(k, j, taps, m)];
        approx[k] += filters.lo[j] * x;
        detailPart[k] += filters.hi[j] * x;
      }
    std::copy(approx.begin(), approx.end(), out.begin());
    std::copy(detailPart.begin(), detailPart.end(),
              out.begin() + static_cast<std::ptrdiff_t>(half));
  }
  return out;
}

std::vector<double> dwtInverse(std::vector<double> const& coefficients, Wavelet wavelet,
                               int levels) {
  checkLevels(coefficients.size(), levels, "inverse wavelet transform");
  auto const filters = decompositionFilters(wavelet);
  std::size_t const taps = filters.lo.size();
  std::vector<double> out = coefficients, x;
  for (int level = levels; level >= 1; --level) {
    std::size_t const m = coefficients.size() >> (level - 1), half = m / 2;
    x.assign(m, 0.0);
    for (std::size_t k = 0; k < half; ++k)
      for (std::size_t j = 0; j < taps; ++j)
        x[tapIndex(k, j, taps, m)] += filters.lo[j] * out[k] + filters.hi[j] * out[half + k];
    std::copy(x.begin(), x.end(), out.begin());
  }
  return out;
}

int maxDwtLevels(std::size_t length) {
  int levels = 0;
  while (length > 0 && length % 2 == 0 && levels < 30) {
    length /= 2;
    ++levels;
  }
  return levels;
}

std::vector<double> padForDwt(std::vector<double> const& signal, int levels) {
  if (signal.empty()) throw Error("preprocess: cannot pad an empty signal for a wavelet transform");
  if (levels < 0 || levels > 30)
    throw Error("preprocess: wavelet levels must be 0-30, got " + std::to_string(levels));
  std::size_t const n = signal.size(), block = std::size_t{1} << levels;
  std::size_t const padded = (n + block - 1) / block * block;
  std::vector<double> out(padded);
  for (std::size_t i = 0; i < padded; ++i) {
    std::size_t r = i % (2 * n);  // mirror period 2n: x0..x(n-1), x(n-1)..x0
    out[i] = signal[r < n ? r : 2 * n - 1 - r];
  }
  return out;
}

std::size_t selectedPrefixLength(std::size_t length, int levels, int detailLevels) {
  return length >> (levels - detailLevels);
}

std::vector<double> selectCoefficients(std::vector<double> const& coefficients, int length,
                                       int levels, WaveletSelection const& selection) {
  if (length < 0 || coefficients.size() != static_cast<std::size_t>(length))
    throw Error("preprocess: " + std::to_string(coefficients.size()) +
                " wavelet coefficients given for a signal of " + std::to_string(length));
  checkLevels(coefficients.size(), levels, "wavelet selection");
  std::vector<double> out(coefficients.size(), 0.0);
  if (selection.mode == WaveletSelection::Mode::ApproximationAndDetails) {
    if (selection.detailLevels < 0 || selection.detailLevels > levels)
      throw Error("preprocess: wavelet detail levels to keep must be 0-" + std::to_string(levels) +
                  ", got " + std::to_string(selection.detailLevels));
    std::size_t const keep =
        selectedPrefixLength(coefficients.size(), levels, selection.detailLevels);
    std::copy_n(coefficients.begin(), keep, out.begin());
    return out;
  }
  if (selection.count < 0)
    throw Error("preprocess: number of wavelet coefficients to keep must be >= 0, got " +
                std::to_string(selection.count));
  std::size_t const keep = std::min(coefficients.size(), static_cast<std::size_t>(selection.count));
  std::vector<std::size_t> order(coefficients.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(coefficients[a]) > std::abs(coefficients[b]);
  });
  for (std::size_t r = 0; r < keep; ++r) out[order[r]] = coefficients[order[r]];
  return out;
}

}  // namespace vocloud::spectral
