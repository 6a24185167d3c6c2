// Wavelet transforms: the Haar values pywt's documentation gives, round trips and energy
// conservation for Haar and db2 at several levels, db2's two vanishing moments, padding and
// coefficient selection.
#include "spectral/wavelet.hpp"

#include "core/error.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

namespace pre = vocloud::spectral;
namespace tt = boost::test_tools;

namespace {

std::vector<double> randomSignal(std::size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<double> normal(3.0, 5.0);
  std::vector<double> x(n);
  for (auto& v : x) v = normal(random);
  return x;
}

double energy(std::vector<double> const& x) {
  return std::inner_product(x.begin(), x.end(), x.begin(), 0.0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(preprocess_wavelet)

BOOST_AUTO_TEST_CASE(haar_values_of_the_pywt_documentation) {
  // pywt.wavedec([1, 2, 3, 4, 5, 6, 7, 8], 'db1', level=2):
  // cA2 = [5, 13], cD2 = [-2, -2], cD1 = [-0.7071...] * 4
  std::vector<double> const x = {1, 2, 3, 4, 5, 6, 7, 8};
  auto const c = pre::dwtForward(x, pre::Wavelet::Haar, 2);
  double const r = 1.0 / std::sqrt(2.0);
  std::vector<double> const expected = {5, 13, -2, -2, -r, -r, -r, -r};
  for (std::size_t i = 0; i < 8; ++i) BOOST_TEST(c[i] == expected[i], tt::tolerance(1e-14));
  // one more level: (5 ± 13) / sqrt 2
  auto const c3 = pre::dwtForward(x, pre::Wavelet::Haar, 3);
  BOOST_TEST(c3[0] == 18.0 * r, tt::tolerance(1e-14));
  BOOST_TEST(c3[1] == -8.0 * r, tt::tolerance(1e-14));
  // pywt.dwt([1, 2, 3, 4], 'haar'): cA = [2.1213, 4.9497], cD = [-0.7071, -0.7071]
  auto const c1 = pre::dwtForward({1, 2, 3, 4}, pre::Wavelet::Haar, 1);
  BOOST_TEST(c1[0] == 3.0 * r, tt::tolerance(1e-14));
  BOOST_TEST(c1[1] == 7.0 * r, tt::tolerance(1e-14));
  BOOST_TEST(c1[2] == -r, tt::tolerance(1e-14));
  BOOST_TEST(c1[3] == -r, tt::tolerance(1e-14));
  BOOST_TEST(pre::dwtForward(x, pre::Wavelet::Haar, 0) == x, tt::per_element());
}

BOOST_AUTO_TEST_CASE(round_trips_and_energy_for_haar_and_db2) {
  for (auto wavelet : {pre::Wavelet::Haar, pre::Wavelet::Daubechies4}) {
    for (std::size_t n : {2u, 8u, 64u, 96u, 1024u, 3000u}) {
      auto const x = randomSignal(n, static_cast<unsigned>(n));
      for (int levels = 1; levels <= pre::maxDwtLevels(n); ++levels) {
        BOOST_TEST_CONTEXT(pre::waveletName(wavelet) << " n=" << n << " levels=" << levels) {
          auto const c = pre::dwtForward(x, wavelet, levels);
          BOOST_TEST(energy(c) == energy(x), tt::tolerance(1e-12));
          auto const back = pre::dwtInverse(c, wavelet, levels);
          double worst = 0;
          for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(back[i] - x[i]));
          BOOST_TEST(worst < 1e-11);
        }
      }
    }
  }
  BOOST_TEST(pre::maxDwtLevels(3000) == 3);
  BOOST_TEST(pre::maxDwtLevels(1024) == 10);
  BOOST_TEST(pre::maxDwtLevels(7) == 0);
}

BOOST_AUTO_TEST_CASE(db2_details_of_a_straight_line_vanish) {
  // two vanishing moments: first-level details of a ramp are zero except where the
  // periodic wrap joins its ends: d[k] reads x[2k+2], ..., x[2k-1], so d[0] reads x[-1] and
  // d[15] reads x[32], both wrapped
  std::vector<double> ramp(32);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = 2.0 + 0.5 * i;
  auto const c = pre::dwtForward(ramp, pre::Wavelet::Daubechies4, 1);
  BOOST_TEST(std::abs(c[16]) > 1.0);
  BOOST_TEST(std::abs(c[31]) > 1.0);
  for (std::size_t k = 17; k < 31; ++k) BOOST_TEST(std::abs(c[k]) < 1e-12);
  // Haar has one: a constant has zero details
  auto const h = pre::dwtForward(std::vector<double>(16, 3.0), pre::Wavelet::Haar, 4);
  BOOST_TEST(h[0] == 12.0, tt::tolerance(1e-14));  // 3 * sqrt(16)
  for (std::size_t k = 1; k < 16; ++k) BOOST_TEST(std::abs(h[k]) < 1e-14);
}

BOOST_AUTO_TEST_CASE(lengths_must_suit_the_levels_or_be_padded) {
  std::vector<double> const x = {1, 2, 3, 4, 5, 6};
  BOOST_CHECK_THROW(pre::dwtForward(x, pre::Wavelet::Haar, 2), vocloud::Error);
  BOOST_CHECK_THROW(pre::dwtForward(x, pre::Wavelet::Haar, -1), vocloud::Error);
  BOOST_CHECK_THROW(pre::dwtInverse({1, 2, 3}, pre::Wavelet::Daubechies4, 1), vocloud::Error);
  auto const padded = pre::padForDwt(x, 2);
  std::vector<double> const expected = {1, 2, 3, 4, 5, 6, 6, 5};
  BOOST_TEST(padded == expected, tt::per_element());
  BOOST_TEST(pre::padForDwt(x, 1) == x, tt::per_element());
  BOOST_TEST(pre::padForDwt({1, 2}, 3).size() == 8u);
  auto const back = pre::dwtInverse(pre::dwtForward(padded, pre::Wavelet::Daubechies4, 2),
                                    pre::Wavelet::Daubechies4, 2);
  for (std::size_t i = 0; i < x.size(); ++i) BOOST_TEST(back[i] == x[i], tt::tolerance(1e-12));
  BOOST_TEST((pre::parseWavelet("db2") == pre::Wavelet::Daubechies4));
  BOOST_TEST((pre::parseWavelet("haar") == pre::Wavelet::Haar));
  BOOST_CHECK_THROW(pre::parseWavelet("sym5"), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(coefficient_selection) {
  auto const x = randomSignal(64, 5);
  int const levels = 4;
  auto const c = pre::dwtForward(x, pre::Wavelet::Daubechies4, levels);

  pre::WaveletSelection prefix;
  prefix.mode = pre::WaveletSelection::Mode::ApproximationAndDetails;
  prefix.detailLevels = 1;  // approximation(4) + detail(4): 4 + 4 values
  BOOST_TEST(pre::selectedPrefixLength(64, levels, 1) == 8u);
  auto const kept = pre::selectCoefficients(c, 64, levels, prefix);
  for (std::size_t i = 0; i < 64; ++i) BOOST_TEST(kept[i] == (i < 8 ? c[i] : 0.0));
  // all levels kept: the original back
  prefix.detailLevels = levels;
  auto const all = pre::dwtInverse(pre::selectCoefficients(c, 64, levels, prefix),
                                   pre::Wavelet::Daubechies4, levels);
  for (std::size_t i = 0; i < 64; ++i) BOOST_TEST(all[i] == x[i], tt::tolerance(1e-10));
  // approximation only of a constant-plus-nothing signal reconstructs it exactly
  prefix.detailLevels = 0;
  std::vector<double> const flat(64, 2.5);
  auto const flatBack =
      pre::dwtInverse(pre::selectCoefficients(pre::dwtForward(flat, pre::Wavelet::Haar, levels), 64,
                                              levels, prefix),
                      pre::Wavelet::Haar, levels);
  for (double v : flatBack) BOOST_TEST(v == 2.5, tt::tolerance(1e-12));

  pre::WaveletSelection largest;
  largest.mode = pre::WaveletSelection::Mode::Largest;
  largest.count = 3;
  std::vector<double> const small = {0.5, -7, 2, 7, 0, -1, 3, 0.1};
  auto const top = pre::selectCoefficients(small, 8, 1, largest);
  std::vector<double> const expected = {0, -7, 0, 7, 0, 0, 3, 0};  // ties keep the lower index
  BOOST_TEST(top == expected, tt::per_element());
  largest.count = 100;
  BOOST_TEST(pre::selectCoefficients(small, 8, 1, largest) == small, tt::per_element());
  // reconstruction error falls as more coefficients are kept
  double previous = 1e300;
  for (int count : {4, 16, 32, 64}) {
    largest.count = count;
    auto const back = pre::dwtInverse(pre::selectCoefficients(c, 64, levels, largest),
                                      pre::Wavelet::Daubechies4, levels);
    double error = 0;
    for (std::size_t i = 0; i < 64; ++i) error += (back[i] - x[i]) * (back[i] - x[i]);
    BOOST_TEST(error <= previous);
    previous = error;
  }
  BOOST_TEST(previous < 1e-18);

  BOOST_CHECK_THROW(pre::selectCoefficients(c, 63, levels, largest), vocloud::Error);
  prefix.detailLevels = levels + 1;
  BOOST_CHECK_THROW(pre::selectCoefficients(c, 64, levels, prefix), vocloud::Error);
  largest.count = -1;
  BOOST_CHECK_THROW(pre::selectCoefficients(c, 64, levels, largest), vocloud::Error);
}

BOOST_AUTO_TEST_SUITE_END()
