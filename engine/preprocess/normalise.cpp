#include "preprocess/normalise.hpp"

#include "core/error.hpp"
#include "preprocess/number_text.hpp"
#include "preprocess/unusable.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace vocloud::preprocess {

namespace {

constexpr std::pair<Normalisation, char const*> kNames[] = {
    {Normalisation::None, "none"},
    {Normalisation::Continuum, "continuum"},
    {Normalisation::RunningMedian, "running_median"},
    {Normalisation::Max, "max"},
    {Normalisation::L2, "l2"},
    {Normalisation::ZScore, "zscore"},
    {Normalisation::MinMax, "minmax"}};

// Indices of the pixels statistics may use: mask 0 (or no mask) and finite flux.
std::vector<std::size_t> goodPixels(std::vector<float> const& flux,
                                    std::vector<std::uint8_t> const& mask) {
  if (!mask.empty() && mask.size() != flux.size())
    throw Error("preprocess: mask has " + std::to_string(mask.size()) + " values, flux " +
                std::to_string(flux.size()));
  std::vector<std::size_t> good;
  good.reserve(flux.size());
  for (std::size_t i = 0; i < flux.size(); ++i)
    if ((mask.empty() || mask[i] == 0) && std::isfinite(flux[i])) good.push_back(i);
  if (good.empty())
    throw Unusable("all_masked",
                   "no good pixel among " + std::to_string(flux.size()) + " to normalise with");
  return good;
}

// Legendre polynomials P_0..P_order at x, into row.
void legendreRow(double x, int order, double* row) {
  row[0] = 1.0;
  if (order >= 1) row[1] = x;
  for (int k = 1; k < order; ++k)
    row[k + 1] = ((2.0 * k + 1.0) * x * row[k] - k * row[k - 1]) / (k + 1.0);
}

// Legendre polynomials 0..order at every pixel, row-major [pixel][coefficient]: computed
// once per spectrum, then every clipping round is dot products.
std::vector<double> legendreTable(std::vector<double> const& x, int order) {
  std::size_t const p = static_cast<std::size_t>(order) + 1;
  std::vector<double> table(x.size() * p);
  for (std::size_t i = 0; i < x.size(); ++i) legendreRow(x[i], order, table.data() + i * p);
  return table;
}

// Normal equations of a least-squares Legendre fit, kept up to date as clipping removes
// points: the (order+1)^2 Gram matrix of a Legendre basis on [-1, 1] is well conditioned,
// and a clipping round then costs the removed points, not all of them.
struct NormalEquations {
  std::size_t p;
  std::vector<double> gram, rhs;  // lower triangle of gram used

  explicit NormalEquations(std::size_t coefficients)
      : p(coefficients), gram(coefficients * coefficients, 0.), rhs(coefficients, 0.) {}

  // Adds (sign = +1) or removes (sign = -1) the given pixels.
  void update(std::vector<double> const& table, std::vector<float> const& flux,
              std::vector<std::size_t> const& points, double sign) {
    for (std::size_t point : points) {
      double const* row = table.data() + point * p;
      double const y = sign * flux[point];
      for (std::size_t i = 0; i < p; ++i) {
        double const ri = sign * row[i];
        rhs[i] += row[i] * y;
        for (std::size_t j = 0; j <= i; ++j) gram[i * p + j] += ri * row[j];
      }
    }
  }

  Eigen::VectorXd solve() const {
    auto const n = static_cast<Eigen::Index>(p);
    Eigen::MatrixXd g(n, n);
    Eigen::VectorXd b(n);
    for (std::size_t i = 0; i < p; ++i) {
      b(static_cast<Eigen::Index>(i)) = rhs[i];
      for (std::size_t j = 0; j <= i; ++j)
        g(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
            g(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = gram[i * p + j];
    }
    return g.ldlt().solve(b);
  }
};

double evaluateTable(Eigen::VectorXd const& coefficients, std::vector<double> const& table, std::size_t pixel) {
  std::size_t const p = static_cast<std::size_t>(coefficients.size());
  double const* row = table.data() + pixel * p;
  double const* k = coefficients.data();
  double sum = 0;
  for (std::size_t c = 0; c < p; ++c) sum += k[c] * row[c];
  return sum;
}

double median(std::vector<double>& values) {
  std::size_t const n = values.size();
  auto const middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  double const upper = *middle;
  if (n % 2 == 1) return upper;
  double const lower = *std::max_element(values.begin(), middle);
  return 0.5 * (lower + upper);
}

void checkPositive(std::vector<double> const& continuum, char const* what) {
  for (std::size_t i = 0; i < continuum.size(); ++i)
    if (!(continuum[i] > 0) || !std::isfinite(continuum[i]))
      throw Unusable("nonpositive_continuum", std::string(what) + " is " +
                                                  detail::numberText(continuum[i]) + " at pixel " +
                                                  std::to_string(i));
}

// flux' = (flux - shift) / scale on every pixel, ivar' = ivar * scale^2.
void applyAffine(std::vector<float>& flux, std::vector<float>& ivar, double shift, double scale) {
  for (auto& f : flux) f = static_cast<float>((f - shift) / scale);
  for (auto& v : ivar) v = static_cast<float>(v * scale * scale);
}

void divideBy(std::vector<float>& flux, std::vector<float>& ivar,
              std::vector<double> const& divisor) {
  for (std::size_t i = 0; i < flux.size(); ++i) flux[i] = static_cast<float>(flux[i] / divisor[i]);
  for (std::size_t i = 0; i < ivar.size(); ++i)
    ivar[i] = static_cast<float>(ivar[i] * divisor[i] * divisor[i]);
}

}  // namespace

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

std::vector<double> fitContinuum(std::vector<float> const& flux,
                                 std::vector<std::uint8_t> const& mask,
                                 std::vector<double> const& wave, NormaliseOptions const& options) {
  int const order = options.polynomialOrder;
  if (order < 0 || order > 30)
    throw Error("preprocess: continuum polynomial order must be 0-30, got " +
                std::to_string(order));
  if (!(options.clipLow > 0) || !(options.clipHigh > 0))
    throw Error("preprocess: continuum clip limits must be positive (got low " +
                detail::numberText(options.clipLow) + ", high " +
                detail::numberText(options.clipHigh) + ")");
  if (options.iterations < 0)
    throw Error("preprocess: continuum iterations must be >= 0, got " +
                std::to_string(options.iterations));
  if (wave.size() != flux.size())
    throw Error("preprocess: continuum fit needs one wavelength per pixel (wave " +
                std::to_string(wave.size()) + ", flux " + std::to_string(flux.size()) + ")");
  std::vector<std::size_t> accepted = goodPixels(flux, mask);
  std::size_t const coefficients = static_cast<std::size_t>(order) + 1;
  if (accepted.size() < coefficients)
    throw Unusable("too_few_pixels", std::to_string(accepted.size()) +
                                         " good pixels cannot fix a polynomial of order " +
                                         std::to_string(order));

  auto const [lo, hi] = std::minmax_element(wave.begin(), wave.end());
  double const mid = 0.5 * (*lo + *hi), half = 0.5 * (*hi - *lo);
  if (!(half > 0) || !std::isfinite(half))
    throw Error("preprocess: continuum fit needs wavelengths spanning a finite range");
  std::vector<double> x(wave.size());
  for (std::size_t i = 0; i < wave.size(); ++i) x[i] = (wave[i] - mid) / half;

  std::vector<double> const table = legendreTable(x, order);
  std::vector<double> residual;
  NormalEquations equations(coefficients);
  equations.update(table, flux, accepted, +1.);
  Eigen::VectorXd fit = equations.solve();
  for (int round = 0; round < options.iterations; ++round) {
    residual.resize(accepted.size());
    double sum = 0, scale = 0;
    for (std::size_t r = 0; r < accepted.size(); ++r) {
      residual[r] = flux[accepted[r]] - evaluateTable(fit, table, accepted[r]);
      sum += residual[r];
      scale += std::abs(static_cast<double>(flux[accepted[r]]));
    }
    double const mean = sum / static_cast<double>(accepted.size());
    double variance = 0;
    for (double r : residual) variance += (r - mean) * (r - mean);
    double const sigma = std::sqrt(variance / static_cast<double>(accepted.size()));
    // Residuals at float rounding level: the fit is exact, clipping would chase noise.
    if (sigma <= 1e-6 * scale / static_cast<double>(accepted.size())) break;
    std::vector<std::size_t> kept, removed;
    kept.reserve(accepted.size());
    for (std::size_t r = 0; r < accepted.size(); ++r) {
      if (residual[r] >= mean - options.clipLow * sigma &&
          residual[r] <= mean + options.clipHigh * sigma)
        kept.push_back(accepted[r]);
      else
        removed.push_back(accepted[r]);
    }
    if (kept.size() == accepted.size() || kept.size() < coefficients) break;
    accepted.swap(kept);
    // Many points removed: summing the rest anew loses less precision than subtracting.
    if (removed.size() * 2 > accepted.size()) {
      equations = NormalEquations(coefficients);
      equations.update(table, flux, accepted, +1.);
    } else {
      equations.update(table, flux, removed, -1.);
    }
    fit = equations.solve();
  }

  std::vector<double> continuum(flux.size());
  for (std::size_t i = 0; i < flux.size(); ++i) continuum[i] = evaluateTable(fit, table, i);
  checkPositive(continuum, "the continuum fit");
  return continuum;
}

std::vector<double> runningMedian(std::vector<float> const& flux,
                                  std::vector<std::uint8_t> const& mask, int window) {
  if (window < 3 || window % 2 == 0)
    throw Error("preprocess: running median window must be an odd number of pixels >= 3, got " +
                std::to_string(window));
  goodPixels(flux, mask);  // checks lengths, throws when nothing is good
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
  checkPositive(result, "the running median");
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
      divideBy(flux, ivar, fitContinuum(flux, mask, wave, options));
      return;
    case Normalisation::RunningMedian:
      divideBy(flux, ivar, runningMedian(flux, mask, options.medianWindow));
      return;
    default:
      break;
  }
  std::vector<std::size_t> const good = goodPixels(flux, mask);
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

}  // namespace vocloud::preprocess
