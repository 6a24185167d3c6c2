// Normalisations' invariants (L2 norm 1, z-score mean 0 / sd 1, min-max range [-1, 1],
// max |f| 1, S/N per pixel unchanged by scalings), the continuum of a polynomial spectrum
// with absorption and emission lines, running median, degenerate spectra as Unusable
// reasons; Gaussian smoothing; S/N estimates and rejection reasons.
#include "spectral/normalise.hpp"
#include "spectral/quality.hpp"
#include "spectral/smooth.hpp"
#include "spectral/unusable.hpp"

#include "core/error.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

namespace pre = vocloud::spectral;
namespace tt = boost::test_tools;

namespace {

pre::NormaliseOptions kindOf(pre::Normalisation kind) {
  pre::NormaliseOptions options;
  options.kind = kind;
  return options;
}

// A noisy spectrum with one masked outlier (index 7, value 1e6) that must not count.
struct Sample {
  std::vector<float> flux, ivar;
  std::vector<std::uint8_t> mask;
  std::vector<double> wave;
};

Sample sample() {
  Sample s;
  std::mt19937 random(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int i = 0; i < 500; ++i) {
    s.wave.push_back(4000 + 2.0 * i);
    s.flux.push_back(10.0f + 3.0f * std::sin(i * 0.05f) + noise(random));
    s.ivar.push_back(1.0f + 0.01f * i);
    s.mask.push_back(0);
  }
  s.flux[7] = 1e6f;
  s.mask[7] = 1;
  return s;
}

bool hasReason(pre::Unusable const& e, char const* reason) {
  return e.reason() == reason;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(preprocess_normalise)

BOOST_AUTO_TEST_CASE(scalings_meet_their_invariants) {
  for (auto kind : {pre::Normalisation::Max, pre::Normalisation::L2, pre::Normalisation::ZScore,
                    pre::Normalisation::MinMax}) {
    BOOST_TEST_CONTEXT(pre::normalisationName(kind)) {
      Sample s = sample();
      Sample const before = s;
      pre::normalise(s.flux, s.ivar, s.mask, s.wave, kindOf(kind));
      double maxAbs = 0, sumSquares = 0, sum = 0, lo = 1e300, hi = -1e300;
      std::size_t n = 0;
      for (std::size_t i = 0; i < s.flux.size(); ++i) {
        if (s.mask[i] != 0) continue;
        double const f = s.flux[i];
        maxAbs = std::max(maxAbs, std::abs(f));
        sumSquares += f * f;
        sum += f;
        lo = std::min(lo, f);
        hi = std::max(hi, f);
        ++n;
      }
      double const mean = sum / n, sd = std::sqrt(sumSquares / n - mean * mean);
      if (kind == pre::Normalisation::Max) BOOST_TEST(maxAbs == 1.0, tt::tolerance(1e-6));
      if (kind == pre::Normalisation::L2)
        BOOST_TEST(std::sqrt(sumSquares) == 1.0, tt::tolerance(1e-5));
      if (kind == pre::Normalisation::ZScore) {
        BOOST_TEST(std::abs(mean) < 1e-5);
        BOOST_TEST(sd == 1.0, tt::tolerance(1e-5));
      }
      if (kind == pre::Normalisation::MinMax) {
        BOOST_TEST(lo == -1.0, tt::tolerance(1e-6));
        BOOST_TEST(hi == 1.0, tt::tolerance(1e-6));
      }
      // an affine map with scale s: the noise scales like the signal's deviations, so
      // (f - c) sqrt(ivar) / (f0 - c0) sqrt(ivar0) is the same at every pixel; for the pure
      // scalings (Max, L2) f sqrt(ivar) itself is unchanged
      if (kind == pre::Normalisation::Max || kind == pre::Normalisation::L2)
        for (std::size_t i = 0; i < s.flux.size(); ++i) {
          double const snr = s.flux[i] * std::sqrt(static_cast<double>(s.ivar[i]));
          double const snrBefore = before.flux[i] * std::sqrt(static_cast<double>(before.ivar[i]));
          BOOST_TEST(snr == snrBefore, tt::tolerance(1e-5));
        }
      // the masked pixel went through the same map
      BOOST_TEST(std::abs(s.flux[7]) > 10.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(zscore_and_minmax_transform_ivar_consistently) {
  std::vector<float> flux = {1, 2, 3, 4, 5}, ivar = {4, 4, 4, 4, 4};
  std::vector<std::uint8_t> const mask;
  pre::normalise(flux, ivar, mask, {}, kindOf(pre::Normalisation::MinMax));
  // [1, 5] -> [-1, 1]: scale 2, so sigma 0.5 becomes 0.25 and ivar 4 becomes 16
  std::vector<float> const expected = {-1, -0.5, 0, 0.5, 1};
  BOOST_TEST(flux == expected, tt::per_element());
  BOOST_TEST(ivar[0] == 16.0f);
  std::vector<float> z = {1, 2, 3, 4, 5}, zivar = {1, 1, 1, 1, 1};
  pre::normalise(z, zivar, mask, {}, kindOf(pre::Normalisation::ZScore));
  // population sd of 1..5 is sqrt(2)
  BOOST_TEST(z[4] == 2.0f / std::sqrt(2.0f), tt::tolerance(1e-6f));
  BOOST_TEST(zivar[0] == 2.0f, tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(continuum_of_a_polynomial_spectrum_with_lines_is_one) {
  std::vector<double> wave;
  std::vector<float> flux, ivar;
  std::vector<std::uint8_t> mask;
  double const lines[] = {4340.5, 4861.3, 5175.0, 5890.0, 6562.8};  // absorption, 50 % deep
  double const emission = 5500.0;                                   // emission, +80 %
  auto continuum = [](double lambda) {
    double const x = (lambda - 5500.0) / 1500.0;
    return 100.0 * (1.0 + 0.3 * x - 0.2 * x * x + 0.1 * x * x * x);
  };
  auto nearLine = [&](double lambda) {
    for (double l : lines)
      if (std::abs(lambda - l) < 20) return true;
    return std::abs(lambda - emission) < 20;
  };
  for (double lambda = 4000; lambda <= 7000; lambda += 1.0) {
    double profile = 1.0;
    for (double l : lines) profile -= 0.5 * std::exp(-0.5 * std::pow((lambda - l) / 3.0, 2));
    profile += 0.8 * std::exp(-0.5 * std::pow((lambda - emission) / 3.0, 2));
    wave.push_back(lambda);
    flux.push_back(static_cast<float>(continuum(lambda) * profile));
    ivar.push_back(1.0f);
    mask.push_back(0);
  }
  pre::NormaliseOptions options = kindOf(pre::Normalisation::Continuum);
  options.iterations = 10;
  auto const fit = pre::fitContinuum(flux, mask, wave, options);
  pre::normalise(flux, ivar, mask, wave, options);
  double worst = 0;
  for (std::size_t i = 0; i < wave.size(); ++i) {
    if (!nearLine(wave[i])) worst = std::max(worst, std::abs(flux[i] - 1.0));
    BOOST_TEST(fit[i] == continuum(wave[i]), tt::tolerance(2e-3));
    BOOST_TEST(ivar[i] == static_cast<float>(fit[i] * fit[i]), tt::tolerance(1e-5f));
  }
  BOOST_TEST(worst < 2e-3, "largest deviation from 1 away from the lines: " << worst);
  // the lines stay lines
  BOOST_TEST(flux[6562.8 - 4000] < 0.55f);
  BOOST_TEST(flux[5500 - 4000] > 1.75f);
  // a plain polynomial is returned exactly (no clipping of rounding noise)
  std::vector<float> smooth(wave.size()), smoothIvar;
  for (std::size_t i = 0; i < wave.size(); ++i) smooth[i] = static_cast<float>(continuum(wave[i]));
  pre::normalise(smooth, smoothIvar, mask, wave, options);
  for (float f : smooth) BOOST_TEST(f == 1.0f, tt::tolerance(1e-5f));
}

BOOST_AUTO_TEST_CASE(running_median_flattens_a_constant_with_a_line) {
  std::vector<float> flux(400, 2.0f), ivar;
  for (int i = 195; i < 205; ++i) flux[static_cast<std::size_t>(i)] = 0.5f;
  std::vector<std::uint8_t> mask(400, 0);
  for (int i = 0; i < 120; ++i) mask[static_cast<std::size_t>(i)] = 1;  // a masked stretch
  pre::NormaliseOptions options = kindOf(pre::Normalisation::RunningMedian);
  options.medianWindow = 51;
  pre::normalise(flux, ivar, mask, {}, options);
  for (std::size_t i = 0; i < flux.size(); ++i)
    BOOST_TEST(flux[i] == (i >= 195 && i < 205 ? 0.25f : 1.0f));
  options.medianWindow = 50;
  BOOST_CHECK_THROW(pre::normalise(flux, ivar, mask, {}, options), vocloud::Error);
  // median of an even count averages the middle two
  auto const med = pre::runningMedian({1, 3, 5, 7}, {}, 3);
  BOOST_TEST(med[0] == 2.0);
  BOOST_TEST(med[1] == 3.0);
}

BOOST_AUTO_TEST_CASE(degenerate_spectra_are_unusable_with_a_reason) {
  std::vector<float> ivar;
  std::vector<std::uint8_t> const none;
  std::vector<double> const wave = {1, 2, 3, 4};
  auto attempt = [&](std::vector<float> flux, pre::Normalisation kind,
                     std::vector<std::uint8_t> const& mask, char const* reason) {
    BOOST_TEST_CONTEXT(pre::normalisationName(kind) << " -> " << reason) {
      BOOST_CHECK_EXCEPTION(
          pre::normalise(flux, ivar, mask, wave, kindOf(kind)), pre::Unusable, [&](auto const& e) {
            return hasReason(e, reason) && std::string(e.what()).rfind("preprocess: ", 0) == 0;
          });
    }
  };
  attempt({3, 3, 3, 3}, pre::Normalisation::ZScore, none, "flat_spectrum");
  attempt({3, 3, 3, 3}, pre::Normalisation::MinMax, none, "flat_spectrum");
  attempt({0, 0, 0, 0}, pre::Normalisation::Max, none, "zero_flux");
  attempt({0, 0, 0, 0}, pre::Normalisation::L2, none, "zero_flux");
  attempt({1, 2, 3, 4}, pre::Normalisation::L2, {1, 1, 1, 1}, "all_masked");
  attempt({-1, -2, -3, -4}, pre::Normalisation::Continuum, none, "nonpositive_continuum");
  attempt({1, 2, 3, 4}, pre::Normalisation::Continuum, {1, 1, 0, 0}, "too_few_pixels");
  attempt({-1, -2, -3, -4}, pre::Normalisation::RunningMedian, none, "nonpositive_continuum");
  // a flat spectrum with one masked deviant pixel is still flat
  attempt({3, 3, 9, 3}, pre::Normalisation::ZScore, {0, 0, 1, 0}, "flat_spectrum");
}

BOOST_AUTO_TEST_CASE(names_parse_back) {
  for (auto kind : {pre::Normalisation::None, pre::Normalisation::Continuum,
                    pre::Normalisation::RunningMedian, pre::Normalisation::Max,
                    pre::Normalisation::L2, pre::Normalisation::ZScore, pre::Normalisation::MinMax})
    BOOST_TEST((pre::parseNormalisation(pre::normalisationName(kind)) == kind));
  BOOST_CHECK_THROW(pre::parseNormalisation("median"), vocloud::Error);
  std::vector<float> flux = {1, 2}, ivar;
  pre::normalise(flux, ivar, {}, {}, kindOf(pre::Normalisation::None));
  BOOST_TEST(flux[1] == 2.0f);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(preprocess_smooth)

BOOST_AUTO_TEST_CASE(gaussian_smoothing_preserves_the_sum_in_the_interior) {
  std::vector<float> flux(200, 0.0f);
  flux[100] = 10.0f;
  flux[120] = -4.0f;
  flux[60] = 3.0f;
  pre::gaussianSmooth(flux, 2.5);
  double const sum = std::accumulate(flux.begin(), flux.end(), 0.0);
  BOOST_TEST(sum == 9.0, tt::tolerance(1e-6));
  // the peak of a smoothed spike is 10 / Σ_k exp(-k^2 / 2σ^2) (the others are > 4σ away)
  double norm = 0;
  for (int k = -10; k <= 10; ++k) norm += std::exp(-0.5 * k * k / 6.25);
  BOOST_TEST(flux[100] == 10.0 / norm, tt::tolerance(1e-6));
  BOOST_TEST(flux[99] == flux[101], tt::tolerance(1e-6f));
  // truncated at 4σ: nothing beyond ceil(10) pixels of a spike
  std::vector<float> spike(50, 0.0f);
  spike[25] = 1.0f;
  pre::gaussianSmooth(spike, 2.5);
  BOOST_TEST(spike[14] == 0.0f);
  BOOST_TEST(spike[15] > 0.0f);
  // renormalised at the edges: a constant stays constant everywhere
  std::vector<float> constant(30, 7.0f);
  pre::gaussianSmooth(constant, 4.0);
  for (float f : constant) BOOST_TEST(f == 7.0f, tt::tolerance(1e-6f));
  std::vector<float> same = {1, 5, 2};
  pre::gaussianSmooth(same, 0.0);
  BOOST_TEST(same[1] == 5.0f);
  BOOST_CHECK_THROW(pre::gaussianSmooth(same, -1.0), vocloud::Error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(preprocess_quality)

BOOST_AUTO_TEST_CASE(snr_from_ivar_is_the_median_of_f_sqrt_ivar) {
  std::vector<float> const flux = {10, 10, 20, 10, 1000}, ivar = {4, 4, 4, 0, 4};
  std::vector<std::uint8_t> const mask = {0, 0, 0, 0, 1};
  // good: 20, 20, 40 (pixel 3 has ivar 0, pixel 4 is masked)
  BOOST_TEST(pre::estimateSnr(flux, ivar, mask) == 20.0);
  BOOST_TEST(pre::estimateSnr(flux, ivar, {1, 1, 1, 1, 1}) == 0.0);
}

BOOST_AUTO_TEST_CASE(der_snr_recovers_the_noise_of_white_noise) {
  std::mt19937 random(11);
  std::normal_distribution<double> noise(0.0, 2.0);
  std::vector<float> flux(20000);
  for (auto& f : flux) f = static_cast<float>(100.0 + noise(random));
  // S/N = 100 / 2
  BOOST_TEST(pre::estimateSnr(flux, {}, {}) == 50.0, tt::tolerance(0.03));
  // a noiseless straight line has no second differences: infinite S/N
  std::vector<float> line(100);
  for (std::size_t i = 0; i < line.size(); ++i) line[i] = 5.0f + i;
  BOOST_TEST(std::isinf(pre::estimateSnr(line, {}, {})));
  BOOST_TEST(pre::estimateSnr({1, 2, 3, 4}, {}, {}) == 0.0);
  // by hand: flux 1 4 2 8 3 9 has signal median 3.5 and second differences
  // |2*2 - 1 - 3| = 0, |2*8 - 4 - 9| = 3, median 1.5
  double const expected = 3.5 / (0.6052697 * 1.5);
  BOOST_TEST(pre::estimateSnr({1, 4, 2, 8, 3, 9}, {}, {}) == expected, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(rejection_reasons_name_the_failure) {
  BOOST_TEST(pre::coverageRejection(0.9, 0.8).empty());
  BOOST_TEST(pre::coverageRejection(0.42, 0.8).rfind("low_coverage (0.420", 0) == 0u);
  BOOST_TEST(pre::snrRejection(3.1, 5).rfind("low_snr (S/N 3.1", 0) == 0u);
  BOOST_TEST(pre::snrRejection(3.1, 0).empty());
  BOOST_TEST(pre::nonFiniteRejection({1, std::nanf(""), 2}, {}) ==
             "non_finite_values (flux[1] = nan)");
  BOOST_TEST(pre::nonFiniteRejection({1, 2}, {1, std::numeric_limits<float>::infinity()}) ==
             "non_finite_values (ivar[1] = inf)");

  pre::Resampled r;
  r.flux = {10, 10, 10, 10};
  r.ivar = {1, 1, 1, 0};
  r.mask = {0, 0, 0, 1};
  r.coverage = 0.75;
  BOOST_TEST(pre::rejectionReason(r, {0.5, 5}).empty());
  BOOST_TEST(pre::rejectionReason(r, {0.8, 5}).rfind("low_coverage", 0) == 0u);
  BOOST_TEST(pre::rejectionReason(r, {0.5, 20}).rfind("low_snr", 0) == 0u);
  r.flux[3] = std::nanf("");
  BOOST_TEST(pre::rejectionReason(r, {0.8, 20}).rfind("non_finite_values", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
