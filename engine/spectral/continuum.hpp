#pragma once
// The sigma-clipped Legendre continuum of normalise() on fixed wavelengths. Every spectrum
// of a run is resampled onto the same grid, so the Legendre basis at its pixels is computed
// once and each fit is then dot products on it, with scratch space kept between spectra.
#include "spectral/normalise.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vocloud::spectral {

/// Fits the continuum of Normalisation::Continuum (see normalise()) to spectra sampled at
/// the wavelengths given at construction. Holds the basis and scratch buffers: one fitter
/// per thread; it is not safe to use one from two threads at once.
class ContinuumFitter {
 public:
  /// A fitter for spectra sampled at `wave` (Å) with the polynomial order, clip limits and
  /// iterations of `options`. Throws vocloud::Error for invalid options (as normalise()).
  /// A `wave` that does not span a finite range is reported by fit(), after the checks of
  /// the spectrum, as fitContinuum() always did.
  ContinuumFitter(std::vector<double> const& wave, NormaliseOptions const& options);

  /// The continuum of `flux` (one value per wavelength) at every pixel into `continuum`
  /// (resized), exactly as fitContinuum() defines it, with the same errors.
  void fit(std::vector<float> const& flux, std::vector<std::uint8_t> const& mask,
           std::vector<double>& continuum);

  /// normalise() with Normalisation::Continuum: flux /= continuum, ivar *= continuum^2
  /// (`ivar` may be empty). Same errors as normalise().
  void normalise(std::vector<float>& flux, std::vector<float>& ivar,
                 std::vector<std::uint8_t> const& mask);

 private:
  struct NormalEquations;
  void evaluate(double const* coefficients);    // fit at every pixel into _values
  void accumulate(NormalEquations& equations);  // sums over the pixels of weight 1

  NormaliseOptions _options;
  std::size_t _pixels = 0, _coefficients = 0;
  bool _validRange = false;
  std::vector<double> _rows;     // [pixel][coefficient]: rows of the normal equations
  std::vector<double> _columns;  // [coefficient][pixel]: vectorised evaluation
  // Scratch kept between spectra so that a fit allocates nothing.
  std::vector<double> _weight;  // 1 = accepted pixel, 0 = masked, non-finite or clipped
  std::vector<double> _y, _absY, _masked, _residual, _values, _continuum;
  std::vector<std::size_t> _removed;
};

}  // namespace vocloud::spectral
