// Map lattices, neighbourhood functions and cooling schedules, against values worked out by
// hand (hexagonal rows sqrt(3)/2 apart with odd rows shifted by 1/2, as somoclu).
#include "core/error.hpp"
#include "som/neighbourhood.hpp"
#include "som/som_grid.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

using namespace vocloud::som;

namespace {

double const kH = std::sqrt(3.) / 2.;  // hexagonal row spacing
int node(SomGrid const& g, int r, int c) {
  return r * g.cols + c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(som_grid)

BOOST_AUTO_TEST_CASE(rectangular_distances) {
  SomGrid const planar{3, 5, false, false};
  BOOST_TEST(nodeDistance(planar, node(planar, 0, 0), node(planar, 0, 4)) == 4.);
  BOOST_TEST(nodeDistance(planar, node(planar, 0, 0), node(planar, 2, 4)) == std::sqrt(20.));
  SomGrid const torus{3, 5, false, true};
  // Wrapped: column 4 is next to column 0, row 2 next to row 0.
  BOOST_TEST(nodeDistance(torus, node(torus, 0, 0), node(torus, 0, 4)) == 1.);
  BOOST_TEST(nodeDistance(torus, node(torus, 0, 0), node(torus, 2, 4)) == std::sqrt(2.));
  BOOST_TEST(nodeDistance(torus, node(torus, 0, 1), node(torus, 1, 3)) == std::sqrt(5.));
}

BOOST_AUTO_TEST_CASE(hexagonal_distances) {
  SomGrid const planar{4, 4, true, false};
  NodePosition const p = nodePosition(planar, node(planar, 1, 2));
  BOOST_TEST(p.x == 2.5);
  BOOST_TEST(p.y == kH, boost::test_tools::tolerance(1e-15));
  auto dist = [&](SomGrid const& g, int r1, int c1, int r2, int c2) {
    return nodeDistance(g, node(g, r1, c1), node(g, r2, c2));
  };
  BOOST_TEST(dist(planar, 0, 0, 1, 0) == 1., boost::test_tools::tolerance(1e-14));
  BOOST_TEST(dist(planar, 0, 0, 2, 0) == 2. * kH, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(dist(planar, 0, 0, 1, 1) == std::sqrt(3.), boost::test_tools::tolerance(1e-14));
  BOOST_TEST(dist(planar, 1, 0, 2, 0) == 1., boost::test_tools::tolerance(1e-14));
  BOOST_TEST(dist(planar, 1, 0, 2, 1) == 1., boost::test_tools::tolerance(1e-14));
  SomGrid const torus{4, 4, true, true};
  // x period 4, y period 4 sqrt(3)/2: (0,0) at (0,0); (0,3) at (3,0) -> 1 across the wrap;
  // (3,0) at (0.5, 3 sqrt(3)/2) -> dy wraps to sqrt(3)/2 -> 1; (3,3) at (3.5, ...) -> dx 0.5.
  BOOST_TEST(dist(torus, 0, 0, 0, 3) == 1., boost::test_tools::tolerance(1e-14));
  BOOST_TEST(dist(torus, 0, 0, 3, 0) == 1., boost::test_tools::tolerance(1e-14));
  BOOST_TEST(dist(torus, 0, 0, 3, 3) == 1., boost::test_tools::tolerance(1e-14));
  BOOST_TEST(dist(torus, 0, 0, 2, 2) == std::sqrt(4. + 3.), boost::test_tools::tolerance(1e-14));
  BOOST_CHECK_THROW(validateGrid(SomGrid{3, 4, true, true}), vocloud::Error);
  BOOST_CHECK_THROW(validateGrid(SomGrid{0, 4, false, false}), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(neighbour_lists_by_hand) {
  SomGrid const rect{3, 4, false, false};
  BOOST_TEST(gridNeighbours(rect, 0) == (std::vector<int>{1, 4}), boost::test_tools::per_element());
  BOOST_TEST(gridNeighbours(rect, 5) == (std::vector<int>{1, 4, 6, 9}),
             boost::test_tools::per_element());
  BOOST_TEST(gridNeighbours(rect, 0, true) == (std::vector<int>{1, 4, 5}),
             boost::test_tools::per_element());
  SomGrid const rectTorus{3, 4, false, true};
  BOOST_TEST(gridNeighbours(rectTorus, 0) == (std::vector<int>{1, 3, 4, 8}),
             boost::test_tools::per_element());
  SomGrid const hex{4, 4, true, false};
  // Even row 2, column 1 (x = 1): row 2 columns 0 and 2; rows 1 and 3 columns 0 and 1.
  BOOST_TEST(gridNeighbours(hex, node(hex, 2, 1)) == (std::vector<int>{4, 5, 8, 10, 12, 13}),
             boost::test_tools::per_element());
  // Odd row 1, column 1 (x = 1.5): rows 0 and 2 columns 1 and 2.
  BOOST_TEST(gridNeighbours(hex, node(hex, 1, 1)) == (std::vector<int>{1, 2, 4, 6, 9, 10}),
             boost::test_tools::per_element());
  SomGrid const hexTorus{4, 4, true, true};
  BOOST_TEST(gridNeighbours(hexTorus, 0) == (std::vector<int>{1, 3, 4, 7, 12, 15}),
             boost::test_tools::per_element());
  // A 1 x 2 torus: the node left and right is the same one, listed once.
  BOOST_TEST(gridNeighbours(SomGrid{1, 2, false, true}, 0) == (std::vector<int>{1}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(neighbour_lists_agree_with_distances) {
  // Independent of the index arithmetic: the neighbours are exactly the nodes at distance 1
  // (and sqrt(2) with diagonals on rectangular maps), on maps of at least 3 x 3.
  for (bool const hexagonal : {false, true})
    for (bool const toroidal : {false, true})
      for (bool const diagonal : {false, true}) {
        SomGrid const g{6, 5, hexagonal, toroidal};
        double const reach = diagonal && !hexagonal ? std::sqrt(2.) : 1.;
        for (int a = 0; a < nodeCount(g); ++a) {
          std::vector<int> expected;
          for (int b = 0; b < nodeCount(g); ++b)
            if (b != a && nodeDistance(g, a, b) <= reach + 1e-9) expected.push_back(b);
          BOOST_TEST(gridNeighbours(g, a, diagonal) == expected, boost::test_tools::per_element());
        }
      }
}

BOOST_AUTO_TEST_CASE(neighbourhood_functions) {
  BOOST_TEST(gaussian(0., 2.) == 1.);
  BOOST_TEST(gaussian(1., 1.) == std::exp(-0.5));
  BOOST_TEST(gaussian(2., 1.) == std::exp(-2.));
  BOOST_TEST(gaussian(3., 2.) == std::exp(-9. / 8.));
  BOOST_TEST(gaussian(0., 0.) == 1.);
  BOOST_TEST(gaussian(1., 0.) == 0.);
  BOOST_TEST(bubble(1., 1.) == 1.);
  BOOST_TEST(bubble(1.0001, 1.) == 0.);
  BOOST_TEST(bubble(0., 0.) == 1.);
  BOOST_TEST(cutGaussian(1., 1.) == std::exp(-0.5));
  BOOST_TEST(cutGaussian(1.5, 2.) == std::exp(-2.25 / 8.));
  BOOST_TEST(cutGaussian(2.5, 2.) == 0.);
  BOOST_TEST(mexicanHat(0., 1.) == 1.);
  BOOST_TEST(mexicanHat(1., 1.) == 0.);
  BOOST_TEST(mexicanHat(2., 1.) == -3. * std::exp(-2.), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(mexicanHat(1., 2.) == 0.75 * std::exp(-1. / 8.), boost::test_tools::tolerance(1e-15));
  BOOST_TEST(neighbourhoodWeight(parseNeighbourhood("Gaussian"), 1., 1.) == std::exp(-0.5));
  BOOST_TEST(neighbourhoodWeight(parseNeighbourhood("bubble"), 1., 0.5) == 0.);
  BOOST_TEST(neighbourhoodWeight(parseNeighbourhood("cut_gaussian"), 1., 2.) == std::exp(-1. / 8.));
  BOOST_TEST(neighbourhoodWeight(parseNeighbourhood("mexican_hat"), 1., 1.) == 0.);
  BOOST_CHECK_THROW(parseNeighbourhood("triangle"), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(cooling_schedules) {
  Cooling const lin = parseCooling("linear");
  BOOST_TEST(cool(lin, 10., 1., 10, 0) == 10.);
  BOOST_TEST(cool(lin, 10., 1., 10, 3) == 7., boost::test_tools::tolerance(1e-14));
  BOOST_TEST(cool(lin, 10., 1., 10, 9) == 1.);
  BOOST_TEST(cool(lin, 0.1, 0.01, 1, 0) == 0.1);
  Cooling const exp = parseCooling("EXPONENTIAL");
  BOOST_TEST(cool(exp, 10., 1., 11, 0) == 10.);
  BOOST_TEST(cool(exp, 10., 1., 11, 5) == std::sqrt(10.), boost::test_tools::tolerance(1e-14));
  BOOST_TEST(cool(exp, 10., 1., 11, 10) == 1.);
  // somoclu's form: start exp(-epoch ln(start / end) / (epochs - 1)).
  BOOST_TEST(cool(exp, 0.1, 0.01, 7, 2) == 0.1 * std::exp(-2. * std::log(10.) / 6.),
             boost::test_tools::tolerance(1e-14));
  BOOST_CHECK_THROW(cool(exp, 10., 0., 5, 1), vocloud::Error);
  BOOST_CHECK_THROW(cool(lin, 10., 1., 5, 5), vocloud::Error);
  BOOST_CHECK_THROW(parseCooling("stepwise"), vocloud::Error);
}

BOOST_AUTO_TEST_SUITE_END()
