// The VOTable parser against astropy's reading of the same files: real SSAP responses
// (results, utypes, access references, DataLink service descriptors, an error response),
// a real spectrum in BINARY and TABLEDATA, and astropy-written BINARY/BINARY2 tables with
// nulls of every datatype; plus malformed documents and XML features on hand-made cases.
#include "io/read_error.hpp"
#include "io/votable.hpp"
#include "votable_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace io = vocloud::io;
namespace vt = vocloud::io::test;

namespace {

std::string ssap(std::string const& name) {
  return vt::formatsDir() + "/ssap/" + name;
}
std::string hd217476(std::string const& name) {
  return vt::formatsDir() + "/hd217476/" + name;
}

void expectSameAsAstropy(std::string const& path) {
  BOOST_TEST_CONTEXT(path) {
    io::VoDocument const doc = io::readVoTableFile(path);
    YAML::Node const ref = vt::astropy("describe", path);
    BOOST_TEST(doc.version == ref["version"].as<std::string>());
    BOOST_TEST(doc.queryStatus() == ref["query_status"].as<std::string>());
    BOOST_REQUIRE(ref["results"]);
    auto const diffs = vt::compareWithAstropy(doc.resultsTable(), ref["results"]);
    for (auto const& d : diffs) BOOST_ERROR(d);
    BOOST_TEST(diffs.empty());
  }
}

// The index of the column whose utype astropy reports ending with `suffix`.
int astropyColumnByUtype(YAML::Node const& results, std::string const& suffix) {
  YAML::Node const fields = results["fields"];
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string const utype = fields[i]["utype"].as<std::string>();
    if (utype.size() >= suffix.size() &&
        utype.compare(utype.size() - suffix.size(), suffix.size(), suffix) == 0)
      return static_cast<int>(i);
  }
  return -1;
}

template <typename Call>
io::VoTableError expectVoTableError(Call const& call) {
  try {
    call();
  } catch (io::VoTableError const& e) {
    return e;
  }
  BOOST_ERROR("no VoTableError");
  return io::VoTableError("", 0, false);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(votable_parse)

BOOST_AUTO_TEST_CASE(ssap_results_match_astropy) {
  expectSameAsAstropy(ssap("ssap1.xml"));
  expectSameAsAstropy(ssap("ssap3.xml"));
}

BOOST_AUTO_TEST_CASE(ssap_utypes_and_access_references) {
  std::string const path = ssap("ssap1.xml");
  io::VoDocument const doc = io::readVoTableFile(path);
  YAML::Node const ref = vt::astropy("describe", path)["results"];
  io::VoTable const& table = doc.resultsTable();
  BOOST_TEST(table.rows.size() == ref["rows"].size());
  BOOST_TEST(table.fields.size() == ref["fields"].size());
  for (std::string const suffix : {"Access.Reference", "Access.Format", "Curation.PublisherDID",
                                   "Target.Name", "DataID.Title"}) {
    BOOST_TEST_CONTEXT(suffix) {
      int const c = table.columnByUtypeSuffix(suffix);
      BOOST_TEST(c == astropyColumnByUtype(ref, suffix));
      BOOST_REQUIRE(c >= 0);
      BOOST_TEST(table.column("ssa:" + suffix) == c);  // the full utype
      BOOST_TEST(table.column(table.fields[c].name) == c);
      for (std::size_t r = 0; r < table.rows.size(); ++r)
        BOOST_TEST(table.rows[r][c] == ref["rows"][r][c].as<std::string>());
    }
  }
  BOOST_TEST(table.columnByUtypeSuffix("ccess.Reference") == -1);  // whole utype parts only
  BOOST_TEST(table.column("no such column") == -1);
  BOOST_TEST(table.column("POS.EQ.RA;META.MAIN") == table.column("location_ra"));  // UCD
}

BOOST_AUTO_TEST_CASE(ssap_service_descriptors_match_astropy) {
  std::string const path = ssap("ssap1.xml");
  io::VoDocument const doc = io::readVoTableFile(path);
  YAML::Node const ref = vt::astropy("describe", path)["descriptors"];
  auto const descriptors = doc.serviceDescriptors();
  BOOST_REQUIRE(descriptors.size() == ref.size());
  BOOST_REQUIRE(!descriptors.empty());
  for (std::size_t d = 0; d < descriptors.size(); ++d) {
    BOOST_TEST_CONTEXT("descriptor " << d) {
      auto const& ours = descriptors[d];
      YAML::Node const theirs = ref[d];
      BOOST_TEST(ours.id == theirs["ID"].as<std::string>());
      BOOST_TEST(ours.accessUrl == theirs["accessURL"].as<std::string>());
      BOOST_TEST(ours.standardId == theirs["standardID"].as<std::string>());
      BOOST_REQUIRE(ours.inputParams.size() == theirs["inputParams"].size());
      for (std::size_t p = 0; p < ours.inputParams.size(); ++p) {
        auto const& param = ours.inputParams[p];
        BOOST_TEST(param.field.name == theirs["inputParams"][p]["name"].as<std::string>());
        BOOST_TEST(param.field.ref == theirs["inputParams"][p]["ref"].as<std::string>());
        BOOST_TEST(param.value == theirs["inputParams"][p]["value"].as<std::string>());
        // A ref= names a column of the results table, whose cells give the value per row.
        if (!param.field.ref.empty()) BOOST_TEST(doc.resultsTable().column(param.field.ref) >= 0);
      }
    }
  }
  // The DataLink PARAM keeps its LINK and its VALUES (OPTIONs, MIN/MAX) too.
  auto const& inputs = descriptors.front().inputParams;
  auto const id = std::find_if(inputs.begin(), inputs.end(),
                               [](io::VoParam const& p) { return p.field.name == "ID"; });
  BOOST_REQUIRE(id != inputs.end());
  BOOST_REQUIRE(id->field.links.size() == 1u);
  BOOST_TEST(id->field.links[0].value == "#" + id->field.ref);
}

BOOST_AUTO_TEST_CASE(ssap_error_response) {
  std::string const path = ssap("ssap2.xml");
  io::VoDocument const doc = io::readVoTableFile(path);
  YAML::Node const ref = vt::astropy("describe", path);
  BOOST_TEST(doc.queryStatus() == ref["query_status"].as<std::string>());
  BOOST_TEST(doc.queryStatus() == "ERROR");
  BOOST_TEST(doc.queryStatusMessage() == ref["query_status_message"].as<std::string>());
  BOOST_TEST(ref["table_count"].as<int>() == 0);
  BOOST_CHECK_THROW(doc.resultsTable(), vocloud::Error);
  try {
    io::readVoTableSpectrum(path);
    BOOST_ERROR("an error response read as a spectrum");
  } catch (io::ReadError const& e) {
    BOOST_TEST(io::reasonName(e.reason()) == "unknown_layout");
    BOOST_TEST(std::string(e.what()).find(doc.queryStatusMessage()) != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(spectrum_binary_equals_tabledata_equals_astropy) {
  io::VoDocument const binary = io::readVoTableFile(hd217476("binary.vot"));
  io::VoDocument const tabledata = io::readVoTableFile(hd217476("tabledata.vot"));
  auto const diffs = vt::compareTables(binary.resultsTable(), tabledata.resultsTable());
  for (auto const& d : diffs) BOOST_ERROR(d);
  for (std::string const name : {"binary.vot", "tabledata.vot"}) {
    std::string const path = hd217476(name);
    BOOST_TEST_CONTEXT(path) {
      expectSameAsAstropy(path);
      io::Spectrum const s = io::readVoTableSpectrum(path);
      YAML::Node const ref = vt::astropy("spectrum", path);
      BOOST_TEST(s.layout == "votable");
      BOOST_TEST(s.path == path);
      BOOST_REQUIRE(s.wave.size() == ref["wave"].size());
      BOOST_REQUIRE(s.flux.size() == ref["flux"].size());
      std::size_t badWave = 0, badFlux = 0;
      for (std::size_t i = 0; i < s.wave.size(); ++i) {
        badWave += s.wave[i] != vt::number(ref["wave"][i]);
        badFlux += s.flux[i] != static_cast<float>(vt::number(ref["flux"][i]));
      }
      BOOST_TEST(badWave == 0u);
      BOOST_TEST(badFlux == 0u);
      BOOST_TEST(s.ivar.empty());
      BOOST_TEST(s.meta.id == ref["id"].as<std::string>());
      BOOST_TEST(s.meta.object == ref["object"].as<std::string>());
      // The spectral FIELD's DESCRIPTION says "Air wavelength".
      BOOST_TEST(io::frameName(s.frame) == "air");
    }
  }
}

BOOST_AUTO_TEST_CASE(float_spectrum_in_nm_with_errors_matches_astropy) {
  std::string const path = vt::scratchDir() + "/float_nm.vot";
  vt::makeSpectrum(path);
  io::Spectrum const s = io::readVoTableSpectrum(path);
  YAML::Node const ref = vt::astropy("spectrum", path);
  BOOST_REQUIRE(s.wave.size() == ref["wave"].size());
  BOOST_REQUIRE(s.ivar.size() == ref["ivar"].size());
  std::size_t badWave = 0, badFlux = 0, badIvar = 0;
  for (std::size_t i = 0; i < s.wave.size(); ++i) {
    // astropy's nm -> Angstrom factor is 9.999999999999998: allow that last bit.
    double const w = vt::number(ref["wave"][i]);
    badWave += std::abs(s.wave[i] - w) > 1e-14 * std::abs(w);
    float const f = static_cast<float>(vt::number(ref["flux"][i]));
    badFlux += !(s.flux[i] == f || (std::isnan(s.flux[i]) && std::isnan(f)));
    badIvar += s.ivar[i] != static_cast<float>(vt::number(ref["ivar"][i]));
  }
  BOOST_TEST(badWave == 0u);
  BOOST_TEST(badFlux == 0u);
  BOOST_TEST(badIvar == 0u);
  BOOST_TEST(std::isnan(s.flux[5]));  // masked flux
  BOOST_TEST(s.ivar[7] == 0.0f);      // masked error: no weight
}

BOOST_AUTO_TEST_CASE(binary2_and_binary_with_nulls_match_astropy) {
  std::string const folder = vt::scratchDir() + "/mixed";
  std::filesystem::create_directories(folder);
  vt::makeMixedTables(folder);
  std::vector<io::VoTable> tables;
  for (std::string const format : {"tabledata", "binary", "binary2", "binary2_flags"}) {
    std::string const path = folder + "/mixed_" + format + ".vot";
    BOOST_TEST_CONTEXT(path) {
      BOOST_TEST(
          vt::readText(path).find(format.rfind("binary2", 0) == 0 ? "<BINARY2>" : "<DATA>") !=
          std::string::npos);
      expectSameAsAstropy(path);
      tables.push_back(io::readVoTableFile(path).resultsTable());
    }
  }
  // BINARY2 flags nulls per cell: without VALUES null= only the flags make these null.
  io::VoTable const& flags = tables.back();
  BOOST_REQUIRE(flags.fields[flags.column("s")].values.null.empty());
  BOOST_TEST(flags.rows[1][flags.column("s")] == "");
  BOOST_TEST(flags.rows[2][flags.column("i")] == "");
  BOOST_TEST(flags.rows[3][flags.column("l")] == "");
  BOOST_TEST(flags.rows[2][flags.column("dv")] == "");
  BOOST_TEST(flags.rows[2][flags.column("b")] == "");
}

BOOST_AUTO_TEST_CASE(malformed_xml_reports_the_line) {
  std::string const xml =
      "<?xml version=\"1.0\"?>\n<VOTABLE version=\"1.3\">\n<RESOURCE>\n<TABLE>\n"
      "<FIELD name=\"a\" datatype=\"int\">\n</TABLE>\n</RESOURCE>\n</VOTABLE>\n";
  auto const e = expectVoTableError([&] { io::parseVoTable(xml, "bad.vot"); });
  BOOST_TEST(e.line() == 6);  // </TABLE> closes while <FIELD> is open
  BOOST_TEST(std::string(e.what()).rfind("votable: bad.vot:6:", 0) == 0u, e.what());
  BOOST_TEST(!e.truncated());

  // The first half of a real file: truncated, and readVoTableSpectrum says so.
  std::string const whole = vt::readText(hd217476("tabledata.vot"));
  std::string const cut = vt::scratchDir() + "/cut.vot";
  vt::writeText(cut, whole.substr(0, whole.size() / 2));
  auto const t = expectVoTableError([&] { io::readVoTableFile(cut); });
  BOOST_TEST(t.truncated(), t.what());
  try {
    io::readVoTableSpectrum(cut);
    BOOST_ERROR("a truncated file read as a spectrum");
  } catch (io::ReadError const& r) {
    BOOST_TEST(io::reasonName(r.reason()) == "truncated", r.what());
  }

  auto const notVo = expectVoTableError([] { io::parseVoTable("<html>\n</html>", "x.html"); });
  BOOST_TEST(std::string(notVo.what()).find("not <VOTABLE>") != std::string::npos);
}

// 150,000 nested GROUPs (2 MB) once overflowed the stack (SIGSEGV in inspect, acquire killed
// by an SSAP response): nesting stops at 256 levels with an error naming the line, while a
// document nested 250 deep still parses.
BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_with_the_line) {
  auto nested = [](std::size_t depth) {
    std::string xml = "<?xml version=\"1.0\"?>\n<VOTABLE version=\"1.3\">\n<RESOURCE>\n";
    for (std::size_t i = 0; i < depth; ++i) xml += "<GROUP name=\"g\">\n";
    for (std::size_t i = 0; i < depth; ++i) xml += "</GROUP>";
    return xml + "\n</RESOURCE>\n</VOTABLE>\n";
  };
  std::string const deep = nested(150000);
  BOOST_TEST(deep.size() > 2'000'000u);
  auto const e = expectVoTableError([&] { io::parseVoTable(deep, "deep.vot"); });
  // VOTABLE (line 2) and RESOURCE (line 3) are levels 1 and 2; GROUP k opens on line 3 + k:
  // level 257 is GROUP 255, on line 258.
  BOOST_TEST(e.line() == 258);
  std::string const what = e.what();
  BOOST_TEST(what.rfind("votable: deep.vot:258: ", 0) == 0u, what);
  BOOST_TEST(what.find("256") != std::string::npos, what);
  BOOST_TEST(!e.truncated());

  std::string const file = vt::scratchDir() + "/deep.vot";
  vt::writeText(file, deep);
  try {
    io::readVoTableSpectrum(file);
    BOOST_ERROR("a 150,000-deep document read as a spectrum");
  } catch (io::ReadError const& r) {
    BOOST_TEST(io::reasonName(r.reason()) == "unreadable", r.what());
    BOOST_TEST(std::string(r.what()).find("nested") != std::string::npos, r.what());
  }
  BOOST_CHECK_NO_THROW(io::parseVoTable(nested(250), "ok.vot"));
}

// The fuzzer found a FIELD opened inside a FIELD (with enough siblings before it) moving the
// table's list of fields while the outer one was still being filled: a use after free that
// ASan reported. Each such same-kind nesting is now refused with both lines; the pieces of a
// valid document that look alike (GROUP in GROUP, PARAM in a FIELD's table) still parse.
BOOST_AUTO_TEST_CASE(same_kind_nesting_is_refused_with_both_lines) {
  std::string const head = "<VOTABLE version=\"1.3\">\n<RESOURCE>\n<TABLE>\n";
  std::string fields;
  for (int i = 0; i < 40; ++i)
    fields += "<FIELD name=\"f" + std::to_string(i) + "\" datatype=\"int\"/>\n";
  struct Case {
    std::string open, close, name;
    long inner;  // the line the refused element opens on (the head's TABLE is line 3)
  };
  for (Case const& c :
       {Case{"<FIELD name=\"a\" datatype=\"int\">\n", "</FIELD>", "FIELD", 5},
        Case{"<PARAM name=\"a\" datatype=\"int\" value=\"1\">\n", "</PARAM>", "PARAM", 5},
        Case{"<INFO name=\"a\" value=\"1\">\n", "</INFO>", "INFO", 5},
        Case{"<TABLE>\n", "</TABLE>", "TABLE", 4}}) {
    std::string const xml = head + c.open + c.open + "<VALUES null=\"-1\"/>" + c.close + c.close +
                            "</TABLE></RESOURCE></VOTABLE>\n";
    auto const e = expectVoTableError([&] { io::parseVoTable(xml, "same.vot"); });
    std::string const what = e.what();
    BOOST_TEST(
        what.rfind("votable: same.vot:" + std::to_string(c.inner) + ": a <" + c.name +
                       "> inside the <" + c.name + "> of line " + std::to_string(c.inner - 1),
                   0) == 0u,
        what);
  }
  std::string const crashing = head + "<FIELD name=\"a\" datatype=\"int\">\n" + fields +
                               "<VALUES null=\"-1\"/></FIELD></TABLE></RESOURCE></VOTABLE>\n";
  auto const e = expectVoTableError([&] { io::parseVoTable(crashing, "crash.vot"); });
  BOOST_TEST(std::string(e.what()).find("inside the <FIELD> of line 4") != std::string::npos,
             e.what());

  std::string const valid = head + fields +
                            "<PARAM name=\"p\" datatype=\"int\" value=\"2\"/>\n"
                            "<GROUP name=\"g\"><GROUP name=\"h\"><PARAM name=\"q\" "
                            "datatype=\"int\" value=\"3\"/></GROUP></GROUP>\n"
                            "</TABLE></RESOURCE></VOTABLE>\n";
  auto const doc = io::parseVoTable(valid, "valid.vot");
  auto const& table = doc.resources.at(0).tables.at(0);
  BOOST_TEST(table.fields.size() == 40u);
  BOOST_TEST(table.params.at(0).value == "2");
  BOOST_TEST(table.groups.at(0).groups.at(0).params.at(0).value == "3");
}

BOOST_AUTO_TEST_CASE(unsupported_and_corrupt_serializations) {
  std::string const head =
      "<VOTABLE version=\"1.3\"><RESOURCE><TABLE><FIELD name=\"x\" datatype=\"int\"/>\n<DATA>";
  auto const fits = expectVoTableError([&] {
    io::parseVoTable(
        head + "\n<FITS><STREAM href=\"a.fits\"/></FITS></DATA></TABLE></RESOURCE></VOTABLE>",
        "f.vot");
  });
  BOOST_TEST(std::string(fits.what()).find("FITS serialization") != std::string::npos, fits.what());
  BOOST_TEST(fits.line() == 3);
  auto const base64 = expectVoTableError([&] {
    io::parseVoTable(
        head +
            "<BINARY><STREAM "
            "encoding=\"base64\">AAA!</STREAM></BINARY></DATA></TABLE></RESOURCE></VOTABLE>",
        "b.vot");
  });
  BOOST_TEST(std::string(base64.what()).find("base64") != std::string::npos, base64.what());
  // 5 bytes: one int and a byte of the next.
  auto const shortStream = expectVoTableError([&] {
    io::parseVoTable(
        head +
            "<BINARY><STREAM "
            "encoding=\"base64\">AAAAAQI=</STREAM></BINARY></DATA></TABLE></RESOURCE></VOTABLE>",
        "s.vot");
  });
  BOOST_TEST(std::string(shortStream.what()).find("row 2") != std::string::npos,
             shortStream.what());
}

BOOST_AUTO_TEST_CASE(namespaces_entities_cdata_and_unknown_elements) {
  // A hand-made document: a "v:" namespace prefix, DTD and character entities, CDATA,
  // COOSYS/TIMESYS (skipped), a LINK, INFO text, short rows padded with nulls.
  std::string const xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE v:VOTABLE [<!ENTITY obs \"Ond&#345;ejov\">]>\n"
      "<v:VOTABLE version=\"1.4\" xmlns:v=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n"
      " <v:COOSYS ID=\"sys\" system=\"ICRS\"/><v:TIMESYS ID=\"t\" timescale=\"TT\" "
      "refposition=\"TOPOCENTER\"/>\n"
      " <v:RESOURCE type=\"results\"><v:INFO name=\"QUERY_STATUS\" value=\"OVERFLOW\">more &amp; "
      "more</v:INFO>\n"
      "  <v:LINK href=\"http://example.org/doc\"/>\n"
      "  <v:TABLE name=\"t\"><v:FIELD name=\"s\" datatype=\"char\" arraysize=\"*\" "
      "utype=\"ssa:Access.Reference\">"
      "<v:DESCRIPTION>from &obs;</v:DESCRIPTION></v:FIELD>\n"
      "   <v:FIELD name=\"x\" ID=\"xid\" datatype=\"double\" ucd=\"em.wl\"/>\n"
      "   <v:DATA><v:TABLEDATA>\n"
      "    <v:TR><v:TD><![CDATA[a<b&c]]></v:TD><v:TD> 1.5 </v:TD></v:TR>\n"
      "    <v:TR><v:TD>&obs; &#x263A; &lt;&apos;&quot;&gt;</v:TD></v:TR>\n"
      "   </v:TABLEDATA></v:DATA></v:TABLE></v:RESOURCE></v:VOTABLE>\n";
  io::VoDocument const doc = io::parseVoTable(xml, "ns.vot");
  BOOST_TEST(doc.version == "1.4");
  BOOST_TEST(doc.queryStatus() == "OVERFLOW");
  BOOST_TEST(doc.queryStatusMessage() == "more & more");
  BOOST_REQUIRE(doc.resources.size() == 1u);
  BOOST_REQUIRE(doc.resources[0].links.size() == 1u);
  BOOST_TEST(doc.resources[0].links[0].href == "http://example.org/doc");
  io::VoTable const& t = doc.resultsTable();
  BOOST_TEST(t.fields[0].description ==
             "from Ond\xc5\x99"
             "ejov");
  BOOST_REQUIRE(t.rows.size() == 2u);
  BOOST_TEST(t.rows[0][0] == "a<b&c");
  BOOST_TEST(t.rows[0][1] == "1.5");
  BOOST_TEST(t.rows[1][0] ==
             "Ond\xc5\x99"
             "ejov \xe2\x98\xba <'\">");
  BOOST_TEST(t.rows[1][1] == "");
  BOOST_TEST(t.column("xid") == 1);
  BOOST_TEST(t.column("EM.WL") == 1);
  BOOST_TEST(t.columnByUtypeSuffix("access.reference") == 0);

  // The same document without a namespace, as VOTable 1.1 wrote it.
  io::VoDocument const plain = io::parseVoTable(
      "<VOTABLE version=\"1.1\"><RESOURCE><TABLE><FIELD name=\"a\" datatype=\"int\"/>"
      "<DATA><TABLEDATA><TR><TD>7</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>",
      "plain.vot");
  BOOST_TEST(plain.resultsTable().rows[0][0] == "7");
  BOOST_TEST(plain.queryStatus() == "");
  BOOST_TEST(io::looksLikeVoTable(xml));
  BOOST_TEST(io::looksLikeVoTable("<?xml version='1.0'?>\n<!-- c -->\n<VOTABLE>"));
  BOOST_TEST(!io::looksLikeVoTable("<?xml version='1.0'?><html>"));
  BOOST_TEST(!io::looksLikeVoTable("SIMPLE  =                    T"));
}

BOOST_AUTO_TEST_SUITE_END()
