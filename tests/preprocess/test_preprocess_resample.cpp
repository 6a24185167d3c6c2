// Flux-conserving rebinning and linear interpolation on hand-made spectra: constants stay
// constant, integrals are conserved on coarser, finer, offset and log grids, a 3-pixel case
// computed by hand, masks and coverage; fillMissing's interpolation over gaps.
#include "spectral/resample.hpp"
#include "spectral/unusable.hpp"

#include "core/error.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace pre = vocloud::spectral;
namespace tt = boost::test_tools;

namespace {

std::vector<float> const kNoIvar;
std::vector<std::uint32_t> const kNoMask;

// ∫ f dλ of a resampled spectrum over its good pixels: Σ f_j (E_j+1 - E_j).
double integral(pre::Resampled const& r, pre::Grid const& grid) {
  auto const edges = pre::pixelEdges(grid);
  double sum = 0;
  for (std::size_t j = 0; j < r.flux.size(); ++j)
    if (r.mask[j] == 0) sum += r.flux[j] * (edges[j + 1] - edges[j]);
  return sum;
}

bool hasReason(pre::Unusable const& e, char const* reason) {
  return e.reason() == reason;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(preprocess_resample)

BOOST_AUTO_TEST_CASE(constant_spectrum_stays_constant) {
  // SDSS-like log sampling onto a linear grid, with unit ivar 4
  auto const input = pre::makeGrid(3800, 9200, true, 0, 1e-4);
  std::vector<float> const flux(input.wave.size(), 5.0f), ivar(input.wave.size(), 4.0f);
  for (double step : {0.5, 2.5, 10.0}) {
    auto const grid = pre::makeGrid(4000, 9000, false, 0, step);
    auto const out = pre::rebinFluxConserving(input.wave, flux, ivar, kNoMask, grid);
    BOOST_TEST(out.coverage == 1.0);
    for (std::size_t j = 0; j < out.flux.size(); ++j) {
      BOOST_TEST(out.flux[j] == 5.0f, tt::tolerance(1e-6f));
      BOOST_TEST(out.mask[j] == 0);
      // averaging several input pixels can only lower the variance
      BOOST_TEST(out.ivar[j] >= 4.0f * (1 - 1e-6f));
    }
  }
}

BOOST_AUTO_TEST_CASE(top_hat_integral_is_conserved_on_any_grid) {
  // 1 Å pixels centred on 1000.5 ... 1099.5, flux 1 on [1040, 1060]: ∫ = 20
  std::vector<double> wave;
  std::vector<float> flux;
  for (int i = 0; i < 100; ++i) {
    wave.push_back(1000.5 + i);
    flux.push_back(i >= 40 && i < 60 ? 1.0f : 0.0f);
  }
  std::vector<pre::Grid> const grids = {
      pre::makeGrid(1002, 1098, false, 0, 3.0),      // coarser, edges not on input edges
      pre::makeGrid(1001, 1099, false, 0, 0.3),      // finer
      pre::makeGrid(1001.37, 1098.37, false, 0, 1),  // same width, offset
      pre::makeGrid(1005, 1090, false, 0, 7.77),     // much coarser
      pre::makeGrid(1002, 1098, true, 0, 3e-4),      // logarithmic
  };
  for (auto const& grid : grids) {
    auto const out = pre::rebinFluxConserving(wave, flux, kNoIvar, kNoMask, grid);
    BOOST_TEST(out.ivar.empty());
    BOOST_TEST(out.coverage == 1.0);
    BOOST_TEST(integral(out, grid) == 20.0, tt::tolerance(1e-6));
  }
  // a run of output pixels conserves the input's integral over the same range:
  // output edges lie on .25 and .75, so [1035.25, 1045.25] holds 5.25 Å of the top hat
  auto const grid = pre::makeGrid(1001, 1099, false, 0, 0.5);
  auto const out = pre::rebinFluxConserving(wave, flux, kNoIvar, kNoMask, grid);
  auto const edges = pre::pixelEdges(grid);
  double partial = 0;
  for (std::size_t j = 0; j < grid.wave.size(); ++j)
    if (edges[j] >= 1035.25 && edges[j + 1] <= 1045.25)
      partial += out.flux[j] * (edges[j + 1] - edges[j]);
  BOOST_TEST(partial == 5.25, tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(three_pixel_case_by_hand) {
  // input pixels [0.5,1.5] [1.5,2.5] [2.5,3.5], flux 1 2 4, ivar 1 1 4;
  // output centres 1.25, 2.75 -> pixels [0.5,2.0] [2.0,3.5]
  std::vector<double> const wave = {1, 2, 3};
  std::vector<float> const flux = {1, 2, 4}, ivar = {1, 1, 4};
  pre::Grid const grid{{1.25, 2.75}, false};
  auto const out = pre::rebinFluxConserving(wave, flux, ivar, kNoMask, grid);
  // (1.0*1 + 0.5*2) / 1.5 and (0.5*2 + 1.0*4) / 1.5
  BOOST_TEST(out.flux[0] == 4.0f / 3.0f, tt::tolerance(1e-6f));
  BOOST_TEST(out.flux[1] == 10.0f / 3.0f, tt::tolerance(1e-6f));
  // 1.5^2 / (1^2/1 + 0.5^2/1) and 1.5^2 / (0.5^2/1 + 1^2/4)
  BOOST_TEST(out.ivar[0] == 1.8f, tt::tolerance(1e-6f));
  BOOST_TEST(out.ivar[1] == 4.5f, tt::tolerance(1e-6f));
  // ∫ = 1 + 2 + 4
  BOOST_TEST(out.flux[0] * 1.5 + out.flux[1] * 1.5 == 7.0, tt::tolerance(1e-6));
  BOOST_TEST(out.coverage == 1.0);

  // the middle pixel masked: each output keeps only its good part
  auto const masked = pre::rebinFluxConserving(wave, flux, ivar, {0, 1, 0}, grid);
  BOOST_TEST(masked.flux[0] == 1.0f);
  BOOST_TEST(masked.flux[1] == 4.0f);
  BOOST_TEST(masked.ivar[0] == 1.0f);
  BOOST_TEST(masked.ivar[1] == 4.0f);
  // ivar 0 and non-finite flux are bad pixels too
  auto const zeroIvar = pre::rebinFluxConserving(wave, flux, {1, 0, 4}, kNoMask, grid);
  BOOST_TEST(zeroIvar.flux[0] == 1.0f);
  auto const nanFlux = pre::rebinFluxConserving(wave, {1, std::nanf(""), 4}, ivar, kNoMask, grid);
  BOOST_TEST(nanFlux.flux[1] == 4.0f);

  // descending input: the same result
  auto const reversed = pre::rebinFluxConserving({3, 2, 1}, {4, 2, 1}, {4, 1, 1}, kNoMask, grid);
  BOOST_TEST(reversed.flux == out.flux, tt::per_element());
  BOOST_TEST(reversed.ivar == out.ivar, tt::per_element());
}

BOOST_AUTO_TEST_CASE(output_beyond_the_input_is_missing) {
  std::vector<double> const wave = {1, 2, 3};
  std::vector<float> const flux = {1, 2, 4};
  // output pixels of width 1 centred on 0 ... 5: only [0.5,1.5] [1.5,2.5] [2.5,3.5] lie
  // inside the input's [0.5, 3.5]
  pre::Grid const grid{{0, 1, 2, 3, 4, 5}, false};
  auto const out = pre::rebinFluxConserving(wave, flux, kNoIvar, kNoMask, grid);
  std::vector<std::uint8_t> const expectedMask = {1, 0, 0, 0, 1, 1};
  BOOST_TEST(out.mask == expectedMask, tt::per_element());
  BOOST_TEST(out.coverage == 0.5);
  BOOST_TEST(out.flux[1] == 1.0f);
  BOOST_TEST(out.flux[3] == 4.0f);
  BOOST_TEST(out.flux[0] == 0.0f);

  // everything masked: no coverage, no exception until fillMissing
  auto const none = pre::rebinFluxConserving(wave, flux, kNoIvar, {1, 1, 1}, grid);
  BOOST_TEST(none.coverage == 0.0);
}

BOOST_AUTO_TEST_CASE(unusable_inputs_and_errors) {
  pre::Grid const grid{{1.5, 2.5}, false};
  BOOST_CHECK_EXCEPTION(pre::rebinFluxConserving({1, 3, 2}, {1, 1, 1}, kNoIvar, kNoMask, grid),
                        pre::Unusable,
                        [](auto const& e) { return hasReason(e, "unsorted_wavelengths"); });
  BOOST_CHECK_EXCEPTION(pre::rebinFluxConserving({1}, {1}, kNoIvar, kNoMask, grid), pre::Unusable,
                        [](auto const& e) { return hasReason(e, "too_few_pixels"); });
  BOOST_CHECK_EXCEPTION(
      pre::interpolateLinear({1, std::nan(""), 3}, {1, 1, 1}, kNoIvar, kNoMask, grid),
      pre::Unusable, [](auto const& e) { return hasReason(e, "non_finite_wavelength"); });
  // length mismatches are programming errors, not unusable spectra
  try {
    pre::rebinFluxConserving({1, 2, 3}, {1, 1}, kNoIvar, kNoMask, grid);
    BOOST_ERROR("no exception");
  } catch (pre::Unusable const&) {
    BOOST_ERROR("a length mismatch is not Unusable");
  } catch (vocloud::Error const& e) {
    BOOST_TEST(std::string(e.what()).rfind("preprocess: ", 0) == 0u);
  }
  BOOST_CHECK_THROW(
      pre::rebinFluxConserving({1, 2, 3}, {1, 1, 1}, kNoIvar, kNoMask, pre::Grid{{2}, false}),
      vocloud::Error);
}

BOOST_AUTO_TEST_CASE(interpolation_is_exact_on_linear_functions) {
  // irregular input sampling, f = 3 + 0.01 λ
  std::vector<double> wave;
  std::vector<float> flux, ivar;
  double lambda = 5000;
  for (int i = 0; i < 300; ++i) {
    wave.push_back(lambda);
    flux.push_back(static_cast<float>(3 + 0.01 * lambda));
    ivar.push_back(1.0f);
    lambda += 0.7 + 0.5 * std::sin(i);
  }
  auto const grid = pre::makeGrid(5001, wave.back() - 1, false, 0, 0.37);
  auto const out = pre::interpolateLinear(wave, flux, ivar, kNoMask, grid);
  BOOST_TEST(out.coverage == 1.0);
  for (std::size_t j = 0; j < grid.wave.size(); ++j)
    BOOST_TEST(out.flux[j] == 3 + 0.01 * grid.wave[j], tt::tolerance(1e-6));

  // ivar propagation by hand: halfway between two unit-ivar pixels -> 1 / (0.25 + 0.25)
  auto const mid =
      pre::interpolateLinear({1, 2}, {0, 2}, {1, 1}, kNoMask, pre::Grid{{1.5, 2.0}, false});
  BOOST_TEST(mid.flux[0] == 1.0f);
  BOOST_TEST(mid.ivar[0] == 2.0f);
  // on an input centre only that pixel counts
  BOOST_TEST(mid.flux[1] == 2.0f);
  BOOST_TEST(mid.ivar[1] == 1.0f);

  // a bad pixel makes the outputs that lean on it missing; outside the input too
  auto const gap = pre::interpolateLinear({1, 2, 3, 4}, {1, 2, 3, 4}, kNoIvar, {0, 0, 1, 0},
                                          pre::Grid{{0.5, 1.5, 2.0, 2.5, 3.5, 4.0, 4.5}, false});
  std::vector<std::uint8_t> const expectedMask = {1, 0, 0, 1, 1, 0, 1};
  BOOST_TEST(gap.mask == expectedMask, tt::per_element());
  BOOST_TEST(gap.flux[1] == 1.5f);
  BOOST_TEST(gap.flux[5] == 4.0f);
}

BOOST_AUTO_TEST_CASE(fill_missing_interpolates_over_gaps) {
  pre::Resampled r;
  r.flux = {0, 2, 0, 0, 8, 0};
  r.ivar = {5, 1, 5, 5, 1, 5};
  r.mask = {1, 0, 1, 1, 0, 1};
  r.coverage = 2.0 / 6.0;
  pre::fillMissing(r);
  std::vector<float> const expectedFlux = {2, 2, 4, 6, 8, 8}, expectedIvar = {0, 1, 0, 0, 1, 0};
  std::vector<std::uint8_t> const expectedMask = {1, 0, 1, 1, 0, 1};
  BOOST_TEST(r.flux == expectedFlux, tt::per_element());
  BOOST_TEST(r.ivar == expectedIvar, tt::per_element());
  BOOST_TEST(r.mask == expectedMask, tt::per_element());
  BOOST_TEST(r.coverage == 2.0 / 6.0);

  pre::Resampled none;
  none.flux = {1, 2};
  none.mask = {1, 1};
  BOOST_CHECK_EXCEPTION(pre::fillMissing(none), pre::Unusable,
                        [](auto const& e) { return hasReason(e, "no_coverage"); });
}

BOOST_AUTO_TEST_SUITE_END()
