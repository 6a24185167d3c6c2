#pragma once
// Discrete wavelet transforms (orthogonal, periodic boundary) of spectra for wavelet
// features, with the coefficient layout of pywt.wavedec(..., mode="periodization").
#include <cstddef>
#include <string>
#include <vector>

namespace vocloud::spectral {

/// Orthogonal wavelets with the filters of pywt.
enum class Wavelet {
  Haar,  ///< pywt "haar" ("db1"): dec_lo = [1, 1]/sqrt 2, dec_hi = [-1, 1]/sqrt 2
  Daubechies4  ///< pywt "db2": 4 taps, 2 vanishing moments, dec_lo = [1-√3, 3-√3, 3+√3, 1+√3]/(4√2)
};

/// "haar" or "db2".
std::string waveletName(Wavelet wavelet);

/// The wavelet named "haar" (or "db1"), "db2" (or "d4", "daubechies4"); throws
/// vocloud::Error "preprocess: unknown wavelet ..." otherwise.
Wavelet parseWavelet(std::string const& name);

/// Multilevel DWT with periodic extension, as pywt.wavedec(signal, w, mode="periodization",
/// level=levels) concatenated: [approximation(L), detail(L), detail(L-1), ..., detail(1)],
/// with n/2^L, n/2^L, n/2^(L-1), ..., n/2 values. One level maps x (length m) to
/// a[k] = Σ_j lo[j] x[(2k + F/2 - j) mod m] and d[k] = Σ_j hi[j] x[(2k + F/2 - j) mod m],
/// F the filter length, lo/hi pywt's dec_lo/dec_hi. levels == 0 returns the signal.
/// The length n must be divisible by 2^levels (no implicit padding; see padForDwt()).
/// Throws vocloud::Error otherwise or for levels < 0 or > 30.
std::vector<double> dwtForward(std::vector<double> const& signal, Wavelet wavelet, int levels);

/// Inverse of dwtForward() (its transpose: the transform is orthonormal), from the same
/// layout back to the signal; exact to rounding. Same length rules and errors.
std::vector<double> dwtInverse(std::vector<double> const& coefficients, Wavelet wavelet,
                               int levels);

/// The largest number of levels dwtForward() accepts for a signal of `length` values: the
/// power of 2 in length (0 for odd lengths and for 0).
int maxDwtLevels(std::size_t length);

/// `signal` extended at its end to the next multiple of 2^levels by mirror reflection
/// (x[n-1], x[n-2], ... as pywt's "symmetric" mode), so dwtForward() accepts it; unchanged
/// when the length already fits. dwtInverse() then returns the padded length: keep the
/// first signal.size() values. Throws vocloud::Error for an empty signal or levels
/// outside 0-30.
std::vector<double> padForDwt(std::vector<double> const& signal, int levels);

/// Which coefficients selectCoefficients() keeps.
struct WaveletSelection {
  enum class Mode {
    ApproximationAndDetails,  ///< approximation(L) plus the detailLevels coarsest details
    Largest                   ///< the `count` coefficients of largest |value|
  };
  Mode mode = Mode::ApproximationAndDetails;
  int detailLevels = 0;  ///< ApproximationAndDetails: 0..levels (0 = approximation only)
  int count = 0;         ///< Largest: how many to keep (>= 0; all when >= length)
};

/// `coefficients` (dwtForward()'s layout for a signal of `length` values and `levels`
/// levels) with every coefficient that `selection` does not keep set to 0; the length is
/// unchanged, so dwtInverse() of the result is the reconstruction from the kept ones.
/// ApproximationAndDetails keeps approximation(L), detail(L), ..., detail(L-k+1) for
/// k = detailLevels: exactly the first selectedPrefixLength(length, levels, k) values,
/// which callers can store on their own as a fixed-length feature vector. Largest keeps the
/// `count` values of largest magnitude (ties: the lower index). Throws vocloud::Error when
/// coefficients.size() != length, the length does not suit `levels`, or the selection's
/// numbers are out of range.
std::vector<double> selectCoefficients(std::vector<double> const& coefficients, int length,
                                       int levels, WaveletSelection const& selection);

/// Number of leading coefficients ApproximationAndDetails keeps: length / 2^(levels - k).
std::size_t selectedPrefixLength(std::size_t length, int levels, int detailLevels);

}  // namespace vocloud::spectral
