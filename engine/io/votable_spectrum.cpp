// A spectrum stored as a VOTable: SSA/DataLink services (DaCHS, the Ondřejov archive)
// deliver one table with a spectral and a flux column described by Spectrum data model
// utypes (spec:Spectrum.Data.SpectralAxis.Value, ...), UCDs (em.wl, phot.flux.density) and
// SSA PARAMs for the metadata. Columns are found by utype, then UCD, then name.
#include "io/fits_read.hpp"
#include "io/read_error.hpp"
#include "io/votable_detail.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

namespace vocloud::io {

namespace {

using detail::asciiLower;
using Reason = ReadError::Reason;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The UCD's first word ("em.wl" of "em.wl;obs.atmos"), lower case.
std::string primaryUcd(std::string const& ucd) {
  return asciiLower(detail::trimXmlSpace(std::string_view(ucd).substr(0, ucd.find(';'))));
}

int columnByName(VoTable const& table, std::vector<char const*> const& names) {
  for (char const* name : names)
    for (std::size_t i = 0; i < table.fields.size(); ++i)
      if (asciiLower(table.fields[i].name) == name) return static_cast<int>(i);
  return -1;
}

template <typename Matches>
int columnWhere(VoTable const& table, Matches const& matches) {
  for (std::size_t i = 0; i < table.fields.size(); ++i)
    if (matches(table.fields[i])) return static_cast<int>(i);
  return -1;
}

// The column `given` names (throws when absent), or the first of the automatic choices.
int chooseColumn(VoTable const& table, std::string const& given, std::string const& path,
                 std::initializer_list<int> automatic) {
  if (!given.empty()) {
    int const i = table.column(given);
    if (i < 0) {
      std::string names;
      for (auto const& field : table.fields) names += (names.empty() ? "" : ", ") + field.name;
      throw ReadError(Reason::MissingColumn, path,
                      "no column '" + given + "' in the VOTable (columns: " + names + ")");
    }
    return i;
  }
  for (int i : automatic)
    if (i >= 0) return i;
  return -1;
}

// Every number of column `c` over all rows: one per row, or the elements of array cells
// (a spectrum stored as one row of arrays). Empty cells are NaN. A float column holds
// floats, whatever digits its TDs have (as astropy reads it).
std::vector<double> columnValues(VoTable const& table, int c, std::string const& path) {
  bool const isFloat = table.fields[static_cast<std::size_t>(c)].datatype == "float";
  std::vector<double> values;
  values.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    std::string_view cell = table.rows[r][static_cast<std::size_t>(c)];
    if (detail::trimXmlSpace(cell).empty()) {
      values.push_back(kNaN);
      continue;
    }
    while (true) {
      while (!cell.empty() && std::strchr(" \t\r\n", cell.front()) != nullptr)
        cell.remove_prefix(1);
      if (cell.empty()) break;
      std::size_t end = 0;
      while (end < cell.size() && std::strchr(" \t\r\n", cell[end]) == nullptr) ++end;
      std::string_view token = cell.substr(0, end);
      cell.remove_prefix(end);
      std::string const lower = asciiLower(token);
      double value = kNaN;
      if (lower == "nan" || lower == "+nan" || lower == "-nan") {
        value = kNaN;
      } else if (lower == "inf" || lower == "+inf" || lower == "infinity" || lower == "+infinity") {
        value = std::numeric_limits<double>::infinity();
      } else if (lower == "-inf" || lower == "-infinity") {
        value = -std::numeric_limits<double>::infinity();
      } else {
        if (token.front() == '+') token.remove_prefix(1);
        auto const result = std::from_chars(token.data(), token.data() + token.size(), value);
        if (result.ec != std::errc() || result.ptr != token.data() + token.size())
          throw ReadError(Reason::Unreadable, path,
                          "row " + std::to_string(r + 1) + " of column '" +
                              table.fields[static_cast<std::size_t>(c)].name + "' holds '" +
                              std::string(token) + "', not a number");
      }
      values.push_back(isFloat ? static_cast<double>(static_cast<float>(value)) : value);
    }
  }
  return values;
}

// Every PARAM of the document, those of `table` first.
std::vector<VoParam const*> allParams(VoDocument const& doc, VoTable const& table) {
  std::vector<VoParam const*> out;
  for (auto const& p : table.params) out.push_back(&p);
  auto addResources = [&](auto const& self, std::vector<VoResource> const& resources) -> void {
    for (auto const& resource : resources) {
      for (auto const& p : resource.params) out.push_back(&p);
      for (auto const& t : resource.tables)
        if (&t != &table)
          for (auto const& p : t.params) out.push_back(&p);
      self(self, resource.resources);
    }
  };
  addResources(addResources, doc.resources);
  for (auto const& p : doc.params) out.push_back(&p);
  return out;
}

// The value of the first non-empty PARAM whose utype ends with one of `suffixes` (after ':'
// or '.') or whose name is one of `names`.
std::string paramValue(std::vector<VoParam const*> const& params,
                       std::initializer_list<char const*> suffixes,
                       std::initializer_list<char const*> names = {}) {
  for (char const* suffix : suffixes) {
    std::string const wanted = asciiLower(suffix);
    for (VoParam const* p : params) {
      std::string const utype = asciiLower(p->field.utype);
      if (utype.size() < wanted.size()) continue;
      std::size_t const at = utype.size() - wanted.size();
      bool const boundary = at == 0 || utype[at - 1] == ':' || utype[at - 1] == '.';
      if (boundary && utype.compare(at, wanted.size(), wanted) == 0 &&
          !detail::trimXmlSpace(p->value).empty())
        return std::string(detail::trimXmlSpace(p->value));
    }
  }
  for (char const* name : names)
    for (VoParam const* p : params)
      if (asciiLower(p->field.name) == name && !detail::trimXmlSpace(p->value).empty())
        return std::string(detail::trimXmlSpace(p->value));
  return {};
}

double parseDouble(std::string_view text) {
  text = detail::trimXmlSpace(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = kNaN;
  auto const result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() ? value : kNaN;
}

void readMeta(std::vector<VoParam const*> const& params, SpectrumMeta& meta) {
  meta.id = paramValue(params, {"Curation.PublisherDID", "DataID.CreatorDID"},
                       {"ssa_pubdid", "ssa_creatordid"});
  meta.object = paramValue(params, {"Target.Name"}, {"ssa_targname"});
  meta.z = parseDouble(paramValue(params, {"Target.Redshift"}, {"ssa_redshift"}));
  std::string position =
      paramValue(params, {"Target.Pos", "Char.SpatialAxis.Coverage.Location.Value"},
                 {"ssa_targetpos", "ssa_location"});
  std::string_view rest = position;
  auto const space = rest.find_first_of(" \t");
  if (space != std::string_view::npos) {
    meta.ra = parseDouble(rest.substr(0, space));
    meta.dec = parseDouble(rest.substr(space + 1));
  }
}

std::string stem(std::string const& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (char const* ext : {".gz", ".vot", ".votable", ".xml"}) {
    std::size_t const n = std::strlen(ext);
    if (name.size() > n && asciiLower(name.substr(name.size() - n)) == ext)
      name.erase(name.size() - n);
  }
  return name;
}

std::string fileContent(std::string const& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error))
    throw ReadError(Reason::NotFound, path, "no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReadError(Reason::Unreadable, path, "cannot open the file");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

VoDocument parseContent(std::string const& path, std::string const& xml) {
  if (xml.empty()) throw ReadError(Reason::ZeroLength, path, "the file is empty (0 bytes)");
  if (!looksLikeVoTable(xml.substr(0, 4096)))
    throw ReadError(Reason::UnknownLayout, path, "not a VOTable (no VOTABLE root element)");
  try {
    return parseVoTable(xml, path);
  } catch (VoTableError const& e) {
    throw ReadError(e.truncated() ? Reason::Truncated : Reason::Unreadable, path, e.what());
  }
}

}  // namespace

Spectrum readVoTableSpectrum(std::string const& path, ReadOptions const& options) {
  return voTableSpectrum(path, fileContent(path), options);
}

Spectrum voTableSpectrum(std::string const& path, std::string const& xml,
                         ReadOptions const& options) {
  VoDocument const doc = parseContent(path, xml);
  std::string const status = asciiLower(doc.queryStatus());
  if (status == "error")
    throw ReadError(
        Reason::UnknownLayout, path,
        "the VOTable is an error response (QUERY_STATUS=ERROR: " + doc.queryStatusMessage() + ")");
  VoTable const* found = nullptr;
  try {
    found = &doc.resultsTable();
  } catch (Error const& e) {
    throw ReadError(Reason::UnknownLayout, path, e.what());
  }
  VoTable const& table = *found;

  auto ucdIs = [](char const* ucd) {
    return [ucd](VoField const& f) { return primaryUcd(f.ucd) == ucd; };
  };
  int const wave = chooseColumn(
      table, options.waveColumn, path,
      {table.columnByUtypeSuffix("SpectralAxis.Value"), columnWhere(table, ucdIs("em.wl")),
       columnByName(table, {"spectral", "wave", "wavelength", "lambda", "wavelen", "wl"})});
  int const flux = chooseColumn(
      table, options.fluxColumn, path,
      {table.columnByUtypeSuffix("FluxAxis.Value"),
       columnWhere(table,
                   [](VoField const& f) { return primaryUcd(f.ucd).rfind("phot.flux", 0) == 0; }),
       columnByName(table, {"flux"})});
  int const ivar = chooseColumn(table, options.ivarColumn, path,
                                {columnByName(table, {"ivar", "inverse_variance", "invvar"})});
  int const error = chooseColumn(
      table, options.errorColumn, path,
      {table.columnByUtypeSuffix("FluxAxis.Accuracy.StatError"),
       columnWhere(table,
                   [](VoField const& f) {
                     std::string const ucd = asciiLower(f.ucd);
                     return primaryUcd(f.ucd) == "stat.error" &&
                            ucd.find("phot.flux") != std::string::npos;
                   }),
       columnByName(table, {"flux_error", "error", "err", "flux_err", "fluxerr", "sigma"})});

  std::string columns;
  for (auto const& field : table.fields) columns += (columns.empty() ? "" : ", ") + field.name;
  if (wave < 0)
    throw ReadError(Reason::MissingColumn, path,
                    "no spectral column (utype SpectralAxis.Value, UCD em.wl or a name like "
                    "wave) among: " +
                        columns);
  if (flux < 0)
    throw ReadError(
        Reason::MissingColumn, path,
        "no flux column (utype FluxAxis.Value, UCD phot.flux or name flux) among: " + columns);

  Spectrum out;
  out.path = path;
  out.layout = "votable";
  VoField const& waveField = table.fields[static_cast<std::size_t>(wave)];
  auto const params = allParams(doc, table);
  std::string unit = waveField.unit;
  if (detail::trimXmlSpace(unit).empty())
    unit = paramValue(params, {"SpectralAxis.Unit"}, {"ssa_spectralunit"});
  auto const scale = detail::angstromsPerUnit(unit);
  if (!scale)
    throw ReadError(
        Reason::UnknownLayout, path,
        "column '" + waveField.name + "' has unit '" + unit + "', not a wavelength unit");
  out.wave = columnValues(table, wave, path);
  if (*scale != 1.0)
    for (double& w : out.wave) w *= *scale;
  std::vector<double> const fluxValues = columnValues(table, flux, path);
  out.flux.assign(fluxValues.begin(), fluxValues.end());  // rounded to nearest float
  if (ivar >= 0) {
    std::vector<double> const values = columnValues(table, ivar, path);
    out.ivar.assign(values.begin(), values.end());
  } else if (error >= 0) {
    for (double const e : columnValues(table, error, path))
      out.ivar.push_back(std::isfinite(e) && e > 0 ? static_cast<float>(1.0 / (e * e)) : 0.0f);
  }
  if (out.wave.empty()) throw ReadError(Reason::ZeroLength, path, "the VOTable table has no rows");
  if (out.flux.size() != out.wave.size() ||
      (!out.ivar.empty() && out.ivar.size() != out.wave.size()))
    throw ReadError(Reason::WrongSizes, path,
                    "wavelength " + std::to_string(out.wave.size()) + ", flux " +
                        std::to_string(out.flux.size()) + ", ivar " +
                        std::to_string(out.ivar.size()) + " values");

  // DaCHS describes the spectral column ("Air wavelength"); UCD em.wl;obs.atmos is air.
  std::string const description = asciiLower(waveField.description);
  if (asciiLower(waveField.ucd).find("obs.atmos") != std::string::npos ||
      description.find("air") != std::string::npos)
    out.frame = WavelengthFrame::Air;
  else if (description.find("vac") != std::string::npos)
    out.frame = WavelengthFrame::Vacuum;
  readMeta(params, out.meta);
  if (out.meta.id.empty()) out.meta.id = stem(path);
  return out;
}

}  // namespace vocloud::io
