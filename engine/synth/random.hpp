#pragma once
// Counter-based deterministic random numbers for the synthetic generator.
//
// Every spectrum owns generators seeded from (seed, global index, stream) alone, so a
// spectrum's bytes do not depend on which rank makes it or on how many ranks there are.
// No <random> distributions (their output differs between standard libraries) and no libm
// transcendental functions (glibc picks FMA or non-FMA variants per CPU, which may differ
// in the last bit): only +, -, *, / and sqrt, which IEEE 754 rounds exactly. This needs
// the code to be compiled without -ffast-math and without FMA contraction
// (-ffp-contract=off; GCC's default under -std=c++17).
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace vocloud::synth {

namespace detail {

inline constexpr double kPi = 3.141592653589793238462643383279502884;
inline constexpr double kLn2 = 0.693147180559945309417232121458176568;
inline constexpr double kLn10 = 2.302585092994045684017991454684364208;

/// splitmix64 finaliser: a bijective 64-bit mix with full avalanche.
inline constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Coefficients 1/k! (k = 0..13) of the exponential series, rounded once at compile time.
struct ExpSeries {
  double c[14] = {};
  constexpr ExpSeries() {
    double factorial = 1;
    for (int k = 0; k < 14; ++k) {
      if (k > 0) factorial *= k;
      c[k] = 1.0 / factorial;
    }
  }
};

/// Coefficients 2/(2k+1) (k = 0..10) of ln m = 2 atanh s = 2 (s + s^3/3 + ...).
struct LogSeries {
  double c[11] = {};
  constexpr LogSeries() {
    for (int k = 0; k < 11; ++k) c[k] = 2.0 / (2 * k + 1);
  }
};

/// e^x from basic arithmetic only (|relative error| < 1e-15 for |x| < 700); 0 below -745,
/// +inf above 709.7.
inline double portableExp(double x) {
  if (x != x) return x;
  if (x < -745.0) return 0.0;
  if (x > 709.7) return HUGE_VAL;
  // x = k ln2 + r with |r| <= ln2/2; ln2 split in two so k*ln2Hi is exact.
  double const k = std::floor(x / kLn2 + 0.5);
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  double const r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Taylor series to r^13 / 13! (Horner): truncation below 1e-17 for |r| <= 0.35.
  constexpr ExpSeries kSeries{};
  double sum = kSeries.c[13];
  for (int n = 12; n >= 0; --n) sum = sum * r + kSeries.c[n];
  return std::ldexp(sum, static_cast<int>(k));
}

/// Natural logarithm from basic arithmetic only (|error| < 3e-16 relative); -inf at 0,
/// NaN below 0.
inline double portableLog(double x) {
  if (x != x || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -HUGE_VAL;
  if (x == HUGE_VAL) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m 2^e, m in [0.5, 1): exact
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  // ln m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: the series to s^21 is exact to 1e-17.
  double const s = (m - 1.0) / (m + 1.0);
  double const s2 = s * s;
  constexpr LogSeries kSeries{};
  double sum = kSeries.c[10];
  for (int n = 9; n >= 0; --n) sum = sum * s2 + kSeries.c[n];
  return s * sum + e * kLn2;
}

/// 10^x from basic arithmetic only.
inline double portablePow10(double x) {
  return portableExp(x * kLn10);
}

/// atan(x) from basic arithmetic and sqrt only (|error| < 1e-16 absolute).
inline double portableAtan(double x) {
  if (x != x) return x;
  bool const negative = x < 0;
  double t = negative ? -x : x;
  bool const inverted = t > 1.0;
  if (inverted) t = 1.0 / t;
  // atan t = 2 atan(t / (1 + sqrt(1 + t^2))): three halvings bring t <= 1 under 0.1.
  int halvings = 0;
  while (t > 0.1) {
    t = t / (1.0 + std::sqrt(1.0 + t * t));
    ++halvings;
  }
  double const t2 = t * t;
  double power = t;
  double sum = 0.0;
  for (int n = 1; n <= 31; n += 2) {  // t^33/33 < 1e-34
    sum += ((n / 2) % 2 == 0 ? power : -power) / n;
    power *= t2;
  }
  sum = std::ldexp(sum, halvings);
  if (inverted) sum = kPi / 2 - sum;
  return negative ? -sum : sum;
}

/// asin(x) for |x| <= 1 from basic arithmetic and sqrt only.
inline double portableAsin(double x) {
  if (x >= 1.0) return kPi / 2;
  if (x <= -1.0) return -kPi / 2;
  return portableAtan(x / std::sqrt((1.0 - x) * (1.0 + x)));
}

}  // namespace detail

/// Independent random streams of one spectrum (a stream per purpose, so that drawing one
/// more number for, say, the noise never changes the labels).
enum class Stream : std::uint64_t {
  Labels = 1,   ///< layout, class, outlier kind
  Physics = 2,  ///< sky position, grid, star, H-alpha profile
  Noise = 3,    ///< photon noise
  Mask = 4,     ///< masked pixels
  Outlier = 5,  ///< the defect of an outlier
  Meta = 6,     ///< date, sky spectrum and other header-only values
};

/// xoshiro256** generator (Blackman & Vigna) whose state is filled by splitmix64 from a
/// hash of (seed, index, stream). Cheap to create: one per spectrum and stream.
class Rng {
public:
  /// Generator for spectrum `index` of a run with `seed`, on stream `stream`.
  Rng(std::uint64_t seed, std::uint64_t index, Stream stream) {
    std::uint64_t state = detail::mix64(seed ^ 0x76f8c0e9a5a5f00dULL);
    state = detail::mix64(state ^ detail::mix64(index));
    state = detail::mix64(state ^ (static_cast<std::uint64_t>(stream) * 0xd1b54a32d192ed03ULL));
    for (auto& word : _s) {
      state += 0x9e3779b97f4a7c15ULL;  // splitmix64 sequence
      word = detail::mix64(state - 0x9e3779b97f4a7c15ULL);
    }
  }

  /// Next 64 random bits.
  std::uint64_t next() {
    std::uint64_t const result = rotl(_s[1] * 5, 7) * 9;
    std::uint64_t const t = _s[1] << 17;
    _s[2] ^= _s[0];
    _s[3] ^= _s[1];
    _s[1] ^= _s[2];
    _s[0] ^= _s[3];
    _s[2] ^= t;
    _s[3] = rotl(_s[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// Log-uniform double in [lo, hi), both > 0.
  double logUniform(double lo, double hi) {
    return lo * detail::portableExp(uniform() * detail::portableLog(hi / lo));
  }

  /// Uniform integer in [0, n) for n >= 1 (rejection sampling, no modulo bias).
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t const limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
  }

  /// True with probability p.
  bool bernoulli(double p) { return uniform() < p; }

  /// Standard normal deviate (Marsaglia's polar method; the spare deviate is kept).
  double normal() {
    if (_hasSpare) {
      _hasSpare = false;
      return _spare;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double const factor = std::sqrt(-2.0 * detail::portableLog(s) / s);
    _spare = v * factor;
    _hasSpare = true;
    return u * factor;
  }

  /// Normal deviate with the given mean and standard deviation.
  double normal(double mean, double sigma) { return mean + sigma * normal(); }

  /// Index drawn with probability proportional to `weights` (non-negative). When all
  /// weights are zero every index is equally likely.
  template <std::size_t N>
  std::size_t pick(std::array<double, N> const& weights) {
    double total = 0;
    for (double w : weights) total += w > 0 ? w : 0;
    if (!(total > 0)) return static_cast<std::size_t>(below(N));
    double const target = uniform() * total;
    double cumulative = 0;
    std::size_t last = 0;
    for (std::size_t i = 0; i < N; ++i) {
      if (!(weights[i] > 0)) continue;
      cumulative += weights[i];
      last = i;
      if (target < cumulative) return i;
    }
    return last;  // rounding left target == total
  }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<std::uint64_t, 4> _s{};
  double _spare = 0;
  bool _hasSpare = false;
};

}  // namespace vocloud::synth
