// ResultTable: the CSV, VOTable and HDF5 twins of a result list hold the same columns and
// values (read back through our own parser and HDF5 reader, and a hand-written CSV line).
#include "comm/comm.hpp"
#include "core/error.hpp"
#include "io/h5_store.hpp"
#include "io/result_table.hpp"
#include "io/votable.hpp"
#include "votable_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace io = vocloud::io;
namespace vt = vocloud::io::test;

namespace {

io::ResultTable smallTable() {
  io::RowMeta meta;
  meta.id = {"ivo://x/a,1", "b \"quoted\""};
  meta.label = {"emission", ""};
  meta.ra = {10.5, std::numeric_limits<double>::quiet_NaN()};
  meta.dec = {-20.25, 1.0};
  meta.path = {"files/a.fits", "files/b.fits"};
  io::ResultTable table;
  table.name = "t";
  table.columns = {io::intColumn("rank", {1, 2}, "meta.number", "rank")};
  for (auto& c : io::spectrumColumns(meta)) table.columns.push_back(std::move(c));
  table.columns.push_back(io::floatColumn("score", {0.75f, 0.1f}, "stat.value", "score"));
  return table;
}

std::string readText(std::string const& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(result_table)

BOOST_AUTO_TEST_CASE(csv_quotes_fields_and_writes_shortest_numbers) {
  std::string const path = vt::scratchDir() + "/table.csv";
  io::writeResultCsv(path, smallTable());
  BOOST_TEST(readText(path) ==
             "rank,id,label,ra,dec,path,score\n"
             "1,\"ivo://x/a,1\",emission,10.5,-20.25,files/a.fits,0.75\n"
             "2,\"b \"\"quoted\"\"\",,NaN,1,files/b.fits,0.1\n");
}

BOOST_AUTO_TEST_CASE(votable_has_the_csv_columns_with_ucds_and_values) {
  std::string const path = vt::scratchDir() + "/table.vot";
  io::writeResultVoTable(path, smallTable(), "test");
  io::VoTable const table = io::readVoTableFile(path).resultsTable();
  BOOST_REQUIRE_EQUAL(table.fields.size(), 7u);
  BOOST_TEST(table.fields[1].name == "id");
  BOOST_TEST(table.fields[1].ucd == "meta.id;meta.main");
  BOOST_TEST(table.fields[3].ucd == "pos.eq.ra;meta.main");
  BOOST_TEST(table.fields[3].unit == "deg");
  BOOST_TEST(table.fields[4].ucd == "pos.eq.dec;meta.main");
  BOOST_REQUIRE_EQUAL(table.rows.size(), 2u);
  BOOST_TEST(table.rows[1][1] == "b \"quoted\"");
  BOOST_TEST(table.rows[1][3] == "NaN");
  BOOST_TEST(table.rows[0][6] == "0.75");
}

BOOST_AUTO_TEST_CASE(hdf5_twin_has_the_same_columns_and_values) {
  auto const comm = vocloud::comm::Comm::self();
  std::string const path = vt::scratchDir() + "/table.h5";
  {
    io::H5File file = io::H5File::createSerial(path);
    io::writeResultH5(file, "/list", smallTable(), comm);
    file.close();
  }
  io::H5File const file = io::H5File::openSerial(path);
  auto const ids = io::H5Rows::open(file, "/list/id").readStrings(0, 2);
  BOOST_TEST(ids[0] == "ivo://x/a,1");
  BOOST_TEST(ids[1] == "b \"quoted\"");
  std::vector<double> dec(2);
  io::H5Rows::open(file, "/list/dec").read(0, 2, dec.data());
  BOOST_TEST(dec[0] == -20.25);
  BOOST_TEST(file.stringAttribute("/list/ra", "unit") == "deg");
  BOOST_TEST(file.stringAttribute("/list/id", "ucd") == "meta.id;meta.main");
}

BOOST_AUTO_TEST_CASE(columns_of_unequal_length_are_refused_by_name) {
  io::ResultTable table = smallTable();
  table.columns.push_back(io::intColumn("short", {1}, "meta.number", ""));
  BOOST_CHECK_EXCEPTION(table.rows(), vocloud::Error, [](vocloud::Error const& e) {
    return std::string(e.what()).find("column short has 1 values") != std::string::npos;
  });
}

BOOST_AUTO_TEST_SUITE_END()
