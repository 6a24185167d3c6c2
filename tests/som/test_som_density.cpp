// The density factor (a hits-weighted local outlier factor over the codebook) by hand on a
// line of nodes, the filtered search against the exact reference on random maps, and the
// fractions read from distance histograms.
#include "core/error.hpp"
#include "som/som_density.hpp"
#include "som/som_outliers.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>
#include <vector>

using namespace vocloud::som;

namespace {

/// Four nodes at 0, 1, 2, 3 on a 1-d line (a 1 x 4 map), or five with a fifth at 10.
Codebook lineOfNodes(bool withFar) {
  Codebook line;
  line.grid = SomGrid{1, withFar ? 5 : 4, false, false};
  line.dims = 1;
  line.weights = {0.f, 1.f, 2.f, 3.f};
  if (withFar) line.weights.push_back(10.f);
  return line;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(som_density)

BOOST_AUTO_TEST_CASE(factor_by_hand_on_a_line) {
  // Ten rows per node, spread 0.5 around each: the effective distance from node k to itself
  // is 0.5 and to its neighbour sqrt(1 + 0.25).
  Codebook const line = lineOfNodes(false);
  std::vector<double> const hits(4, 10.), median(4, 0.5);
  std::vector<float> const rows = {0.f, 2.f, 10.f};

  // Mass 10: every node is its own neighbourhood, reach radius 0.5, density 1 / 0.5 = 2.
  DensityModel const own = densityModel(line, hits, median, 10.);
  BOOST_TEST(own.reachRadius == (std::vector<double>(4, 0.5)), boost::test_tools::per_element());
  BOOST_TEST(own.density == (std::vector<double>(4, 2.)), boost::test_tools::per_element());
  std::vector<float> const f1 = densityFactors(line, own, rows.data(), rows.size());
  // A row on a node is as dense as the node: 1. A row at 10 reaches node 3 at
  // sqrt(49 + 0.25): its density is 1 / that, the node's 2.
  BOOST_TEST(f1[0] == 1.f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(f1[1] == 1.f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(f1[2] == static_cast<float>(2. * std::sqrt(49.25)),
             boost::test_tools::tolerance(1e-6f));

  // Mass 15: two nodes. Node 0 takes node 1, node 1 takes node 0 (tied with node 2, lower
  // index), ...: every reach radius is sqrt(1.25) and every node density
  // 20 / (10 max(0.5, r) + 10 r) = 1 / r.
  DensityModel const pairs = densityModel(line, hits, median, 15.);
  double const r = std::sqrt(1.25);
  for (int k = 0; k < 4; ++k) {
    BOOST_TEST(pairs.reachRadius[k] == r, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(pairs.density[k] == 1. / r, boost::test_tools::tolerance(1e-12));
  }
  std::vector<float> const f2 = densityFactors(line, pairs, rows.data(), rows.size());
  BOOST_TEST(f2[0] == 1.f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(f2[1] == 1.f, boost::test_tools::tolerance(1e-6f));
  // The row at 10 takes nodes 3 and 2: density 20 / (10 sqrt(49.25) + 10 sqrt(64.25)).
  double const far = (std::sqrt(49.25) + std::sqrt(64.25)) / (2. * r);
  BOOST_TEST(f2[2] == static_cast<float>(far), boost::test_tools::tolerance(1e-6f));

  // A node without hits takes no part, even where the row is.
  Codebook const withEmpty = lineOfNodes(true);
  std::vector<double> hits5 = hits, median5 = median;
  hits5.push_back(0.);
  median5.push_back(std::nan(""));
  DensityModel const skip = densityModel(withEmpty, hits5, median5, 15.);
  BOOST_TEST(skip.density[4] == 0.);
  std::vector<float> const f3 = densityFactors(withEmpty, skip, rows.data(), rows.size());
  BOOST_TEST(f3[2] == f2[2]);

  // The mass is clamped to [1, all rows]; a map without hits is refused.
  BOOST_TEST(densityModel(line, hits, median, 1e9).mass == 40.);
  BOOST_TEST(densityModel(line, hits, median, 0.).mass == 1.);
  BOOST_CHECK_THROW(densityModel(line, std::vector<double>(4, 0.), median, 5.), vocloud::Error);
  BOOST_CHECK_THROW(densityModel(line, {1., 2.}, median, 5.), vocloud::Error);
  BOOST_CHECK_THROW(densityModel(line, {1., 2.5, 1., 1.}, median, 5.), vocloud::Error);
  BOOST_CHECK_THROW(densityModel(line, hits, {0.5, std::nan(""), 0.5, 0.5}, 5.), vocloud::Error);
  BOOST_CHECK_THROW(densityModel(line, hits, median, std::nan("")), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(ties_go_to_the_lower_node) {
  // Nodes at 0, 1 and 2.25 with 10, 30 and 5 rows spread by 0.75, 0.5 and 0; mass 35. From
  // node 1, node 0 is at sqrt(1 + 0.5625) = 1.25 and node 2 at sqrt(1.5625 + 0) = 1.25: a
  // tie (every number is exact in binary), which goes to node 0.
  Codebook line;
  line.grid = SomGrid{1, 3, false, false};
  line.dims = 1;
  line.weights = {0.f, 1.f, 2.25f};
  std::vector<double> const hits = {10., 30., 5.}, median = {0.75, 0.5, 0.};
  DensityModel const model = densityModel(line, hits, median, 35.);
  // Node 0 adds node 1 at sqrt(1 + 0.25); node 1 adds node 0 at 1.25; node 2 (5 rows) adds
  // node 1 at sqrt(1.5625 + 0.25).
  BOOST_TEST(model.reachRadius[0] == std::sqrt(1.25), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(model.reachRadius[1] == 1.25, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(model.reachRadius[2] == std::sqrt(1.8125), boost::test_tools::tolerance(1e-12));
  // lrd(w_1) over {1, 0}: reaches max(0.5, 1.25) and max(1.25, sqrt(1.25)), so
  // 40 / (40 * 1.25) = 0.8. Over {1, 2} it would have been 35 / (30 * 1.25 + 5 sqrt(1.8125)).
  BOOST_TEST(model.density[1] == 0.8, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(degenerate_maps_give_finite_factors) {
  // Every row sits exactly on its node (medians 0) and each node holds the mass alone: all
  // reach radii are 0, and a row off the nodes would divide by 0 without the floor.
  Codebook const line = lineOfNodes(false);
  std::vector<double> const hits(4, 10.), median(4, 0.);
  DensityModel const model = densityModel(line, hits, median, 10.);
  std::vector<float> const rows = {0.f, 0.5f, 7.f};
  std::vector<float> const f = densityFactors(line, model, rows.data(), rows.size());
  for (float const v : f) BOOST_TEST(std::isfinite(v));
  BOOST_TEST(f[0] == 1.f);
  BOOST_TEST(f[2] > f[1]);
  BOOST_TEST(f[1] > 1.f);
}

BOOST_AUTO_TEST_CASE(small_far_group_stands_out) {
  // 2-d: a 5 x 5 lattice of nodes with 20 rows each, and one node far away with 4 rows. Once
  // the mass exceeds the group, its rows are far less dense than their neighbours.
  Codebook map;
  map.grid = SomGrid{2, 13, false, false};
  map.dims = 2;
  std::vector<double> hits, median;
  for (int k = 0; k < 25; ++k) {
    map.weights.push_back(static_cast<float>(k % 5));
    map.weights.push_back(static_cast<float>(k / 5));
    hits.push_back(20.);
    median.push_back(0.3);
  }
  map.weights.push_back(12.f);
  map.weights.push_back(2.f);
  hits.push_back(4.);
  median.push_back(0.1);
  DensityModel const model = densityModel(map, hits, median, 30.);
  std::vector<float> const rows = {2.f, 2.f, 12.f, 2.f, 4.f, 4.f};
  std::vector<float> const f = densityFactors(map, model, rows.data(), 3);
  BOOST_TEST(f[0] < 1.2f);  // the centre of the lattice
  BOOST_TEST(f[2] < 1.6f);  // a corner of the lattice: sparser, but so are its neighbours
  BOOST_TEST(f[1] > 3.f);   // the far group of 4
}

BOOST_AUTO_TEST_CASE(filtered_search_equals_the_reference) {
  std::mt19937 rng(9);
  std::normal_distribution<float> normal(0.f, 1.f);
  for (int trial = 0; trial < 4; ++trial) {
    Codebook map;
    map.grid = SomGrid{5, 7 + trial, false, false};
    map.dims = 40 + 13 * trial;
    int const nodes = map.nodes();
    // An offset far from the origin makes the GEMM form cancel: the filter must still hold.
    float const offset = trial % 2 == 0 ? 0.f : 300.f;
    for (int k = 0; k < nodes; ++k)
      for (std::size_t d = 0; d < map.dims; ++d)
        map.weights.push_back(offset + normal(rng) + (k % 3 == 0 ? 2.f : 0.f));
    std::vector<double> hits(nodes), median(nodes);
    for (int k = 0; k < nodes; ++k) {
      hits[k] = k % 5 == 4 ? 0. : static_cast<double>(rng() % 40);
      median[k] = 0.5 + 0.01 * static_cast<double>(rng() % 100);
    }
    std::size_t const n = 700;
    std::vector<float> rows;
    for (std::size_t i = 0; i < n; ++i) {
      int const k = static_cast<int>(rng() % nodes);
      for (std::size_t d = 0; d < map.dims; ++d)
        rows.push_back(map.node(k)[d] + 0.4f * normal(rng) * (i % 50 == 0 ? 20.f : 1.f));
    }
    if (trial == 3) {
      // Sparse nearest nodes: one node far away holds most rows, so the first guess of how
      // many nodes hold the mass falls short and the search sorts the rest.
      for (int k = 0; k < nodes; ++k) hits[k] = k == 0 ? 5000. : 1.;
    }
    for (double const mass : {1., 37., 400.}) {
      DensityModel const model = densityModel(map, hits, median, mass);
      DensityModel const exact = densityModelReference(map, hits, median, mass);
      BOOST_TEST(model.reachRadius == exact.reachRadius, boost::test_tools::per_element());
      BOOST_TEST(model.density == exact.density, boost::test_tools::per_element());
      std::vector<float> const fast = densityFactors(map, model, rows.data(), n);
      std::vector<float> const slow = densityFactorsReference(map, model, rows.data(), n);
      BOOST_TEST(fast == slow, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(filtered_search_on_many_nodes_equals_the_reference) {
  // 144 nodes and small masses: a row's first guess is a small share of the nodes, so the
  // nodes holding the mass by upper bounds come from the bounded heap; with one node holding
  // most rows the guess falls short and the search selects among all nodes instead. 45
  // values a row: the exact distances' groups of four nodes end with a partial one.
  std::mt19937 rng(21);
  std::normal_distribution<float> normal(0.f, 1.f);
  Codebook map;
  map.grid = SomGrid{12, 12, false, false};
  map.dims = 45;
  int const nodes = map.nodes();
  for (int k = 0; k < nodes; ++k)
    for (std::size_t d = 0; d < map.dims; ++d)
      map.weights.push_back(0.3f * static_cast<float>(k % 12 + d % 3) + normal(rng));
  std::size_t const n = 500;
  std::vector<float> rows;
  for (std::size_t i = 0; i < n; ++i) {
    int const k = static_cast<int>(rng() % nodes);
    for (std::size_t d = 0; d < map.dims; ++d)
      rows.push_back(map.node(k)[d] + 0.5f * normal(rng) * (i % 40 == 0 ? 10.f : 1.f));
  }
  std::vector<double> median(nodes);
  for (int k = 0; k < nodes; ++k) median[k] = 0.5 + 0.01 * static_cast<double>(rng() % 100);
  for (int pattern = 0; pattern < 2; ++pattern) {
    std::vector<double> hits(nodes);
    for (int k = 0; k < nodes; ++k)
      hits[k] = pattern == 0 ? (k % 7 == 6 ? 0. : static_cast<double>(1 + rng() % 30))
                             : (k == 0 ? 5000. : 1.);
    for (double const mass : {1., 6., 37.}) {
      DensityModel const model = densityModel(map, hits, median, mass);
      DensityModel const exact = densityModelReference(map, hits, median, mass);
      BOOST_TEST(model.reachRadius == exact.reachRadius, boost::test_tools::per_element());
      BOOST_TEST(model.density == exact.density, boost::test_tools::per_element());
      std::vector<float> const fast = densityFactors(map, model, rows.data(), n);
      std::vector<float> const slow = densityFactorsReference(map, model, rows.data(), n);
      BOOST_TEST(fast == slow, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(fractions_from_a_histogram) {
  // Distances 0, 1, 2.5, 5, 8 (squared below); 9 log bins of a third of an octave over
  // [1, 8]: 1 in bin 1, 2.5 in bin 4 = [2, 2^(4/3)), 5 in bin 7 = [4, 2^(7/3)), 8 in bin 9.
  std::vector<float> const dist2 = {0.f, 1.f, 6.25f, 25.f, 64.f};
  std::vector<int> const one(5, 0);
  DistanceRange const range = localDistanceRange(dist2);
  DistanceHistogram const h = localDistanceHistogram(1, one, dist2, range, 9);
  HistogramFraction const fraction(h, 0);
  BOOST_TEST(fraction(0.) == 0.2);   // the zero
  BOOST_TEST(fraction(0.5) == 0.2);  // below the smallest positive distance
  BOOST_TEST(fraction(8.) == 1.);
  BOOST_TEST(fraction(100.) == 1.);
  // 2 opens bin 4: below it the zero and the 1.
  BOOST_TEST(fraction(2.) == 0.4, boost::test_tools::tolerance(1e-9));
  // 3 lies in bin 5, which is empty: the zero, the 1 and the 2.5.
  BOOST_TEST(fraction(3.) == 0.6, boost::test_tools::tolerance(1e-9));
  // Half way (in log) through bin 7: half of its one row.
  BOOST_TEST(fraction(4. * std::pow(2., 1. / 6.)) == 0.7, boost::test_tools::tolerance(1e-9));
  BOOST_CHECK_THROW(HistogramFraction(h, 2), vocloud::Error);
  DistanceHistogram const empty = localDistanceHistogram(1, {}, {}, range, 9);
  BOOST_TEST(std::isnan(HistogramFraction(empty, 0)(1.)));
}

BOOST_AUTO_TEST_SUITE_END()
