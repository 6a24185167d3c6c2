// VoTableWriter: its output passes `stilts votlint` without errors or warnings, reads back
// through our parser and through astropy with the same values, and bad cells are refused.
#include "io/read_error.hpp"
#include "io/votable.hpp"
#include "votable_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <sstream>

namespace io = vocloud::io;
namespace vt = vocloud::io::test;

namespace {

io::VoField field(std::string name, std::string datatype, std::string arraysize = "",
                  std::string unit = "", std::string ucd = "") {
  io::VoField f;
  f.name = std::move(name);
  f.datatype = std::move(datatype);
  f.arraysize = std::move(arraysize);
  f.unit = std::move(unit);
  f.ucd = std::move(ucd);
  return f;
}

// A header with every datatype, a PARAM of each kind and metadata that needs escaping.
io::VoTableHeader mixedHeader() {
  io::VoTableHeader header;
  header.resourceName = "vocloud candidates";
  header.resourceDescription = "Spectra & their <scores>";
  header.tableName = "candidates";
  header.tableDescription = "ranked \"Be star\" candidates";
  header.infos.push_back({"engine", "", "vocloud", "test run: 'quoted' & <escaped>"});
  io::VoParam p{field("grid_start", "double", "", "Angstrom", "em.wl;stat.min"), "6250.5"};
  header.params.push_back(p);
  header.params.push_back({field("label", "char", "*"), "Be <emission> & co"});
  header.params.push_back({field("missing", "int"), ""});
  header.params.push_back({field("window", "float", "2"), ""});
  auto id = field("id", "char", "*", "", "meta.id;meta.main");
  id.description = "identifier";
  id.utype = "ssa:Curation.PublisherDID";
  header.fields = {id,
                   field("rank", "int"),
                   field("score", "float"),
                   field("ra", "double", "", "deg", "pos.eq.ra"),
                   field("good", "boolean"),
                   field("flags", "unsignedByte"),
                   field("n", "short"),
                   field("big", "long"),
                   field("pos", "double", "2", "deg"),
                   field("hist", "int", "*"),
                   field("tiles", "float", "2x*"),
                   field("bits", "bit", "4"),
                   field("z", "doubleComplex"),
                   field("name", "unicodeChar", "*"),
                   field("code", "char", "4")};
  header.fields[5].values.null = "255";
  return header;
}

std::vector<std::vector<std::string>> mixedRows() {
  double const nan = std::numeric_limits<double>::quiet_NaN();
  return {
      {"ivo://x/a?1&2", "1", io::voCell(0.75f), io::voCell(345.0212499973), "T", "3", "-7",
       "9223372036854775807", "1.5 -2.25", "1 2 3", "1 2 3 4", "1 0 1 1", "1.5 -2",
       "Ond\xc5\x99"
       "ejov",
       "ab"},
      {"<b>\"quoted\" 'single'</b>", "", "NaN", io::voCell(nan), "", "", "", "", "", "", "",
       "0 0 0 0", "", "", ""},
      {"tab\there\nnewline", "-2147483647", "inf", "-Infinity", "false", "0", "32767", "-1",
       "NaN NaN", "", "0.5 0.25", "1 1 1 1", "NaN NaN", "\xe2\x98\xba", "abcd"},
      {"", "42", "1e-30", "1e300", "1", "254", "0", "0", "0 0", "-5", "", "0 1 0 1", "0 0", "x",
       "a"},
  };
}

std::string writeMixed(std::string const& name) {
  std::string const path = vt::scratchDir() + "/" + name;
  io::VoTableWriter writer(path, mixedHeader());
  for (auto const& row : mixedRows()) writer.writeRow(row);
  writer.finish();
  BOOST_TEST(writer.rowCount() == 4);
  return path;
}

// The cells as the writer states them: what a reader must give back.
std::vector<std::vector<std::string>> expectedCells() {
  auto rows = mixedRows();
  rows[1][1] = "";      // int null
  rows[2][2] = "+Inf";  // spelled as VOTable spells it
  rows[2][3] = "-Inf";
  rows[2][4] = "F";
  rows[3][4] = "T";
  rows[2][0] = "tab\there\nnewline";
  return rows;
}

template <typename Call>
std::string errorOf(Call const& call) {
  try {
    call();
  } catch (vocloud::Error const& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(votable_write)

BOOST_AUTO_TEST_CASE(writer_output_passes_votlint) {
  std::string const path = writeMixed("mixed.vot");
  std::string const report = vt::votlint(path);
  auto const problems = vt::problemLines(report);
  for (auto const& line : problems) BOOST_ERROR("votlint: " << line);
  BOOST_TEST(problems.empty(), report);
}

BOOST_AUTO_TEST_CASE(writer_round_trips_through_the_parser) {
  std::string const path = writeMixed("roundtrip.vot");
  io::VoDocument const doc = io::readVoTableFile(path);
  BOOST_TEST(doc.version == "1.4");
  BOOST_TEST(doc.queryStatus() == "OK");
  io::VoTable const& table = doc.resultsTable();
  io::VoTableHeader const header = mixedHeader();
  BOOST_TEST(table.name == header.tableName);
  BOOST_TEST(table.description == header.tableDescription);
  BOOST_TEST(doc.resources[0].description == header.resourceDescription);
  BOOST_REQUIRE(table.fields.size() == header.fields.size());
  for (std::size_t i = 0; i < table.fields.size(); ++i) {
    BOOST_TEST(table.fields[i].name == header.fields[i].name);
    BOOST_TEST(table.fields[i].datatype == header.fields[i].datatype);
    BOOST_TEST(table.fields[i].arraysize == header.fields[i].arraysize);
    BOOST_TEST(table.fields[i].unit == header.fields[i].unit);
    BOOST_TEST(table.fields[i].ucd == header.fields[i].ucd);
  }
  BOOST_TEST(table.fields[0].utype == header.fields[0].utype);
  BOOST_TEST(table.fields[0].description == header.fields[0].description);
  BOOST_REQUIRE(table.params.size() == header.params.size());
  BOOST_TEST(table.params[0].value == "6250.5");
  BOOST_TEST(table.params[1].value == header.params[1].value);
  BOOST_TEST(table.param("label") == &table.params[1]);
  bool foundInfo = false;
  for (auto const& info : doc.resources[0].infos)
    if (info.name == "engine") foundInfo = info.content == header.infos[0].content;
  BOOST_TEST(foundInfo);

  io::VoTable expected = table;
  expected.rows = expectedCells();
  auto const diffs = vt::compareTables(table, expected);
  for (auto const& d : diffs) BOOST_ERROR(d);
  BOOST_TEST(table.rows[0][0] == expected.rows[0][0]);  // escaped text comes back verbatim
  BOOST_TEST(table.rows[1][0] == expected.rows[1][0]);
}

BOOST_AUTO_TEST_CASE(astropy_reads_the_writer_output_with_the_same_values) {
  std::string const path = writeMixed("for_astropy.vot");
  YAML::Node const ref = vt::astropy("describe", path);
  BOOST_TEST(ref["version"].as<std::string>() == "1.4");
  io::VoTable const table = io::readVoTableFile(path).resultsTable();
  auto diffs = vt::compareWithAstropy(table, ref["results"]);
  io::VoTable expected = table;
  expected.rows = expectedCells();
  auto const ours = vt::compareWithAstropy(expected, ref["results"]);
  diffs.insert(diffs.end(), ours.begin(), ours.end());
  for (auto const& d : diffs) BOOST_ERROR(d);
  BOOST_TEST(diffs.empty());
}

BOOST_AUTO_TEST_CASE(real_ssap_table_rewritten_passes_votlint_and_reads_back) {
  std::string const source = vt::formatsDir() + "/ssap/ssap1.xml";
  io::VoDocument const doc = io::readVoTableFile(source);
  io::VoTable const& original = doc.resultsTable();
  io::VoTableHeader header;
  header.tableName = original.name;
  header.fields = original.fields;
  std::string const path = vt::scratchDir() + "/ssap1_rewritten.vot";
  {
    io::VoTableWriter writer(path, header);
    for (auto const& row : original.rows) writer.writeRow(row);
    writer.finish();
  }
  auto const problems = vt::problemLines(vt::votlint(path));
  for (auto const& line : problems) BOOST_ERROR("votlint: " << line);
  io::VoTable const back = io::readVoTableFile(path).resultsTable();
  auto const diffs = vt::compareTables(original, back);
  for (auto const& d : diffs) BOOST_ERROR(d);
  BOOST_TEST(back.rows.size() == original.rows.size());
}

BOOST_AUTO_TEST_CASE(spectrum_written_in_nm_reads_in_angstrom) {
  io::VoTableHeader header;
  auto wave = field("wavelength", "double", "", "nm", "em.wl");
  wave.utype = "spec:Spectrum.Data.SpectralAxis.Value";
  header.fields = {wave, field("flux", "float", "", "", "phot.flux.density"),
                   field("flux_error", "float", "", "", "stat.error;phot.flux.density")};
  header.params.push_back({field("ssa_targname", "char", "*"), "HD 1"});
  header.params.back().field.utype = "spec:Spectrum.Target.Name";
  std::string const path = vt::scratchDir() + "/spectrum_nm.vot";
  {
    io::VoTableWriter writer(path, header);
    writer.writeRow({"650.5", "2.5", "0.5"});
    writer.writeRow({"650.75", "3", ""});
    writer.finish();
  }
  io::Spectrum const s = io::readVoTableSpectrum(path);
  BOOST_REQUIRE(s.wave.size() == 2u);
  BOOST_TEST(s.wave[0] == 650.5 * 10);
  BOOST_TEST(s.wave[1] == 650.75 * 10);
  BOOST_TEST(s.flux[1] == 3.0f);
  BOOST_REQUIRE(s.ivar.size() == 2u);
  BOOST_TEST(s.ivar[0] == 4.0f);  // 1 / 0.5^2
  BOOST_TEST(s.ivar[1] == 0.0f);  // unknown error: no weight
  BOOST_TEST(s.meta.object == "HD 1");
  BOOST_TEST(s.meta.id == "spectrum_nm");

  // One row of arrays (how some services store a spectrum) reads as the arrays.
  io::VoTableHeader arrays;
  arrays.fields = {field("wave", "double", "*", "um"), field("flux", "float", "*")};
  std::string const one = vt::scratchDir() + "/spectrum_row.vot";
  {
    io::VoTableWriter writer(one, arrays);
    writer.writeRow({"0.5 0.75 1", "1 2 NaN"});
    writer.finish();
  }
  io::Spectrum const r = io::readVoTableSpectrum(one);
  BOOST_REQUIRE(r.wave.size() == 3u);
  BOOST_TEST(r.wave[1] == 0.75 * 1e4);
  BOOST_TEST(r.flux[1] == 2.0f);
  BOOST_TEST(std::isnan(r.flux[2]));
}

BOOST_AUTO_TEST_CASE(writer_refuses_bad_cells_and_headers) {
  std::ostringstream out;
  io::VoTableWriter writer(out, mixedHeader());
  auto row = mixedRows()[0];
  auto with = [&](std::size_t column, std::string const& cell) {
    auto copy = row;
    copy[column] = cell;
    return errorOf([&] { writer.writeRow(copy); });
  };
  BOOST_TEST(with(1, "abc").find("row 1, column 'rank'") != std::string::npos);
  BOOST_TEST(with(6, "70000").find("not a short") != std::string::npos);
  BOOST_TEST(with(5, "-1").find("unsignedByte") != std::string::npos);
  BOOST_TEST(with(4, "maybe").find("boolean") != std::string::npos);
  BOOST_TEST(with(8, "1 2 3").find("arraysize 2") != std::string::npos);
  BOOST_TEST(with(10, "1 2 3").find("multiple of 2") != std::string::npos);
  BOOST_TEST(with(2, "1.5.5").find("not a number") != std::string::npos);
  BOOST_TEST(with(12, "1").find("scalar") != std::string::npos);
  BOOST_TEST(errorOf([&] { writer.writeRow({"a"}); }).find("1 cells for 15 FIELDs") !=
             std::string::npos);
  writer.writeRow(row);
  BOOST_TEST(writer.rowCount() == 1);
  writer.finish();
  BOOST_TEST(out.str().find("</VOTABLE>") != std::string::npos);

  auto header = mixedHeader();
  header.fields[1].name = header.fields[0].name;
  std::ostringstream sink;
  BOOST_TEST(errorOf([&] { io::VoTableWriter w(sink, header); }).find("two FIELDs") !=
             std::string::npos);
  header = mixedHeader();
  header.fields[1].id = "two words";
  BOOST_TEST(errorOf([&] { io::VoTableWriter w(sink, header); }).find("not an XML name") !=
             std::string::npos);
  header = mixedHeader();
  header.fields[1].id = header.fields[2].id = "same";
  BOOST_TEST(errorOf([&] { io::VoTableWriter w(sink, header); }).find("two elements with ID") !=
             std::string::npos);
  header = mixedHeader();
  header.fields[1].datatype = "integer";
  BOOST_TEST(errorOf([&] { io::VoTableWriter w(sink, header); }).find("not a VOTable datatype") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
