// Grids (points and step rules, validation, pixel edges) and wavelength frames (air <->
// vacuum against published line wavelengths, round trips, rest frame, velocities).
#include "spectral/frames.hpp"
#include "spectral/grid.hpp"

#include "core/error.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>

namespace pre = vocloud::spectral;

namespace {

bool startsWithPreprocess(vocloud::Error const& e) {
  return std::string(e.what()).rfind("preprocess: ", 0) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(preprocess_grid)

BOOST_AUTO_TEST_CASE(linear_grid_by_points_and_by_step) {
  auto const byPoints = pre::makeGrid(4000, 5000, false, 11, 0);
  BOOST_TEST(!byPoints.logarithmic);
  BOOST_TEST_REQUIRE(byPoints.wave.size() == 11u);
  for (std::size_t i = 0; i < 11; ++i)
    BOOST_TEST(std::abs(byPoints.wave[i] - (4000.0 + 100.0 * i)) < 1e-9);

  // a range that is an exact multiple of the step keeps its end point
  auto const exact = pre::makeGrid(4000, 5000, false, 0, 100);
  BOOST_TEST(exact.wave.size() == 11u);
  BOOST_TEST(exact.wave.back() == 5000.0);
  // otherwise the last centre is the last one not beyond lambdaMax
  auto const partial = pre::makeGrid(4000, 5050, false, 0, 100);
  BOOST_TEST(partial.wave.size() == 11u);
  auto const fine = pre::makeGrid(4000, 4001, false, 0, 0.1);
  BOOST_TEST(fine.wave.size() == 11u);
}

BOOST_AUTO_TEST_CASE(log_grid_has_constant_ratio) {
  auto const grid = pre::makeGrid(4000, 8000, true, 0, 0.01);
  BOOST_TEST(grid.logarithmic);
  // floor(log10(2) / 0.01) + 1 = 31
  BOOST_TEST_REQUIRE(grid.wave.size() == 31u);
  BOOST_TEST(grid.wave.front() == 4000.0, boost::test_tools::tolerance(1e-12));
  double const ratio = std::pow(10.0, 0.01);
  for (std::size_t i = 1; i < grid.wave.size(); ++i)
    BOOST_TEST(grid.wave[i] / grid.wave[i - 1] == ratio, boost::test_tools::tolerance(1e-12));

  auto const byPoints = pre::makeGrid(4000, 8000, true, 5, 0);
  BOOST_TEST(byPoints.wave.front() == 4000.0);
  BOOST_TEST(byPoints.wave.back() == 8000.0);
  BOOST_TEST(byPoints.wave[2] == std::sqrt(4000.0 * 8000.0), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(invalid_grids_are_refused_clearly) {
  BOOST_CHECK_EXCEPTION(pre::makeGrid(5000, 4000, false, 10, 0), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(4000, 4000, false, 10, 0), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(0, 4000, true, 10, 0), vocloud::Error, startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(-1, 4000, false, 10, 0), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(std::nan(""), 4000, false, 10, 0), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(4000, 5000, false, 1, 0), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(4000, 5000, false, -3, 0), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(4000, 5000, false, 0, 0), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(4000, 5000, false, 0, -1), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(4000, 5000, false, 0, 2000), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(4000, 5000, false, 0, 1e-7), vocloud::Error,
                        startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::makeGrid(4000, 5000, true, 0, 1.0), vocloud::Error,
                        startsWithPreprocess);
}

BOOST_AUTO_TEST_CASE(pixel_edges_linear_and_logarithmic) {
  auto const linear = pre::pixelEdges({1.0, 2.0, 4.0});
  BOOST_TEST_REQUIRE(linear.size() == 4u);
  BOOST_TEST(linear[0] == 0.5);
  BOOST_TEST(linear[1] == 1.5);
  BOOST_TEST(linear[2] == 3.0);
  BOOST_TEST(linear[3] == 5.0);

  auto const logarithmic = pre::pixelEdges({1.0, 10.0, 100.0}, true);
  BOOST_TEST_REQUIRE(logarithmic.size() == 4u);
  double const expected[] = {std::pow(10.0, -0.5), std::pow(10.0, 0.5), std::pow(10.0, 1.5),
                             std::pow(10.0, 2.5)};
  for (int i = 0; i < 4; ++i)
    BOOST_TEST(logarithmic[i] == expected[i], boost::test_tools::tolerance(1e-13));

  auto const grid = pre::makeGrid(4000, 8000, true, 0, 0.01);
  auto const edges = pre::pixelEdges(grid);
  BOOST_TEST_REQUIRE(edges.size() == grid.wave.size() + 1);
  for (std::size_t i = 0; i < grid.wave.size(); ++i) {
    BOOST_TEST(edges[i] < grid.wave[i]);
    BOOST_TEST(edges[i + 1] > grid.wave[i]);
    // centre in the middle of its pixel in log λ
    BOOST_TEST(std::log(grid.wave[i] / edges[i]) == std::log(edges[i + 1] / grid.wave[i]),
               boost::test_tools::tolerance(1e-9));
  }

  BOOST_CHECK_EXCEPTION(pre::pixelEdges({1.0}), vocloud::Error, startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::pixelEdges({1.0, 3.0, 2.0}), vocloud::Error, startsWithPreprocess);
  BOOST_CHECK_EXCEPTION(pre::pixelEdges({-1.0, 3.0}, true), vocloud::Error, startsWithPreprocess);
}

BOOST_AUTO_TEST_CASE(log_sampling_is_recognised) {
  BOOST_TEST(pre::isLogSampled(pre::makeGrid(3700, 9100, true, 0, 1e-4).wave));
  BOOST_TEST(!pre::isLogSampled(pre::makeGrid(6280, 6730, false, 0, 0.25).wave));
  BOOST_TEST(!pre::isLogSampled({1.0, 2.0}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(preprocess_frames)

BOOST_AUTO_TEST_CASE(published_air_and_vacuum_wavelengths) {
  // Air wavelengths of the classic tables and the vacuum ones of the SDSS line list / NIST:
  // H-alpha, H-beta, [O III] 5007, Ca II K, [N II] 6583, Na I D2.
  struct Line {
    char const* name;
    double air, vacuum;
  };
  Line const lines[] = {{"H-alpha", 6562.80, 6564.61}, {"H-beta", 4861.33, 4862.68},
                        {"[O III]", 5006.84, 5008.24}, {"Ca II K", 3933.66, 3934.78},
                        {"[N II]", 6583.45, 6585.27},  {"Na I D2", 5889.95, 5891.58}};
  for (auto const& line : lines) {
    BOOST_TEST_CONTEXT(line.name) {
      BOOST_TEST(std::abs(pre::airToVacuum(line.air) - line.vacuum) < 0.015,
                 pre::airToVacuum(line.air));
      BOOST_TEST(std::abs(pre::vacuumToAir(line.vacuum) - line.air) < 0.015,
                 pre::vacuumToAir(line.vacuum));
    }
  }
}

BOOST_AUTO_TEST_CASE(air_vacuum_round_trip) {
  // from 2001 Å: just above 2000 Å the conversion jumps by 0.65 Å to the identity below
  double worst = 0;
  for (double vac = 2001.0; vac <= 25000.0; vac += 7.31) {
    worst = std::max(worst, std::abs(pre::airToVacuum(pre::vacuumToAir(vac)) - vac));
    worst = std::max(worst, std::abs(pre::vacuumToAir(pre::airToVacuum(vac)) - vac));
  }
  BOOST_TEST(worst < 1e-6, "worst round trip " << worst << " Å");
  // air wavelengths are shorter, by about 2.8e-4 of λ in the optical
  BOOST_TEST(pre::vacuumToAir(5000.0) < 5000.0);
  BOOST_TEST((5000.0 - pre::vacuumToAir(5000.0)) / 5000.0 == 2.79e-4,
             boost::test_tools::tolerance(0.01));
  // below 2000 Å both are the identity
  BOOST_TEST(pre::vacuumToAir(1500.0) == 1500.0);
  BOOST_TEST(pre::airToVacuum(1215.67) == 1215.67);
  std::vector<double> wave = {4861.33, 6562.80};
  pre::airToVacuum(wave);
  BOOST_TEST(wave[1] == pre::airToVacuum(6562.80));
  pre::vacuumToAir(wave);
  BOOST_TEST(std::abs(wave[0] - 4861.33) < 1e-8);
  BOOST_CHECK_THROW(pre::airToVacuum(-1.0), vocloud::Error);
  BOOST_CHECK_THROW(pre::vacuumToAir(std::nan("")), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(rest_frame_and_velocities) {
  std::vector<double> wave = {6000.0, 7000.0};
  pre::toRestFrame(wave, 0.5);
  BOOST_TEST(wave[0] == 4000.0);
  BOOST_TEST(wave[1] == 7000.0 / 1.5);
  std::vector<double> same = {5000.0};
  pre::toRestFrame(same, 0.0);
  BOOST_TEST(same[0] == 5000.0);
  BOOST_CHECK_THROW(pre::toRestFrame(wave, -1.0), vocloud::Error);
  BOOST_CHECK_THROW(pre::toRestFrame(wave, std::nan("")), vocloud::Error);

  BOOST_TEST(pre::velocityToZ(299792.458) == 1.0);
  BOOST_TEST(pre::velocityToZ(-300.0) == -300.0 / 299792.458);
  BOOST_TEST(pre::zToVelocity(pre::velocityToZ(1234.5)) == 1234.5,
             boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
