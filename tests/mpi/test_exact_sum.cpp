// Exact, order-independent sums over ranks (comm::ExactSums, comm::ExactScatter) and the PCA
// built on them, at 1, 2, 3 and 4 ranks (3 makes uneven blocks and chunks split between
// ranks). Expectations: a hand-computed total that double arithmetic misses in a way that
// depends on the split; a long-double reference for the scatter matrix; every rank count
// bitwise equal to one process holding all rows (Comm::self).
#include "comm/comm.hpp"
#include "comm/exact_scatter.hpp"
#include "comm/exact_sum.hpp"
#include "comm/shard.hpp"
#include "preprocess/pca.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace vocloud;

namespace {

std::vector<float> randomRows(std::size_t n, std::size_t dims, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0., 1.);
  std::vector<float> rows(n * dims);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < dims; ++d)
      rows[i * dims + d] =
          static_cast<float>(1. + std::sin(0.3 * d + 0.01 * i) + 0.1 * (d + 1) * noise(rng));
  return rows;
}

bool bitwiseEqual(std::vector<double> const& a, std::vector<double> const& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exact_sum)

BOOST_AUTO_TEST_CASE(a_sum_whose_double_order_matters_is_exact_on_any_rank_count) {
  comm::Comm const comm = comm::Comm::world();
  // 1e16 + 1 rounds back to 1e16 in double (the spacing there is 2): summed in one pass the
  // ones after the large values are lost differently than when each half is summed apart.
  std::vector<double> values;
  for (int i = 0; i < 8; ++i) {
    values.push_back(i % 2 ? -1e16 : 1e16);
    values.push_back(1.);
  }
  double sequential = 0., halves[2] = {0., 0.};
  for (std::size_t i = 0; i < values.size(); ++i) {
    sequential += values[i];
    halves[i < values.size() / 2] += values[i];
  }
  BOOST_TEST_REQUIRE(sequential != halves[0] + halves[1]);  // the order matters in double
  comm::Range const mine = comm::blockRange(values.size(), comm.size(), comm.rank());
  double const total = comm::exactTotal(comm, values.data() + mine.begin, mine.size());
  BOOST_TEST(total == 8.);  // by hand: the large values cancel, eight ones remain
}

BOOST_AUTO_TEST_CASE(exact_sums_carry_negative_values_and_many_additions) {
  comm::ExactSums sums(2, comm::exactSumExponent(1000.));
  for (int i = 0; i < 1000; ++i) {
    sums.add(0, -0.001);
    sums.add(1, 0.75);
  }
  // -0.001 is not a binary fraction: 1000 copies, each rounded once at 2^-91 or finer.
  BOOST_TEST(sums.value(0) == -1., boost::test_tools::tolerance(1e-15));
  BOOST_TEST(sums.value(1) == 750.);
}

BOOST_AUTO_TEST_CASE(chunk_aligned_ranges_cover_the_rows_once) {
  for (std::uint64_t total : {0ull, 5ull, 255ull, 256ull, 1000ull, 100000ull})
    for (int parts : {1, 2, 3, 7, 64}) {
      std::uint64_t next = 0;
      for (int p = 0; p < parts; ++p) {
        comm::Range const r = comm::chunkAlignedRange(comm::blockRange(total, parts, p), total);
        if (r.size() == 0) continue;
        BOOST_TEST(r.begin == next);
        BOOST_TEST(r.begin % comm::kScatterChunk == 0u);
        next = r.end;
      }
      BOOST_TEST(next == total);
    }
}

BOOST_AUTO_TEST_CASE(scatter_matches_a_long_double_reference) {
  std::size_t const n = 1000, dims = 6;
  std::vector<float> const rows = randomRows(n, dims, 3);
  double maxAbs = 0.;
  for (float v : rows) maxAbs = std::max(maxAbs, std::fabs(static_cast<double>(v)));
  comm::Comm const self = comm::Comm::self();
  comm::ExactScatter scatter(dims, comm::scatterExponents(maxAbs, n));
  scatter.addChunks(rows.data(), n);
  scatter.allreduce(self);
  std::vector<double> const s = scatter.scatter(), sums = scatter.sums();
  for (std::size_t a = 0; a < dims; ++a) {
    long double column = 0.;
    for (std::size_t i = 0; i < n; ++i) column += rows[i * dims + a];
    BOOST_TEST(sums[a] == static_cast<double>(column), boost::test_tools::tolerance(1e-15));
    for (std::size_t b = 0; b < dims; ++b) {
      long double ref = 0.;  // products of floats are exact in long double, sums nearly so
      for (std::size_t i = 0; i < n; ++i)
        ref += static_cast<long double>(rows[i * dims + a]) * rows[i * dims + b];
      // Each 256-row chunk is summed in double (relative 256 x 2^-53 at worst), its fixed-
      // point conversion adds n maxAbs^2 2^-93.
      BOOST_TEST(std::fabs(s[a * dims + b] - static_cast<double>(ref)) <=
                 1e-13 * n * maxAbs * maxAbs);
      BOOST_TEST(s[a * dims + b] == static_cast<double>(ref), boost::test_tools::tolerance(1e-14));
    }
  }
}

BOOST_AUTO_TEST_CASE(scatter_of_shards_is_bitwise_that_of_one_process) {
  comm::Comm const comm = comm::Comm::world();
  comm::Comm const self = comm::Comm::self();
  // 300 rows: at 4 ranks, rank 1's block lies inside chunk 0 and goes whole to rank 0.
  for (std::size_t const n : {300u, 1001u}) {
    std::size_t const dims = 9;
    std::vector<float> const rows = randomRows(n, dims, 11);
    double const maxAbs = preprocess::pcaMaxAbs(rows.data(), n, dims);
    comm::ScatterExponents const exponents = comm::scatterExponents(2. * maxAbs, n);
    std::vector<double> centre(dims, 0.5);
    comm::ExactScatter whole(dims, exponents, centre), parts(dims, exponents, centre);
    whole.addShard(self, rows.data(), n);
    whole.allreduce(self);
    comm::Range const mine = comm::blockRange(n, comm.size(), comm.rank());
    parts.addShard(comm, rows.data() + mine.begin * dims, mine.size());
    parts.allreduce(comm);
    BOOST_TEST(parts.rows() == n);
    BOOST_TEST(bitwiseEqual(parts.scatter(), whole.scatter()));
    BOOST_TEST(bitwiseEqual(parts.sums(), whole.sums()));
  }
}

BOOST_AUTO_TEST_CASE(pca_is_bitwise_the_same_for_any_rank_count) {
  comm::Comm const comm = comm::Comm::world();
  comm::Comm const self = comm::Comm::self();
  std::size_t const n = 1001, dims = 12;
  std::vector<float> const rows = randomRows(n, dims, 5);
  double const maxAbs = preprocess::pcaMaxAbs(rows.data(), n, dims);
  preprocess::PcaAccumulator one(dims, maxAbs, n), many(dims, maxAbs, n);
  one.add(rows.data(), n);
  comm::Range const chunks =
      comm::chunkAlignedRange(comm::blockRange(n, comm.size(), comm.rank()), n);
  many.add(rows.data() + chunks.begin * dims, chunks.size());
  preprocess::PcaModel const a = one.finish(4, self), b = many.finish(4, comm);
  BOOST_TEST(b.count == n);
  BOOST_TEST(bitwiseEqual(a.mean, b.mean));
  BOOST_TEST(bitwiseEqual(a.components, b.components));
  BOOST_TEST(bitwiseEqual(a.explainedVariance, b.explainedVariance));
  BOOST_TEST(bitwiseEqual(a.explainedVarianceRatio, b.explainedVarianceRatio));
}

BOOST_AUTO_TEST_SUITE_END()
