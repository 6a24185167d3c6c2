#include "preprocess/catalog_reader.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/records.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace vocloud::preprocess {

std::vector<std::string> splitCsvLine(std::string const& line) {
  return core::splitCsvLine(line);
}

CatalogReader::CatalogReader(std::string bokDir)
    : _bokDir(std::move(bokDir)), _path(_bokDir + "/catalog.csv"), _in(_path) {
  if (!_in) throw Error("preprocess: cannot read the catalog '" + _path + "'");
  std::string header;
  if (!std::getline(_in, header)) throw Error("preprocess: '" + _path + "' is empty");
  _columns = splitCsvLine(header);
  for (char const* required : {"id", "path"})
    if (std::find(_columns.begin(), _columns.end(), required) == _columns.end()) {
      std::string names;
      for (auto const& c : _columns) names += (names.empty() ? "" : ", ") + c;
      throw Error("preprocess: '" + _path + "' has no column '" + required +
                  "' (columns: " + (names.empty() ? "none" : names) + ")");
    }
}

std::vector<CatalogRow> CatalogReader::next(std::uint64_t count) {
  std::vector<CatalogRow> rows;
  std::string line;
  while (rows.size() < count && std::getline(_in, line)) {
    if (line.empty()) continue;
    auto const fields = splitCsvLine(line);
    if (fields.size() != _columns.size())
      throw Error("preprocess: " + _path + ":" + std::to_string(_row + 2) + ": " +
                  std::to_string(fields.size()) + " fields, the header has " +
                  std::to_string(_columns.size()));
    CatalogRow row;
    row.row = _row++;
    auto number = [](std::string const& text) {
      char* end = nullptr;
      double const x = std::strtod(text.c_str(), &end);
      return text.empty() || end == text.c_str() ? std::numeric_limits<double>::quiet_NaN() : x;
    };
    for (std::size_t c = 0; c < _columns.size(); ++c) {
      std::string const& name = _columns[c];
      std::string const& value = fields[c];
      if (name == "id")
        row.id = value;
      else if (name == "path")
        row.path = value;
      else if (name == "format")
        row.format = value;
      else if (name == "label")
        row.label = value;
      else if (name == "outlier_kind")
        row.outlierKind = value;
      else if (name == "ra")
        row.ra = number(value);
      else if (name == "dec")
        row.dec = number(value);
      else if (name == "z")
        row.z = number(value);
    }
    // Relative as std::filesystem (POSIX) sees it: not starting at the root directory.
    if (!row.path.empty() && row.path.front() != '/') row.path = _bokDir + "/" + row.path;
    rows.push_back(std::move(row));
  }
  if (rows.size() < count) _done = true;
  return rows;
}

std::string encodeRows(std::vector<CatalogRow> const& rows) {
  std::vector<std::vector<std::string>> records;
  for (auto const& r : rows)
    records.push_back({std::to_string(r.row), r.id, r.path, r.format, r.label, r.outlierKind,
                       core::recordNumber(r.ra), core::recordNumber(r.dec),
                       core::recordNumber(r.z)});
  return core::packRecords(records);
}

std::vector<CatalogRow> decodeRows(std::string const& text) {
  std::vector<CatalogRow> rows;
  for (auto const& f : core::unpackRecords(text, 9)) {
    CatalogRow r;
    r.row = std::stoll(f[0]);
    r.id = f[1];
    r.path = f[2];
    r.format = f[3];
    r.label = f[4];
    r.outlierKind = f[5];
    r.ra = std::stod(f[6]);
    r.dec = std::stod(f[7]);
    r.z = std::stod(f[8]);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace vocloud::preprocess
