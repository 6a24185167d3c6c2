// Quality measures and outlier scores of a map on hand-made codebooks and rows.
#include "som/batch_som.hpp"
#include "som/som_outliers.hpp"
#include "som/som_quality.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>
#include <vector>

using namespace vocloud::som;

BOOST_AUTO_TEST_SUITE(som_quality)

BOOST_AUTO_TEST_CASE(u_matrix_by_hand) {
  Codebook line;
  line.grid = SomGrid{1, 3, false, false};
  line.dims = 1;
  line.weights = {0.f, 1.f, 3.f};
  BOOST_TEST(uMatrix(line) == (std::vector<double>{1., 1.5, 2.}), boost::test_tools::per_element());
  // 2 x 2 rectangle with weights at the corners of a 3 x 4 box: every node is 3 from one
  // neighbour and 4 from the other; with diagonals also 5 from the opposite corner.
  Codebook square;
  square.grid = SomGrid{2, 2, false, false};
  square.dims = 2;
  square.weights = {0.f, 0.f, 3.f, 0.f, 0.f, 4.f, 3.f, 4.f};
  BOOST_TEST(uMatrix(square) == (std::vector<double>(4, 3.5)), boost::test_tools::per_element());
  BOOST_TEST(uMatrix(square, true) == (std::vector<double>(4, 4.)),
             boost::test_tools::per_element());
  Codebook single;
  single.grid = SomGrid{1, 1, false, false};
  single.dims = 2;
  single.weights = {1.f, 2.f};
  BOOST_TEST(uMatrix(single) == (std::vector<double>{0.}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(topographic_error_of_ordered_and_disordered_maps) {
  // A 1 x 10 map with w_k = k: every point of [0, 9] has its two nearest nodes side by side.
  Codebook ordered;
  ordered.grid = SomGrid{1, 10, false, false};
  ordered.dims = 1;
  for (int k = 0; k < 10; ++k) ordered.weights.push_back(static_cast<float>(k));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uniform(0.f, 9.f);
  std::vector<float> rows(1000);
  for (auto& v : rows) v = uniform(rng);
  std::vector<int> bmu(rows.size()), second(rows.size());
  std::vector<float> d1(rows.size()), d2(rows.size());
  findBmus(ordered, rows.data(), rows.size(), 1, bmu.data(), d1.data(), second.data(), d2.data());
  BOOST_TEST(topographicError(ordered.grid, bmu, second) == 0.);
  BOOST_TEST(quantisationError(d1) < 0.26);  // mean |x - round(x)| = 0.25 for uniform x

  // Weights 0, 2, 1 (a fold): x = 0.4 is nearest node 0 then node 2 (not adjacent);
  // x = 1.6: node 1 then node 2 (adjacent); x = 0.6: node 2 then node 0 (not adjacent);
  // x = 1.9: node 1 then node 2.
  Codebook folded;
  folded.grid = SomGrid{1, 3, false, false};
  folded.dims = 1;
  folded.weights = {0.f, 2.f, 1.f};
  std::vector<float> const x = {0.4f, 1.6f, 0.6f, 1.9f};
  std::vector<int> b(4), s(4);
  std::vector<float> e1(4), e2(4);
  findBmus(folded, x.data(), 4, 1, b.data(), e1.data(), s.data(), e2.data());
  BOOST_TEST(b == (std::vector<int>{0, 1, 2, 1}), boost::test_tools::per_element());
  BOOST_TEST(s == (std::vector<int>{2, 2, 0, 2}), boost::test_tools::per_element());
  BOOST_TEST(topographicErrorCount(folded.grid, b, s) == 2.);
  BOOST_TEST(topographicError(folded.grid, b, s) == 0.5);
  BOOST_TEST(hitsPerNode(b, 3) == (std::vector<double>{1., 2., 1.}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(outlier_scores_and_sparse_nodes) {
  // Node 0: ten rows at distances 1..10; node 1: ten rows at 2 (median 2);
  // node 2: one row at 50, alone, so it is judged against the median of all rows.
  std::vector<int> bmu;
  std::vector<float> dist2;
  for (int i = 1; i <= 10; ++i) {
    bmu.push_back(0);
    dist2.push_back(static_cast<float>(i * i));
  }
  for (int i = 0; i < 10; ++i) {
    bmu.push_back(1);
    dist2.push_back(4.f);
  }
  bmu.push_back(2);
  dist2.push_back(2500.f);
  OutlierOptions options;
  options.bins = 4096;
  options.minNodeRows = 5;
  options.sparseFraction = 0.5;
  OutlierReport const r = outliersSerial(4, bmu, dist2, options);
  // Bins are (50 / 1)^(1/4096) - 1 = 0.1 % wide. The median is the value of rank n/2 on the
  // interpolated cumulative counts: 5 for node 0 (5 of its 10 distances are <= 5), 2 for
  // node 1 and for all 21 rows (eleven of them are at 2, one below).
  double const tol = 2e-3;
  BOOST_TEST(r.nodeMedian[0] == 5.0, boost::test_tools::tolerance(0.1));
  BOOST_TEST(r.nodeMedian[1] == 2.0, boost::test_tools::tolerance(tol));
  BOOST_TEST(std::isnan(r.nodeMedian[3]));
  BOOST_TEST(r.globalMedian == 2.0, boost::test_tools::tolerance(tol));
  BOOST_TEST(r.score[20] == 25.f, boost::test_tools::tolerance(float(tol)));  // 50 / 2
  BOOST_TEST(r.score[19] == 1.f, boost::test_tools::tolerance(float(tol)));   // 2 / 2
  BOOST_TEST(r.score[9] == static_cast<float>(10. / r.nodeMedian[0]));
  BOOST_TEST(r.hits == (std::vector<double>{10., 10., 1., 0.}), boost::test_tools::per_element());
  // Mean hits 21 / 4 = 5.25, half of it 2.625: nodes 2 and 3 are sparse.
  BOOST_TEST(r.sparseNode == (std::vector<std::uint8_t>{0, 0, 1, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(r.inSparseNode[20] == 1);
  BOOST_TEST(r.inSparseNode[0] == 0);
}

BOOST_AUTO_TEST_CASE(manifold_residual_is_the_distance_from_the_local_plane) {
  // Nodes on the plane z = 1 of 3-d space (a 2 x 3 map): any row's residual is |z - 1|,
  // wherever it lies along the plane, even beyond the nodes.
  Codebook plane;
  plane.grid = SomGrid{2, 3, false, false};
  plane.dims = 3;
  plane.weights = {0.f, 0.f, 1.f, 1.f, 0.f, 1.f, 2.f, 0.f, 1.f,
                   0.f, 1.f, 1.f, 1.f, 1.f, 1.f, 2.f, 1.f, 1.f};
  std::vector<float> const rows = {0.2f, 0.1f, 1.f,  5.f, -3.f, 1.f, 1.f,  1.f, 4.f,
                                   1.9f, 0.8f, 0.5f, 0.f, 0.f,  1.f, -2.f, 7.f, -1.f};
  std::size_t const n = rows.size() / 3;
  std::vector<int> bmu(n);
  std::vector<float> dist2(n);
  findBmus(plane, rows.data(), n, 3, bmu.data(), dist2.data());
  std::vector<float> const residual = manifoldResiduals(plane, rows.data(), n, bmu, 5);
  for (std::size_t i = 0; i < n; ++i)
    BOOST_TEST(residual[i] == std::abs(rows[3 * i + 2] - 1.f), boost::test_tools::tolerance(1e-6f));
  // Without neighbours the patch is the node itself: the residual is the BMU distance.
  std::vector<float> const alone = manifoldResiduals(plane, rows.data(), n, bmu, 0);
  for (std::size_t i = 0; i < n; ++i)
    BOOST_TEST(alone[i] == std::sqrt(dist2[i]), boost::test_tools::tolerance(1e-6f));
  // One neighbour spans a line: node 0's nearest node is node 1 (distance 1, lower index
  // than node 3), so its rows keep their y offset from the x axis.
  BOOST_TEST(nearestNodes(plane, 2)[0] == (std::vector<int>{1, 3}),
             boost::test_tools::per_element());
  std::vector<float> const line = manifoldResiduals(plane, rows.data(), 1, {bmu[0]}, 1);
  BOOST_TEST(bmu[0] == 0);
  BOOST_TEST(line[0] == 0.1f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(distance_histograms_add_over_shards) {
  std::mt19937 rng(4);
  std::vector<int> bmu(500);
  std::vector<float> dist2(500);
  for (std::size_t i = 0; i < bmu.size(); ++i) {
    bmu[i] = static_cast<int>(rng() % 6);
    dist2[i] = i % 50 == 0 ? 0.f : static_cast<float>(rng() % 1000) / 7.f;
  }
  DistanceRange const range = localDistanceRange(dist2);
  DistanceHistogram const whole = localDistanceHistogram(6, bmu, dist2, range, 64);
  std::vector<int> const b1(bmu.begin(), bmu.begin() + 123), b2(bmu.begin() + 123, bmu.end());
  std::vector<float> const e1(dist2.begin(), dist2.begin() + 123),
      e2(dist2.begin() + 123, dist2.end());
  DistanceHistogram sum = localDistanceHistogram(6, b1, e1, range, 64);
  DistanceHistogram const part = localDistanceHistogram(6, b2, e2, range, 64);
  for (std::size_t i = 0; i < sum.counts.size(); ++i) sum.counts[i] += part.counts[i];
  BOOST_TEST(sum.counts == whole.counts, boost::test_tools::per_element());
  BOOST_TEST(histogramMedians(sum) == histogramMedians(whole), boost::test_tools::per_element());
  BOOST_TEST(histogramHits(whole) == hitsPerNode(bmu, 6), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(nearest_nodes_filtered_equals_all_pairs) {
  // The GEMM-filtered search against every pair's exact distance, on a map trained into a
  // smooth sheet (neighbours close together, many near-ties) offset far from the origin (the
  // GEMM form cancels), plus exact duplicates (true ties, lower index first) and a case with
  // more neighbours asked for than there are other nodes.
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.f, 1e-3f);
  Codebook map;
  map.grid = SomGrid{12, 25, false, false};
  map.dims = 37;
  for (int k = 0; k < map.nodes(); ++k)
    for (std::size_t d = 0; d < map.dims; ++d)
      map.weights.push_back(
          100.f + 0.01f * static_cast<float>((k / 25) * (d % 3) + (k % 25) * (d % 5)) + noise(rng));
  for (std::size_t d = 0; d < map.dims; ++d)
    map.weights[7 * map.dims + d] = map.weights[40 * map.dims + d];
  for (std::size_t d = 0; d < map.dims; ++d)
    map.weights[299 * map.dims + d] = map.weights[40 * map.dims + d];
  for (int const count : {1, 19, 299, 400}) {
    auto const fast = nearestNodes(map, count);
    auto const slow = nearestNodesReference(map, count);
    BOOST_TEST_REQUIRE(fast.size() == slow.size());
    for (std::size_t k = 0; k < fast.size(); ++k)
      BOOST_TEST(fast[k] == slow[k], boost::test_tools::per_element());
  }
  // Duplicates: node 40's nearest are its copies 7 and 299 (distance 0), lower index first.
  BOOST_TEST(nearestNodes(map, 2)[40] == (std::vector<int>{7, 299}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
