#include "report/samp_table.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "io/h5_store.hpp"
#include "report/spectrum_location.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace vocloud::report {

namespace {

// Text of a TD element: XML's special characters escaped.
std::string escaped(std::string const& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A double with round-trip precision; "" for NaN (VOTable's empty cell is null).
std::string number(double v) {
  if (!std::isfinite(v)) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

constexpr char const* kHeader = R"(<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results">
<TABLE name="%s">
<DESCRIPTION>The spectra of the vocloud report of experiment %s, in the order of data/spectra/index.js</DESCRIPTION>
<FIELD name="index" datatype="int" ucd="meta.number"><DESCRIPTION>row of this table (0-based)</DESCRIPTION></FIELD>
<FIELD name="row" datatype="long" ucd="meta.id;meta.number"><DESCRIPTION>row of preprocess/dataset.h5</DESCRIPTION></FIELD>
<FIELD name="id" datatype="char" arraysize="*" ucd="meta.id;meta.main"/>
<FIELD name="label" datatype="char" arraysize="*" ucd="meta.code.class"/>
<FIELD name="url" datatype="char" arraysize="*" ucd="meta.ref.url"><DESCRIPTION>the spectrum file</DESCRIPTION></FIELD>
<FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>
<FIELD name="dec" datatype="double" unit="deg" ucd="pos.eq.dec;meta.main"/>
<FIELD name="som_node" datatype="int" ucd="meta.id"><VALUES null="-1"/></FIELD>
<FIELD name="outlier_score" datatype="double" ucd="stat.value"/>
<FIELD name="predicted" datatype="char" arraysize="*" ucd="meta.code.class"><DESCRIPTION>class predicted by the forest out of fold</DESCRIPTION></FIELD>
<DATA><TABLEDATA>
)";

constexpr char const* kFooter = "</TABLEDATA></DATA>\n</TABLE>\n</RESOURCE>\n</VOTABLE>\n";

// The SOM node, outlier score and predicted class of data set row r ("", NaN when none).
struct RowModels {
  std::int64_t node = -1;
  double score = NAN;
  std::string predicted;
};

RowModels modelsOf(ReportModel const& m, std::size_t r) {
  RowModels out;
  if (m.som && m.somIndex[r] >= 0) {
    auto const i = static_cast<std::size_t>(m.somIndex[r]);
    out.node = m.som->bmu[i];
    out.score = m.som->outlierScore[i];
  }
  if (m.forest && !m.forest->prediction.empty() && m.forestIndex[r] >= 0) {
    std::int64_t const k = m.forest->prediction[static_cast<std::size_t>(m.forestIndex[r])];
    if (k >= 0 && static_cast<std::size_t>(k) < m.forest->classes.size())
      out.predicted = m.forest->classes[static_cast<std::size_t>(k)];
  }
  return out;
}

}  // namespace

std::string spectraVotable(ReportModel const& m) {
  DatasetInfo const& d = m.dataset;
  std::string const name = escaped(m.inputs.experiment);
  std::vector<char> header(std::char_traits<char>::length(kHeader) + 2 * name.size() + 1);
  std::snprintf(header.data(), header.size(), kHeader, name.c_str(), name.c_str());
  std::ostringstream out;
  out << header.data();
  io::H5File const file = io::H5File::openSerial(m.inputs.datasetPath);
  io::H5Rows const paths = io::H5Rows::open(file, "/meta/path");
  for (std::size_t i = 0; i < m.order.size(); ++i) {
    auto const r = static_cast<std::size_t>(m.order[i]);
    std::string const url = spectrumFileUrl(d, paths.readStrings(r, 1).at(0));
    RowModels const models = modelsOf(m, r);
    out << "<TR><TD>" << i << "</TD><TD>" << r << "</TD><TD>" << escaped(d.id[r]) << "</TD><TD>"
        << escaped(d.label[r]) << "</TD><TD>" << escaped(url) << "</TD><TD>" << number(d.ra[r])
        << "</TD><TD>" << number(d.dec[r]) << "</TD><TD>" << models.node << "</TD><TD>"
        << number(models.score) << "</TD><TD>" << escaped(models.predicted) << "</TD></TR>\n";
  }
  out << kFooter;
  return out.str();
}

void writeSpectraVotable(ReportModel const& m, std::string const& dataDir) {
  std::string const path = dataDir + "/spectra.vot";
  std::string const text = spectraVotable(m);
  try {
    core::writeFileAtomic(path, text);
  } catch (Error const& e) {
    throw Error("report: cannot write " + path + ": " + e.what());
  }
}

}  // namespace vocloud::report
