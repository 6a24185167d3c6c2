#include "comm/shard.hpp"
#include "core/error.hpp"

#include <boost/test/unit_test.hpp>

#include <numeric>

using namespace vocloud;

BOOST_AUTO_TEST_SUITE(shard_suite)

BOOST_AUTO_TEST_CASE(blocks_cover_every_item_once_and_differ_by_at_most_one) {
  for (std::uint64_t n : {0ull, 1ull, 7ull, 10ull, 1000003ull}) {
    for (int parts : {1, 2, 3, 4, 7}) {
      std::uint64_t expectedBegin = 0, smallest = n, largest = 0;
      for (int p = 0; p < parts; ++p) {
        auto const r = comm::blockRange(n, parts, p);
        BOOST_TEST(r.begin == expectedBegin);
        expectedBegin = r.end;
        smallest = std::min(smallest, r.size());
        largest = std::max(largest, r.size());
      }
      BOOST_TEST(expectedBegin == n);
      BOOST_TEST(largest - smallest <= 1u);
    }
  }
  // 10 items in 4 parts: 3, 3, 2, 2.
  BOOST_TEST((comm::blockRange(10, 4, 1) == comm::Range{3, 6}));
  BOOST_TEST((comm::blockRange(10, 4, 3) == comm::Range{8, 10}));
  BOOST_CHECK_THROW(comm::blockRange(10, 4, 4), Error);
}

BOOST_AUTO_TEST_CASE(weighted_shards_balance_the_weight_not_the_count) {
  // One heavy item then nine light ones: 2 parts split after the heavy one.
  std::vector<double> const weights = {9, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  auto const bounds = comm::shardByWeights(weights, 2);
  BOOST_TEST((bounds == std::vector<std::uint64_t>{0, 1, 10}));
  // Equal weights give the equal-count blocks.
  std::vector<double> const equal(12, 2.);
  BOOST_TEST((comm::shardByWeights(equal, 3) == std::vector<std::uint64_t>{0, 4, 8, 12}));
  // Zero total weight falls back to equal counts.
  BOOST_TEST((comm::shardByWeights(std::vector<double>(5, 0.), 2) ==
              std::vector<std::uint64_t>{0, 3, 5}));
  BOOST_CHECK_THROW(comm::shardByWeights({1., -1.}, 2), Error);
}

BOOST_AUTO_TEST_CASE(weighted_shards_are_monotone_and_near_the_ideal_split) {
  std::vector<double> weights(1000);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = 1. + double((i * 37) % 11);
  double const total = std::accumulate(weights.begin(), weights.end(), 0.);
  for (int parts : {1, 2, 4, 8}) {
    auto const bounds = comm::shardByWeights(weights, parts);
    BOOST_TEST(bounds.front() == 0u);
    BOOST_TEST(bounds.back() == weights.size());
    for (int p = 0; p < parts; ++p) {
      BOOST_TEST(bounds[p] <= bounds[p + 1]);
      double const w = std::accumulate(weights.begin() + bounds[p], weights.begin() + bounds[p + 1], 0.);
      // Each block is within one item's weight (at most 11) of the ideal share.
      BOOST_TEST(std::abs(w - total / parts) <= 2 * 11.);
    }
  }
}

BOOST_AUTO_TEST_CASE(cyclic_rounds_in_part_order_give_global_order) {
  for (std::uint64_t n : {0ull, 1ull, 5ull, 64ull, 1001ull}) {
    for (int parts : {1, 2, 3, 4}) {
      comm::CyclicLayout const layout{n, 7, parts};
      std::uint64_t next = 0, owned = 0;
      for (std::uint64_t k = 0; k < layout.rounds(); ++k) {
        for (int p = 0; p < parts; ++p) {
          auto const r = layout.rows(p, k);
          if (r.size() == 0) continue;
          BOOST_TEST(r.begin == next);  // concatenating rounds in part order = global order
          next = r.end;
        }
      }
      BOOST_TEST(next == n);
      for (int p = 0; p < parts; ++p) owned += layout.count(p);
      BOOST_TEST(owned == n);
    }
  }
  // 20 rows, blocks of 4, 2 parts: part 1 owns rows 4-7 and 12-15 and 20.. (none).
  comm::CyclicLayout const small{20, 4, 2};
  BOOST_TEST(small.rounds() == 3u);
  BOOST_TEST((small.rows(1, 1) == comm::Range{12, 16}));
  BOOST_TEST(small.rows(1, 2).size() == 0u);
  BOOST_TEST(small.count(0) == 12u);
}

BOOST_AUTO_TEST_SUITE_END()
