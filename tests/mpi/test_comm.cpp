#include "comm/comm.hpp"
#include "comm/shard.hpp"
#include "core/files.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <numeric>
#include <string>

using namespace vocloud;

BOOST_AUTO_TEST_SUITE(comm_suite)

BOOST_AUTO_TEST_CASE(allreduce_sums_min_max) {
  auto const comm = comm::Comm::world();
  int const p = comm.size(), r = comm.rank();
  // Sum of (rank + 1) over ranks is p(p+1)/2.
  BOOST_TEST(comm.allreduce<long long>(r + 1, comm::Op::Sum) == (long long)p * (p + 1) / 2);
  BOOST_TEST(comm.allreduce<int>(r, comm::Op::Max) == p - 1);
  BOOST_TEST(comm.allreduce<double>(r + 0.5, comm::Op::Min) == 0.5);
  std::vector<float> v = {1.f, float(r), 2.f};
  comm.allreduce(v, comm::Op::Sum);
  BOOST_TEST(v[0] == float(p));
  BOOST_TEST(v[1] == float(p * (p - 1) / 2));
  BOOST_TEST(comm.allOk(true));
  BOOST_TEST(comm.allOk(r != p - 1) == (p == 0));  // false as soon as one rank says no
}

BOOST_AUTO_TEST_CASE(allgather_allgatherv_exscan_bcast) {
  auto const comm = comm::Comm::world();
  int const p = comm.size(), r = comm.rank();
  auto const ranks = comm.allgather<int>(r * 10);
  for (int i = 0; i < p; ++i) BOOST_TEST(ranks[i] == i * 10);

  // Rank r contributes r copies of r: the result is 1, 2, 2, 3, 3, 3, ...
  std::vector<unsigned long> mine(static_cast<std::size_t>(r), static_cast<unsigned long>(r));
  auto const all = comm.allgatherv(mine);
  std::vector<unsigned long> expected;
  for (int i = 0; i < p; ++i) expected.insert(expected.end(), static_cast<std::size_t>(i), i);
  BOOST_TEST(all == expected, boost::test_tools::per_element());

  BOOST_TEST(comm.exscan<unsigned long long>(r + 1) == (unsigned long long)r * (r + 1) / 2);

  std::string text = r == p - 1 ? std::string("from the last rank") : std::string();
  BOOST_TEST(comm.bcast(text, p - 1) == "from the last rank");
  std::vector<double> values = r == 0 ? std::vector<double>{1., 2., 3.} : std::vector<double>{};
  comm.bcast(values, 0);
  BOOST_TEST(values.size() == 3u);
  BOOST_TEST(values[2] == 3.);
}

// Rank r sends to rank s the s + 1 values 100 r + s: rank s receives, in rank order,
// s + 1 copies of 100 r + s from every rank r.
BOOST_AUTO_TEST_CASE(alltoallv_delivers_each_rank_its_part) {
  auto const comm = comm::Comm::world();
  int const p = comm.size(), r = comm.rank();
  std::vector<int> send;
  std::vector<std::size_t> sendCounts;
  for (int s = 0; s < p; ++s) {
    send.insert(send.end(), std::size_t(s + 1), 100 * r + s);
    sendCounts.push_back(std::size_t(s + 1));
  }
  std::vector<std::size_t> recvCounts;
  auto const got = comm.alltoallv(send, sendCounts, recvCounts);
  std::vector<int> expected;
  for (int q = 0; q < p; ++q) expected.insert(expected.end(), std::size_t(r + 1), 100 * q + r);
  BOOST_TEST(got == expected, boost::test_tools::per_element());
  BOOST_TEST(recvCounts == std::vector<std::size_t>(std::size_t(p), std::size_t(r + 1)),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ordered_writer_puts_rank_chunks_in_rank_order) {
  auto const comm = comm::Comm::world();
  int const p = comm.size(), r = comm.rank();
  std::string dir = comm.bcast(comm.isRoot() ? std::filesystem::temp_directory_path().string() +
                                                   "/vocloud_ordered_" + std::to_string(::getpid())
                                             : std::string(), 0);
  if (comm.isRoot()) core::makeDirectories(dir);
  comm.barrier();
  std::string const path = dir + "/out.txt";
  {
    comm::OrderedFileWriter writer(comm, path);
    // Two rounds; ranks of odd number write nothing in the second one.
    writer.append("a" + std::to_string(r) + ";");
    writer.append(r % 2 ? std::string() : "b" + std::to_string(r) + ";");
    writer.close();
  }
  std::string expected;
  for (int i = 0; i < p; ++i) expected += "a" + std::to_string(i) + ";";
  for (int i = 0; i < p; i += 2) expected += "b" + std::to_string(i) + ";";
  comm.barrier();
  BOOST_TEST(core::readFile(path) == expected);
  comm.barrier();  // everyone has read before the file is replaced
  // writeOrdered replaces the file.
  BOOST_TEST(comm.writeOrdered(path, std::string(static_cast<std::size_t>(r + 1), 'x')) ==
             static_cast<std::uint64_t>(p * (p + 1) / 2));
  BOOST_TEST(core::readFile(path).size() == static_cast<std::size_t>(p * (p + 1) / 2));
  comm.barrier();
  if (comm.isRoot()) core::removeAll(dir);
}

BOOST_AUTO_TEST_CASE(block_shards_of_all_ranks_tile_the_rows) {
  auto const comm = comm::Comm::world();
  std::uint64_t const n = 1001;
  auto const mine = comm::blockRange(n, comm.size(), comm.rank());
  BOOST_TEST(comm.allreduce<unsigned long long>(mine.size(), comm::Op::Sum) == n);
  BOOST_TEST(comm.exscan<unsigned long long>(mine.size()) == mine.begin);
}

BOOST_AUTO_TEST_SUITE_END()
