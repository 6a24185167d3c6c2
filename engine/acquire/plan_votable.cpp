// Items from a VOTable list of spectra or an SSAP queryData response, optionally routed
// through the response's DataLink service descriptor.
#include "acquire/plan.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "io/votable.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

namespace vocloud::acquire::detail {

namespace {

double parseNumber(std::string const& text) {
  char* end = nullptr;
  double const x = std::strtod(text.c_str(), &end);
  return end != text.c_str() ? x : std::numeric_limits<double>::quiet_NaN();
}

// The first column whose UCD starts with `prefix` and whose first row parses as a number.
int numericColumnByUcd(io::VoTable const& table, std::string const& prefix) {
  for (std::size_t c = 0; c < table.fields.size(); ++c) {
    if (table.fields[c].ucd.rfind(prefix, 0) != 0) continue;
    if (table.rows.empty() || !std::isnan(parseNumber(table.rows[0][c])))
      return static_cast<int>(c);
  }
  return -1;
}

int requireColumn(io::VoTable const& table, std::string const& name, std::string const& origin,
                  std::string const& key) {
  int const c = table.column(name);
  if (c < 0) {
    std::string names;
    for (auto const& field : table.fields) names += (names.empty() ? "" : ", ") + field.name;
    throw Error("acquire: " + origin + ": no column '" + name + "' (from " + key +
                ") in the VOTable (columns: " + (names.empty() ? "none" : names) + ")");
  }
  return c;
}

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The descriptor that accepts every requested processing parameter (DataLink "dlget"-like);
// a links-1.0 endpoint is used only when nothing else fits and no parameters are asked.
io::ServiceDescriptor chooseDescriptor(
    std::vector<io::ServiceDescriptor> const& all,
    std::vector<std::pair<std::string, std::string>> const& wanted, std::string const& origin) {
  if (all.empty())
    throw Error("acquire: " + origin +
                ": datalink requested but the response has no service "
                "descriptor (RESOURCE type=\"meta\" utype=\"adhoc:service\")");
  std::string offered;
  for (auto const& d : all) {
    bool fits = true;
    for (auto const& [key, value] : wanted) {
      bool found = false;
      for (auto const& p : d.inputParams) found = found || lowered(p.field.name) == lowered(key);
      fits = fits && found;
    }
    if (fits && (wanted.empty() || d.standardId.find("links") == std::string::npos)) return d;
    offered += "\n  " + d.accessUrl + " (" + d.standardId + "):";
    for (auto const& p : d.inputParams) offered += " " + p.field.name;
  }
  throw Error("acquire: " + origin +
              ": no service descriptor accepts the datalink_params; offered:" + offered);
}

}  // namespace

std::string keptListPath(std::string const& bokDir, std::size_t index) {
  std::string const sourcesDir = bokDir + "/sources";
  core::makeDirectories(sourcesDir);
  return sourcesDir + "/source-" + std::to_string(index) + ".xml";
}

std::vector<Item> itemsFromVoTable(std::string const& kept, std::string const& origin,
                                   Source const& source, std::size_t index, core::Log const& log) {
  io::VoDocument const doc = io::readVoTableFile(kept, origin);
  std::string const status = doc.queryStatus();
  if (status == "ERROR")
    throw Error("acquire: " + origin +
                ": the service answered QUERY_STATUS=ERROR: " + doc.queryStatusMessage());
  if (status == "OVERFLOW")
    log.warn("acquire: " + origin +
             ": QUERY_STATUS=OVERFLOW: the service truncated the result (raise maxrec)");
  io::VoTable const& table = doc.resultsTable();

  int access = source.accessColumn.empty()
                   ? table.columnByUtypeSuffix("Access.Reference")
                   : requireColumn(table, source.accessColumn, origin, "access_column");
  if (access < 0)
    for (std::size_t c = 0; c < table.fields.size() && access < 0; ++c)
      if (table.fields[c].ucd.find("meta.ref.url") != std::string::npos &&
          table.fields[c].ucd.find("preview") == std::string::npos)
        access = static_cast<int>(c);
  if (access < 0 && !source.datalink)
    throw Error("acquire: " + origin +
                ": no access reference column (utype ssa:Access.Reference); "
                "name one with access_column");
  int idColumn = source.idColumn.empty()
                     ? table.columnByUtypeSuffix("Curation.PublisherDID")
                     : requireColumn(table, source.idColumn, origin, "id_column");
  if (idColumn < 0) idColumn = table.columnByUtypeSuffix("DataID.CreatorDID");
  int const labelColumn = source.labels.column.empty()
                              ? -1
                              : requireColumn(table, source.labels.column, origin, "label_column");
  int const raColumn = numericColumnByUcd(table, "pos.eq.ra");
  int const decColumn = numericColumnByUcd(table, "pos.eq.dec");
  int const posColumn = table.columnByUtypeSuffix("Target.Pos");
  int const zColumn = table.columnByUtypeSuffix("Target.Redshift");

  std::vector<std::pair<std::string, std::string>> wanted;
  for (auto const& p : source.datalinkParams) wanted.push_back(splitParam(p, source.where));
  io::ServiceDescriptor descriptor;
  if (source.datalink) descriptor = chooseDescriptor(doc.serviceDescriptors(), wanted, origin);

  std::ostringstream csv;
  csv << "id";
  for (auto const& f : table.fields) csv << "," << csvField(f.name);
  csv << "\n";

  std::vector<Item> items;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    auto const& row = table.rows[r];
    Item item;
    item.source = index;
    item.remote = true;
    item.label = labelColumn >= 0 ? row[labelColumn] : source.labels.fixed;
    std::string const accessUrl = access >= 0 ? row[access] : "";
    if (source.datalink) {
      std::string url =
          descriptor.accessUrl + (descriptor.accessUrl.find('?') == std::string::npos ? "?" : "&");
      bool first = true;
      for (auto const& p : descriptor.inputParams) {
        std::string value;
        if (!p.field.ref.empty()) {
          value = row[requireColumn(table, p.field.ref, origin, "service descriptor PARAM ref")];
        } else {
          for (auto const& [key, v] : wanted)
            if (lowered(key) == lowered(p.field.name)) value = v;
          if (value.empty()) continue;  // not requested: the service's default
        }
        url += (first ? "" : "&") + urlEncode(p.field.name) + "=" + urlEncode(value);
        first = false;
      }
      item.location = url;
    } else {
      item.location = accessUrl;
    }
    if (item.location.empty()) {
      log.warn("acquire: " + origin + ": row " + std::to_string(r) +
               " has no access reference; skipped");
      continue;
    }
    item.id = idColumn >= 0 && !row[idColumn].empty() ? row[idColumn] : stemOf(item.location);
    // ivo://authority/path/name -> name keeps file names readable; the full id stays in the
    // catalog.
    if (raColumn >= 0 && decColumn >= 0) {
      item.ra = parseNumber(row[raColumn]);
      item.dec = parseNumber(row[decColumn]);
    } else if (posColumn >= 0) {
      std::istringstream pos(row[posColumn]);
      pos >> item.ra >> item.dec;
    }
    if (zColumn >= 0) item.z = parseNumber(row[zColumn]);
    if (source.datalink) {
      // dlget URLs have no extension: take it from the requested FORMAT, else the access
      // reference's. Readers detect the content anyway; this is for people.
      item.extension = knownExtension(accessUrl);
      for (auto const& [key, value] : wanted) {
        if (lowered(key) != "format") continue;
        std::string const format = lowered(value);
        item.extension = format.find("fits") != std::string::npos      ? ".fits"
                         : format.find("votable") != std::string::npos ? ".vot"
                         : format.find("csv") != std::string::npos     ? ".csv"
                                                                       : ".txt";
      }
    }
    items.push_back(item);
    csv << csvField(item.id);
    for (auto const& cell : row) csv << "," << csvField(cell);
    csv << "\n";
  }
  core::writeFileAtomic(kept.substr(0, kept.size() - 4) + ".csv", csv.str());
  return items;
}

}  // namespace vocloud::acquire::detail
