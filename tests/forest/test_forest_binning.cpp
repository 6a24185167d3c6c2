// Collective binning at 1, 2 and 4 ranks, rows split unevenly: the edges equal those of the
// documented rule (binning.hpp) applied here, independently, to the whole data set, which
// makes them the same for every rank count; and they hold the quantile invariants.
#include "comm/comm.hpp"
#include "forest/binning.hpp"
#include "forest_test_data.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

using namespace vocloud;

namespace {

/// The rule of binning.hpp on all rows at once (plain loops, no communication).
std::vector<float> expectedEdges(std::vector<float> const& column, int bins) {
  double lo = INFINITY, hi = -INFINITY;
  for (float v : column)
    if (std::isfinite(v)) lo = std::min<double>(lo, v), hi = std::max<double>(hi, v);
  std::vector<unsigned long long> fine(forest::kFineBins, 0);
  unsigned long long n = 0;
  for (float v : column) {
    if (!std::isfinite(v)) continue;
    double s = hi > lo ? std::floor((double(v) - lo) / (hi - lo) * forest::kFineBins) : 0.;
    s = std::min(std::max(s, 0.), double(forest::kFineBins - 1));
    ++fine[std::size_t(s)];
    ++n;
  }
  std::vector<float> edges;
  if (n == 0 || !(hi > lo)) return edges;
  unsigned long long cumulative = 0;
  int q = 1;
  for (int s = 0; s < forest::kFineBins; ++s) {
    cumulative += fine[s];
    if (q >= bins || cumulative * bins < (unsigned long long)q * n) continue;
    while (q < bins && cumulative * bins >= (unsigned long long)q * n) ++q;
    float const e = float(lo + double(s + 1) * ((hi - lo) / forest::kFineBins));
    if (e > float(lo) && e < float(hi) && (edges.empty() || e > edges.back())) edges.push_back(e);
  }
  return edges;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_binning)

BOOST_AUTO_TEST_CASE(edges_do_not_depend_on_the_rank_count) {
  auto const comm = comm::Comm::world();
  int const p = comm.size(), r = comm.rank();
  std::uint64_t const n = 5003;
  int const d = 4;
  // Uneven blocks: rank r holds a share proportional to r + 1.
  std::uint64_t const total = std::uint64_t(p) * (p + 1) / 2;
  std::uint64_t const begin = n * (std::uint64_t(r) * (r + 1) / 2) / total;
  std::uint64_t const end = n * (std::uint64_t(r + 1) * (r + 2) / 2) / total;
  auto block = forest::testdata::noisyBlock(begin, end, d, 0.);
  auto all = forest::testdata::noisyBlock(0, n, d, 0.);
  // Feature 3: heavy tailed (cube of a normal), with a NaN and an infinity in the data.
  for (auto* b : {&block, &all})
    for (std::size_t i = 0; i < b->labels.size(); ++i)
      b->x[i * d + 3] = std::pow(b->x[i * d + 3], 3.f);
  auto const poison = [&](std::uint64_t g, float v) {
    all.x[g * d + 1] = v;
    if (g >= begin && g < end) block.x[(g - begin) * d + 1] = v;
  };
  poison(17, std::nanf(""));
  poison(4000, INFINITY);

  for (int bins : {2, 16, 256}) {
    auto const edges =
        forest::computeBinEdges(comm, block.x.data(), block.labels.size(), d, bins, nullptr);
    BOOST_TEST_CONTEXT("bins " << bins << " ranks " << p) {
      for (int f = 0; f < d; ++f) {
        std::vector<float> column;
        for (std::uint64_t g = 0; g < n; ++g) column.push_back(all.x[g * d + f]);
        std::vector<float> const got(edges.edges.begin() + edges.offsets[f],
                                     edges.edges.begin() + edges.offsets[f + 1]);
        BOOST_TEST(got == expectedEdges(column, bins), boost::test_tools::per_element());
        BOOST_TEST(edges.bins(f) <= bins);
        BOOST_TEST(std::is_sorted(got.begin(), got.end()));
        // Continuous features (0, 1): every bin holds about n / bins rows.
        if (f <= 1 && bins <= 16) {
          std::vector<int> counts(std::size_t(edges.bins(f)), 0);
          for (float v : column)
            if (std::isfinite(v)) ++counts[forest::binOf(got.data(), int(got.size()), v)];
          BOOST_TEST(edges.bins(f) == bins);
          for (int c : counts) BOOST_TEST(std::abs(c - double(n) / bins) < 0.1 * n / bins);
        }
      }
      BOOST_TEST(edges.bins(2) == std::min(bins, 4));  // four values: one bin each if allowed
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
