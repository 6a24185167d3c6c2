// Parallel HDF5: every rank writes its rows at offsets from an exclusive scan; the file
// holds them in rank order, whatever the number of ranks.
#include "comm/comm.hpp"
#include "core/files.hpp"
#include "io/h5_store.hpp"

#include <boost/test/unit_test.hpp>

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

BOOST_AUTO_TEST_SUITE_END()
