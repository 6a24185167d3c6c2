#include "spectral/grid.hpp"

#include "core/error.hpp"
#include "spectral/number_text.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace vocloud::spectral {

namespace {

// A bound on grid sizes so a typo in the step cannot ask for terabytes.
constexpr double kMaxPoints = 1e8;

}  // namespace

Grid makeGrid(double lambdaMin, double lambdaMax, bool logarithmic, int points, double step) {
  if (!std::isfinite(lambdaMin) || !std::isfinite(lambdaMax) || lambdaMin <= 0)
    throw Error("preprocess: grid bounds must be finite and positive (got lambda_min " +
                detail::numberText(lambdaMin) + " Å, lambda_max " + detail::numberText(lambdaMax) +
                " Å)");
  if (lambdaMin >= lambdaMax)
    throw Error("preprocess: grid lambda_min (" + detail::numberText(lambdaMin) +
                " Å) must be less than lambda_max (" + detail::numberText(lambdaMax) + " Å)");
  if (points < 0 || points == 1)
    throw Error("preprocess: grid points must be 0 (use step) or at least 2, got " +
                std::to_string(points));

  double const lo = logarithmic ? std::log10(lambdaMin) : lambdaMin;
  double const hi = logarithmic ? std::log10(lambdaMax) : lambdaMax;
  Grid grid;
  grid.logarithmic = logarithmic;
  std::size_t n = 0;
  double delta = 0;
  if (points > 0) {
    n = static_cast<std::size_t>(points);
    delta = (hi - lo) / static_cast<double>(points - 1);
  } else {
    if (!std::isfinite(step) || step <= 0)
      throw Error(std::string("preprocess: grid step must be positive (") +
                  (logarithmic ? "dex" : "Å") + ") when points is 0, got " +
                  detail::numberText(step));
    double const count = std::floor((hi - lo) / step + 1e-9) + 1;
    if (count < 2)
      throw Error("preprocess: grid step " + detail::numberText(step) +
                  (logarithmic ? " dex" : " Å") + " is wider than the range " +
                  detail::numberText(lambdaMin) + "-" + detail::numberText(lambdaMax) +
                  " Å: fewer than 2 points");
    if (count > kMaxPoints)
      throw Error("preprocess: grid step " + detail::numberText(step) +
                  (logarithmic ? " dex" : " Å") + " gives " + detail::numberText(count) +
                  " points (more than 1e8)");
    n = static_cast<std::size_t>(count);
    delta = step;
  }
  if (static_cast<double>(n) > kMaxPoints)
    throw Error("preprocess: grid of " + std::to_string(n) + " points (more than 1e8)");

  grid.wave.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double const x = lo + static_cast<double>(i) * delta;
    grid.wave[i] = logarithmic ? std::pow(10.0, x) : x;
  }
  if (points > 0) {  // the requested end points exactly, not lo + (n-1)*delta
    grid.wave.front() = lambdaMin;
    grid.wave.back() = lambdaMax;
  }
  for (std::size_t i = 1; i < n; ++i)
    if (!(grid.wave[i] > grid.wave[i - 1]))
      throw Error("preprocess: grid step " + detail::numberText(delta) +
                  " is too small to separate neighbouring points near " +
                  detail::numberText(grid.wave[i]) + " Å");
  return grid;
}

std::vector<double> pixelEdges(std::vector<double> const& centres, bool logarithmic) {
  std::size_t const n = centres.size();
  if (n < 2)
    throw Error("preprocess: pixel edges need at least 2 pixel centres, got " + std::to_string(n));
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(centres[i]) || (logarithmic && centres[i] <= 0))
      throw Error("preprocess: pixel centre " + std::to_string(i) + " is " +
                  detail::numberText(centres[i]) +
                  (logarithmic ? " (log grids need positive, finite λ)" : ""));
    if (i > 0 && !(centres[i] > centres[i - 1]))
      throw Error("preprocess: pixel centres must increase (centre " + std::to_string(i) + " = " +
                  detail::numberText(centres[i]) + " Å after " +
                  detail::numberText(centres[i - 1]) + " Å)");
  }
  std::vector<double> edges(n + 1);
  detail::fillPixelEdges(centres.data(), n, logarithmic, edges.data());
  return edges;
}

std::vector<double> pixelEdges(Grid const& grid) {
  return pixelEdges(grid.wave, grid.logarithmic);
}

bool isLogSampled(std::vector<double> const& centres) {
  return detail::isLogSampled(centres.data(), centres.size());
}

namespace detail {

void fillPixelEdges(double const* centres, std::size_t n, bool logarithmic, double* edges) {
  if (logarithmic) {
    for (std::size_t i = 1; i < n; ++i) edges[i] = std::sqrt(centres[i - 1] * centres[i]);
    edges[0] = centres[0] * std::sqrt(centres[0] / centres[1]);
    edges[n] = centres[n - 1] * std::sqrt(centres[n - 1] / centres[n - 2]);
  } else {
    for (std::size_t i = 1; i < n; ++i) edges[i] = 0.5 * (centres[i - 1] + centres[i]);
    edges[0] = centres[0] - 0.5 * (centres[1] - centres[0]);
    edges[n] = centres[n - 1] + 0.5 * (centres[n - 1] - centres[n - 2]);
  }
}

bool isLogSampled(double const* centres, std::size_t n) {
  if (n < 3) return false;
  // Both spreads in one pass: independent chains of the same operations as two passes.
  double loLog = HUGE_VAL, hiLog = -HUGE_VAL, sumLog = 0;
  double loLin = HUGE_VAL, hiLin = -HUGE_VAL, sumLin = 0;
  for (std::size_t i = 1; i < n; ++i) {
    // ratio - 1 ranks the spread of log steps like log(ratio) does, without a log per pixel
    double const dLog = centres[i] / centres[i - 1] - 1.0;
    double const dLin = centres[i] - centres[i - 1];
    loLog = std::min(loLog, dLog);
    hiLog = std::max(hiLog, dLog);
    sumLog += dLog;
    loLin = std::min(loLin, dLin);
    hiLin = std::max(hiLin, dLin);
    sumLin += dLin;
  }
  double const steps = static_cast<double>(n - 1);
  return (hiLog - loLog) / (sumLog / steps) < (hiLin - loLin) / (sumLin / steps);
}

}  // namespace detail

}  // namespace vocloud::spectral
