#pragma once
// Resampling one spectrum onto the common grid: flux-conserving rebinning (the default) and
// linear interpolation, and the filling of output pixels that got no data.
#include "spectral/grid.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::spectral {

/// A spectrum on a Grid. flux and mask have the grid's length; ivar has it too, or is empty
/// when the input had no inverse variance.
struct Resampled {
  std::vector<float> flux;  ///< flux density, the input's units (per Å as the input is)
  std::vector<float> ivar;  ///< inverse variance of flux, 0 where mask is 1; empty = unknown
  /// 1 = missing: no good input covers the pixel (outside the input's range, or only masked,
  /// ivar == 0 or non-finite input there). fillMissing() puts interpolated flux there.
  std::vector<std::uint8_t> mask;
  double coverage = 0;  ///< fraction of output pixels with real data (mask 0), 0..1
};

/// Flux-density-conserving rebinning onto `grid` (Carnall 2017, SpectRes, by overlaps).
/// Input pixel i covers [e_i, e_i+1] with e = pixelEdges(wave, isLogSampled(wave)); output
/// pixel j covers [E_j, E_j+1] with E = pixelEdges(grid). The output flux density is the
/// average of the good input flux densities weighted by their overlap with the output pixel
/// in Å, w_i = |[e_i, e_i+1] ∩ [E_j, E_j+1]|, so that with all input good ∫ f dλ over any
/// run of output pixels equals the input's over the same range. Weights are overlaps only,
/// never overlap × ivar: ivar weights would break flux conservation.
/// ivar_out = (Σ w_i)^2 / Σ (w_i^2 / ivar_i) (the variance of that weighted mean for
/// independent input pixels; correlations between neighbouring output pixels are ignored).
/// An input pixel is bad (left out of every sum) when mask != 0, ivar == 0 or non-finite
/// (ivar given), or flux is non-finite. An output pixel is missing (mask 1, flux 0, ivar 0)
/// when it extends beyond the input's outer edges [e_0, e_n] or no good input overlaps it;
/// one partly covered by good input keeps the average over the good part.
/// wave in Å, strictly increasing or strictly decreasing (reversed internally); flux and,
/// when not empty, ivar and mask have wave's length.
/// Throws Unusable ("too_few_pixels", "non_finite_wavelength", "unsorted_wavelengths") for
/// a spectrum that cannot be resampled, vocloud::Error for mismatched lengths or a grid
/// with fewer than 2 increasing points.
Resampled rebinFluxConserving(std::vector<double> const& wave, std::vector<float> const& flux,
                              std::vector<float> const& ivar,
                              std::vector<std::uint32_t> const& mask, Grid const& grid);

/// Linear interpolation of the flux at each grid centre between the two input pixels whose
/// centres bracket it. ivar is propagated, not interpolated: for f = (1-t) f_a + t f_b,
/// ivar = 1 / ((1-t)^2 / ivar_a + t^2 / ivar_b) (independent errors; this overstates the S/N
/// of output pixels that share input pixels when the grid is finer than the input).
/// An output pixel is missing (mask 1, flux 0, ivar 0) outside [wave_first, wave_last] or when
/// an input pixel with non-zero weight is bad (same rule as rebinFluxConserving). Exact on
/// functions linear in λ. Same inputs, units and errors as rebinFluxConserving.
Resampled interpolateLinear(std::vector<double> const& wave, std::vector<float> const& flux,
                            std::vector<float> const& ivar, std::vector<std::uint32_t> const& mask,
                            Grid const& grid);

/// rebinFluxConserving() and interpolateLinear() onto one grid for many spectra: the grid
/// is checked and its pixel edges computed once, and the buffers for the input's edges,
/// good-pixel flags and (rarely) its reversal are kept between spectra. One per thread.
class Resampler {
 public:
  /// A resampler onto `grid` (copied). A grid of fewer than 2 increasing points is reported
  /// by each call, after the length checks, with the free functions' vocloud::Error.
  explicit Resampler(Grid grid);

  /// rebinFluxConserving(wave, flux, ivar, mask, grid): same result, units and errors.
  Resampled rebin(std::vector<double> const& wave, std::vector<float> const& flux,
                  std::vector<float> const& ivar, std::vector<std::uint32_t> const& mask);
  /// interpolateLinear(wave, flux, ivar, mask, grid): same result, units and errors.
  Resampled interpolate(std::vector<double> const& wave, std::vector<float> const& flux,
                        std::vector<float> const& ivar, std::vector<std::uint32_t> const& mask);

 private:
  // The input in increasing wavelength order: the caller's arrays, or copies reversed.
  struct Input {
    double const* wave = nullptr;
    float const* flux = nullptr;
    float const* ivar = nullptr;  // nullptr: no ivar
    char const* good = nullptr;   // 1 = the pixel enters the sums
    std::size_t n = 0;
  };
  Input prepare(std::vector<double> const& wave, std::vector<float> const& flux,
                std::vector<float> const& ivar, std::vector<std::uint32_t> const& mask);

  Grid _grid;
  std::string _gridError;         // why the grid cannot be used; "" when it can
  std::vector<double> _edgesOut;  // pixelEdges(_grid)
  std::vector<double> _edgesIn, _reversedWave;
  std::vector<float> _reversedFlux, _reversedIvar;
  std::vector<char> _good;
};

/// Gives the missing pixels (mask 1) of `spectrum` a flux by linear interpolation in pixel
/// index between the nearest good pixels on each side, and the nearest good pixel's flux
/// beyond the first or last good pixel (constant extension). mask stays 1 and ivar 0 there,
/// so statistics and weights still ignore them; coverage is unchanged.
/// Throws Unusable ("no_coverage") when no pixel is good, vocloud::Error when mask and flux
/// (or a non-empty ivar) differ in length.
void fillMissing(Resampled& spectrum);

}  // namespace vocloud::spectral
