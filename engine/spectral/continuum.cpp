#include "spectral/continuum.hpp"

#include "core/error.hpp"
#include "spectral/normalise_detail.hpp"
#include "spectral/number_text.hpp"
#include "spectral/unusable.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <string>

namespace vocloud::spectral {

namespace {

constexpr int kMaxOrder = 30;

// Small matrices of at most kMaxOrder + 1 coefficients live on the stack: a fit solves up to
// iterations + 1 systems, and a heap allocation each would cost more than the solve.
using SmallMatrix =
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxOrder + 1, kMaxOrder + 1>;
using SmallVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxOrder + 1, 1>;

// Legendre polynomials P_0..P_order at x, into row.
void legendreRow(double x, int order, double* row) {
  row[0] = 1.0;
  if (order >= 1) row[1] = x;
  for (int k = 1; k < order; ++k)
    row[k + 1] = ((2.0 * k + 1.0) * x * row[k] - k * row[k - 1]) / (k + 1.0);
}

// r = y - fit at the pixels of weight 1, else 0. The buffers never overlap; saying so
// (restrict) lets the compiler vectorise the loop. A product by the weight rather than a
// select (which GCC does not vectorise here): the fit is finite at every pixel or at none
// (|P_k(x)| <= 1 on [-1, 1]), so 0 * fit adds no NaN that the accepted pixels lack.
void residuals(double const* __restrict weight, double const* __restrict y,
               double const* __restrict fit, double* __restrict r, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) r[i] = weight[i] * (y[i] - fit[i]);
}

// Rejects the accepted points whose residual is outside [low, high] (weight 0: a rejected
// point stays rejected) and lists them in `removed`.
void clip(double* __restrict weight, double const* __restrict r, std::size_t n, double low,
          double high, std::vector<std::size_t>& removed) {
  removed.clear();
  for (std::size_t i = 0; i < n; ++i)
    if (!(r[i] >= low && r[i] <= high) && weight[i] != 0) {  // the first test is rarely true
      weight[i] = 0;
      removed.push_back(i);
    }
}

}  // namespace

// Normal equations of a least-squares Legendre fit, kept up to date as clipping removes
// points: the (order+1)^2 Gram matrix of a Legendre basis on [-1, 1] is well conditioned,
// and a clipping round then costs the removed points, not all of them.
struct ContinuumFitter::NormalEquations {
  std::size_t p;
  double gram[(kMaxOrder + 1) * (kMaxOrder + 1)];  // lower triangle used
  double rhs[kMaxOrder + 1];

  explicit NormalEquations(std::size_t coefficients) : p(coefficients) {}

  // Takes the given pixels out; `rows` is [pixel][coefficient].
  void remove(double const* rows, std::vector<double> const& y,
              std::vector<std::size_t> const& points) {
    for (std::size_t point : points) {
      double const* row = rows + point * p;
      for (std::size_t i = 0; i < p; ++i) {
        rhs[i] -= row[i] * y[point];
        for (std::size_t j = 0; j <= i; ++j) gram[i * p + j] -= row[i] * row[j];
      }
    }
  }

  SmallVector solve() const {
    auto const n = static_cast<Eigen::Index>(p);
    SmallMatrix g(n, n);
    SmallVector b(n);
    for (std::size_t i = 0; i < p; ++i) {
      b(static_cast<Eigen::Index>(i)) = rhs[i];
      for (std::size_t j = 0; j <= i; ++j)
        g(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
            g(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = gram[i * p + j];
    }
    return g.ldlt().solve(b);
  }
};

ContinuumFitter::ContinuumFitter(std::vector<double> const& wave, NormaliseOptions const& options)
    : _options(options), _pixels(wave.size()) {
  int const order = options.polynomialOrder;
  if (order < 0 || order > kMaxOrder)
    throw Error("preprocess: continuum polynomial order must be 0-30, got " +
                std::to_string(order));
  if (!(options.clipLow > 0) || !(options.clipHigh > 0))
    throw Error("preprocess: continuum clip limits must be positive (got low " +
                detail::numberText(options.clipLow) + ", high " +
                detail::numberText(options.clipHigh) + ")");
  if (options.iterations < 0)
    throw Error("preprocess: continuum iterations must be >= 0, got " +
                std::to_string(options.iterations));
  _coefficients = static_cast<std::size_t>(order) + 1;
  if (wave.empty()) return;
  auto const [lo, hi] = std::minmax_element(wave.begin(), wave.end());
  double const mid = 0.5 * (*lo + *hi), half = 0.5 * (*hi - *lo);
  _validRange = half > 0 && std::isfinite(half);
  if (!_validRange) return;
  std::size_t const p = _coefficients;
  _rows.resize(_pixels * p);
  _columns.resize(_pixels * p);
  for (std::size_t i = 0; i < _pixels; ++i) {
    double* row = _rows.data() + i * p;
    legendreRow((wave[i] - mid) / half, order, row);
    for (std::size_t c = 0; c < p; ++c) _columns[c * _pixels + i] = row[c];
  }
}

void ContinuumFitter::evaluate(double const* coefficients) {
  // Over all pixels, vectorised, four coefficients per pass (one load and store of the sums
  // per four terms); each pixel still sums k_0 P_0 + k_1 P_1 + ... in that order.
  std::size_t const n = _pixels;
  _values.resize(n);
  double* __restrict const values = _values.data();
  std::size_t c = 0;
  for (; c + 4 <= _coefficients; c += 4) {
    double const* __restrict const a = _columns.data() + c * n;
    double const* __restrict const b = a + n;
    double const* __restrict const d = b + n;
    double const* __restrict const e = d + n;
    double const ka = coefficients[c], kb = coefficients[c + 1], kd = coefficients[c + 2],
                 ke = coefficients[c + 3];
    if (c == 0)
      for (std::size_t i = 0; i < n; ++i) values[i] = ka * a[i] + kb * b[i] + kd * d[i] + ke * e[i];
    else
      for (std::size_t i = 0; i < n; ++i)
        values[i] = values[i] + ka * a[i] + kb * b[i] + kd * d[i] + ke * e[i];
  }
  for (; c < _coefficients; ++c) {
    double const k = coefficients[c];
    double const* __restrict const column = _columns.data() + c * n;
    if (c == 0)
      for (std::size_t i = 0; i < n; ++i) values[i] = k * column[i];
    else
      for (std::size_t i = 0; i < n; ++i) values[i] += k * column[i];
  }
}

void ContinuumFitter::accumulate(NormalEquations& equations) {
  // Dense dot products over every pixel with the weights 0/1 folded into one side: Eigen
  // vectorises them (in a fixed order, so every run and rank gets the same sums), where a
  // gather over the accepted pixels could not be.
  std::size_t const n = _pixels, p = _coefficients;
  _masked.resize(n * p);
  for (std::size_t c = 0; c < p; ++c) {
    double const* __restrict column = _columns.data() + c * n;
    double const* __restrict weight = _weight.data();
    double* __restrict masked = _masked.data() + c * n;
    for (std::size_t i = 0; i < n; ++i) masked[i] = column[i] * weight[i];
  }
  auto const vector = [n](double const* data) {
    return Eigen::Map<Eigen::VectorXd const>(data, static_cast<Eigen::Index>(n));
  };
  for (std::size_t i = 0; i < p; ++i) {
    auto const masked = vector(_masked.data() + i * n);
    equations.rhs[i] = masked.dot(vector(_y.data()));
    for (std::size_t j = 0; j <= i; ++j)
      equations.gram[i * p + j] = masked.dot(vector(_columns.data() + j * n));
  }
}

void ContinuumFitter::fit(std::vector<float> const& flux, std::vector<std::uint8_t> const& mask,
                          std::vector<double>& continuum) {
  std::size_t const n = _pixels, p = _coefficients;
  if (n != flux.size())
    throw Error("preprocess: continuum fit needs one wavelength per pixel (wave " +
                std::to_string(n) + ", flux " + std::to_string(flux.size()) + ")");
  if (!mask.empty() && mask.size() != n)
    throw Error("preprocess: mask has " + std::to_string(mask.size()) + " values, flux " +
                std::to_string(n));
  // The accepted pixels as weights 1 (0 = masked, non-finite or clipped) and their flux,
  // 0 elsewhere: every sum then runs over all pixels.
  _weight.resize(n);
  _y.resize(n);
  _absY.resize(n);
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bool const good = (mask.empty() || mask[i] == 0) && std::isfinite(flux[i]);
    double const y = good ? static_cast<double>(flux[i]) : 0.0;
    _weight[i] = good ? 1.0 : 0.0;
    _y[i] = y;
    _absY[i] = std::abs(y);
    accepted += good ? 1 : 0;
  }
  if (accepted == 0)
    throw Unusable("all_masked", "no good pixel among " + std::to_string(n) + " to normalise with");
  if (accepted < p)
    throw Unusable("too_few_pixels", std::to_string(accepted) +
                                         " good pixels cannot fix a polynomial of order " +
                                         std::to_string(_options.polynomialOrder));
  if (!_validRange)
    throw Error("preprocess: continuum fit needs wavelengths spanning a finite range");

  auto const array = [n](std::vector<double> const& v) {
    return Eigen::Map<Eigen::ArrayXd const>(v.data(), static_cast<Eigen::Index>(n));
  };
  NormalEquations equations(p);
  accumulate(equations);
  SmallVector fit = equations.solve();
  bool evaluated = false;  // _values holds `fit` at every pixel
  _residual.resize(n);
  for (int round = 0; round < _options.iterations; ++round) {
    evaluate(fit.data());
    evaluated = true;
    residuals(_weight.data(), _y.data(), _values.data(), _residual.data(), n);
    double const count = static_cast<double>(accepted);
    double const mean = array(_residual).sum() / count;
    double const scale = array(_absY).matrix().dot(array(_weight).matrix());
    double const variance = ((array(_residual) - mean).square() * array(_weight)).sum();
    double const sigma = std::sqrt(variance / count);
    // Residuals at float rounding level: the fit is exact, clipping would chase noise.
    if (sigma <= 1e-6 * scale / count) break;
    double const low = mean - _options.clipLow * sigma, high = mean + _options.clipHigh * sigma;
    clip(_weight.data(), _residual.data(), n, low, high, _removed);
    std::size_t const kept = accepted - _removed.size();
    if (_removed.empty() || kept < p) break;
    accepted = kept;
    // Many points removed: summing the rest anew loses less precision than subtracting.
    if (_removed.size() * 2 > accepted)
      accumulate(equations);
    else
      equations.remove(_rows.data(), _y, _removed);
    fit = equations.solve();
    evaluated = false;
  }
  if (!evaluated) evaluate(fit.data());
  continuum.swap(_values);
  detail::checkPositive(continuum, "the continuum fit");
}

void ContinuumFitter::normalise(std::vector<float>& flux, std::vector<float>& ivar,
                                std::vector<std::uint8_t> const& mask) {
  if (!ivar.empty() && ivar.size() != flux.size())
    throw Error("preprocess: ivar has " + std::to_string(ivar.size()) + " values, flux " +
                std::to_string(flux.size()));
  fit(flux, mask, _continuum);
  detail::divideBy(flux, ivar, _continuum);
}

std::vector<double> fitContinuum(std::vector<float> const& flux,
                                 std::vector<std::uint8_t> const& mask,
                                 std::vector<double> const& wave, NormaliseOptions const& options) {
  std::vector<double> continuum;
  ContinuumFitter(wave, options).fit(flux, mask, continuum);
  return continuum;
}

}  // namespace vocloud::spectral
