#pragma once
// The common wavelength grid every spectrum is resampled onto, and the pixel edges of any
// sampling (the boundaries between pixels that flux-conserving rebinning integrates over).
#include <cstddef>
#include <vector>

namespace vocloud::spectral {

/// Pixel centres of the output grid in Å, strictly increasing. `logarithmic` says the
/// centres are uniform in log10(λ) (constant Δλ/λ) rather than in λ; it decides how the
/// pixel edges are placed (pixelEdges).
struct Grid {
  std::vector<double> wave;  ///< Å, pixel centres, strictly increasing
  bool logarithmic = false;  ///< uniform in log10(λ) (true) or in λ (false)
};

/// Builds a grid from lambdaMin to lambdaMax (Å, 0 < lambdaMin < lambdaMax).
/// With points >= 2: `points` centres, the first at lambdaMin and the last at lambdaMax,
/// uniform in λ or in log10(λ); `step` is then ignored.
/// With points == 0: centres lambdaMin + i*step (linear, step in Å) or
/// 10^(log10(lambdaMin) + i*step) (logarithmic, step in dex), for i = 0, 1, ... while the
/// centre does not exceed lambdaMax (a centre within 1e-9 step of lambdaMax is kept), so
/// n = floor((max - min)/step + 1e-9) + 1 with max, min in Å or log10(Å).
/// Throws vocloud::Error ("preprocess: ...") for non-finite or non-positive bounds,
/// lambdaMin >= lambdaMax, points < 0 or == 1, step <= 0 when points == 0, a step that
/// leaves fewer than 2 points, or more than 100 million points.
Grid makeGrid(double lambdaMin, double lambdaMax, bool logarithmic, int points, double step);

/// Edges (Å) of the pixels whose centres are `centres` (strictly increasing, at least 2):
/// n + 1 values. Interior edges are midpoints of neighbouring centres: arithmetic
/// (c[i] + c[i+1]) / 2 when `logarithmic` is false, geometric sqrt(c[i] c[i+1]) (the
/// midpoint in log λ) when true. The two outer edges extend the first and last pixel
/// symmetrically about its centre (by half the neighbouring spacing, in λ or log λ).
/// Throws vocloud::Error for fewer than 2 centres, non-positive centres in log mode, or
/// centres that do not increase.
std::vector<double> pixelEdges(std::vector<double> const& centres, bool logarithmic = false);

/// Edges of a grid's pixels: pixelEdges(grid.wave, grid.logarithmic).
std::vector<double> pixelEdges(Grid const& grid);

/// Whether an input sampling is closer to uniform in log λ than to uniform in λ: compares
/// the relative spread (max - min) / mean of the steps Δln λ and Δλ and returns true when
/// the log steps spread less (SDSS and LAMOST: log-linear; Ondřejov: linear). Ties and
/// fewer than 3 centres count as linear. `centres` strictly increasing and positive.
bool isLogSampled(std::vector<double> const& centres);

namespace detail {

/// pixelEdges() of `n` >= 2 centres at `centres` into `edges` (n + 1 values), without the
/// checks: the centres must already be known finite, increasing (and positive when
/// `logarithmic`).
void fillPixelEdges(double const* centres, std::size_t n, bool logarithmic, double* edges);

/// isLogSampled() of `n` centres at `centres`.
bool isLogSampled(double const* centres, std::size_t n);

}  // namespace detail

}  // namespace vocloud::spectral
