// Parallel HDF5: every rank writes its rows at offsets from an exclusive scan; the file
// holds them in rank order, whatever the number of ranks.
#include "comm/comm.hpp"
#include "core/files.hpp"
#include "io/dataset_shard.hpp"
#include "io/h5_store.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <unistd.h>

using namespace vocloud;

BOOST_AUTO_TEST_SUITE(h5_store_suite)

BOOST_AUTO_TEST_CASE(rows_from_every_rank_land_at_their_offsets) {
  auto const comm = comm::Comm::world();
  int const r = comm.rank(), p = comm.size();
  std::string const dir = comm.bcast(comm.isRoot() ? std::filesystem::temp_directory_path().string() +
                                                         "/vocloud_h5_" + std::to_string(::getpid())
                                                   : std::string(), 0);
  if (comm.isRoot()) core::makeDirectories(dir);
  comm.barrier();
  std::string const path = dir + "/t.h5";
  std::uint64_t const cols = 5;
  // Rank r holds r + 1 rows; row g (global) has values g * 10 + column.
  std::uint64_t const mine = static_cast<std::uint64_t>(r + 1);
  std::uint64_t const offset = comm.exscan<unsigned long long>(mine);
  std::uint64_t const total = comm.allreduce<unsigned long long>(mine, comm::Op::Sum);
  {
    auto file = io::H5File::createParallel(path, comm);
    {  // datasets are closed before the file (MPI-IO files refuse to close with open objects)
    auto flux = io::H5Rows::create(file, "/flux", io::H5Type::Float32, cols, 2);
    auto ids = io::H5Rows::create(file, "/meta/id", io::H5Type::String, 0, 4, 12);
    auto index = io::H5Rows::create(file, "/meta/row", io::H5Type::Int64, 0, 4);
    flux.resize(total);
    ids.resize(total);
    index.resize(total);
    std::vector<float> values;
    std::vector<std::string> names;
    std::vector<std::int64_t> rows;
    for (std::uint64_t i = 0; i < mine; ++i) {
      std::uint64_t const g = offset + i;
      for (std::uint64_t c = 0; c < cols; ++c) values.push_back(static_cast<float>(g * 10 + c));
      names.push_back("spectrum-" + std::to_string(g));
      rows.push_back(static_cast<std::int64_t>(g));
    }
    flux.write(offset, mine, values.data());
    ids.write(offset, names);
    index.write(offset, mine, rows.data());
    io::writeSmall(file, "/wave", {1., 2., 3., 4., 5.}, {cols});
    file.setAttribute("/", "engine", std::string("test"));
    file.setAttribute("/flux", "scale", 2.5);
    }
    file.close();
  }
  comm.barrier();
  // Every rank reads the whole file back on its own.
  auto file = io::H5File::openSerial(path);
  auto flux = io::H5Rows::open(file, "/flux");
  BOOST_TEST(flux.rows() == total);
  BOOST_TEST(flux.cols() == cols);
  std::vector<float> all(total * cols);
  flux.read(0, total, all.data());
  for (std::uint64_t g = 0; g < total; ++g)
    for (std::uint64_t c = 0; c < cols; ++c) BOOST_TEST(all[g * cols + c] == static_cast<float>(g * 10 + c));
  auto const names = io::H5Rows::open(file, "/meta/id").readStrings(0, total);
  BOOST_TEST(names.back() == "spectrum-" + std::to_string(total - 1));
  std::vector<std::int64_t> rows(total);
  io::H5Rows::open(file, "/meta/row").read(0, total, rows.data());
  BOOST_TEST(rows[total - 1] == static_cast<std::int64_t>(total - 1));
  std::vector<std::uint64_t> shape;
  BOOST_TEST(io::readSmall(file, "/wave", &shape)[4] == 5.);
  BOOST_TEST(shape.size() == 1u);
  BOOST_TEST(file.stringAttribute("/", "engine") == "test");
  BOOST_TEST(file.numberAttribute("/flux", "scale") == 2.5);
  BOOST_TEST(file.exists("/meta/id"));
  BOOST_TEST(!file.exists("/meta/nothing"));
  BOOST_TEST(total == static_cast<std::uint64_t>(p * (p + 1) / 2));
  comm.barrier();
  if (comm.isRoot()) core::removeAll(dir);
}

namespace {

/// The labelled flags of this rank's equal-rows block of n rows when row g is labelled
/// exactly when isLabelled(g).
template <class F>
std::vector<std::uint8_t> labelledBlock(comm::Comm const& comm, std::uint64_t n, F isLabelled) {
  std::uint64_t const p = std::uint64_t(comm.size()), r = std::uint64_t(comm.rank());
  std::vector<std::uint8_t> out;
  for (std::uint64_t g = n * r / p; g < n * (r + 1) / p; ++g) out.push_back(isLabelled(g) ? 1 : 0);
  return out;
}

}  // namespace

// The forest deals rows so that ranks hold equal labelled rows: rank q starts at labelled
// row L q / P of the global list, which every rank can write down here from the pattern.
BOOST_AUTO_TEST_CASE(labelled_balance_starts_each_rank_at_its_share_of_labelled_rows) {
  auto const comm = comm::Comm::world();
  std::uint64_t const p = std::uint64_t(comm.size());
  std::uint64_t const n = 1000;
  // Labels on 2 of every 7 rows of the first 800 (the rest unlabelled, as a held-out tail).
  auto const isLabelled = [](std::uint64_t g) { return g < 800 && g % 7 < 2; };
  std::vector<std::uint64_t> labelledRows;
  for (std::uint64_t g = 0; g < n; ++g)
    if (isLabelled(g)) labelledRows.push_back(g);
  std::uint64_t const l = labelledRows.size();
  auto const starts =
      io::shardStarts(n, io::ShardBalance::LabelledRows, labelledBlock(comm, n, isLabelled), comm);
  BOOST_TEST_REQUIRE(starts.size() == p + 1);
  BOOST_TEST(starts[0] == 0u);
  BOOST_TEST(starts[p] == n);
  for (std::uint64_t q = 1; q < p; ++q) BOOST_TEST(starts[q] == labelledRows[l * q / p]);
  // Each rank's labelled count is its share, L/P rounded either way.
  for (std::uint64_t q = 0; q < p; ++q) {
    auto const held = std::count_if(labelledRows.begin(), labelledRows.end(), [&](std::uint64_t g) {
      return g >= starts[q] && g < starts[q + 1];
    });
    BOOST_TEST(std::uint64_t(held) >= l / p);
    BOOST_TEST(std::uint64_t(held) <= (l + p - 1) / p);
  }
  // Equal rows ignore the labels.
  auto const even = io::shardStarts(n, io::ShardBalance::Rows, {}, comm);
  for (std::uint64_t q = 0; q <= p; ++q) BOOST_TEST(even[q] == n * q / p);
}

// When the labelled rows crowd into a few rows, no rank takes more than 2 ceil(N / P) rows
// (memory per rank stays bounded) and none is left empty.
BOOST_AUTO_TEST_CASE(labelled_balance_keeps_every_block_within_twice_its_share) {
  auto const comm = comm::Comm::world();
  std::uint64_t const p = std::uint64_t(comm.size());
  std::uint64_t const n = 1001;
  auto const isLabelled = [](std::uint64_t g) { return g >= 990; };  // the last 11 rows
  auto const starts =
      io::shardStarts(n, io::ShardBalance::LabelledRows, labelledBlock(comm, n, isLabelled), comm);
  std::uint64_t const cap = 2 * ((n + p - 1) / p);
  BOOST_TEST(starts[0] == 0u);
  BOOST_TEST(starts[p] == n);
  for (std::uint64_t q = 0; q < p; ++q) {
    BOOST_TEST(starts[q + 1] > starts[q]);
    BOOST_TEST(starts[q + 1] - starts[q] <= cap);
  }
  // The last rank still starts at its labelled share, labelled row 11 (P - 1) / P; at 4
  // ranks the first would reach row 992 and is cut at the bound instead.
  if (p > 1) BOOST_TEST(starts[p - 1] == 990 + 11 * (p - 1) / p);
  if (p == 4) BOOST_TEST(starts[1] == cap);
  // Fewer labelled rows than ranks: equal rows.
  auto const few =
      io::shardStarts(n, io::ShardBalance::LabelledRows,
                      labelledBlock(comm, n, [](std::uint64_t g) { return g == 5; }), comm);
  if (p > 1)
    for (std::uint64_t q = 0; q <= p; ++q) BOOST_TEST(few[q] == n * q / p);
}

BOOST_AUTO_TEST_SUITE_END()
