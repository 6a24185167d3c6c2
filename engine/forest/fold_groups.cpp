#include "forest/fold_groups.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "io/h5_store.hpp"

#include <algorithm>
#include <fstream>
#include <map>

namespace vocloud::forest {

namespace {

// Values of `column` for the catalog rows in `wanted` (0-based, without the header).
std::map<std::int64_t, std::string> catalogValues(std::string const& catalog,
                                                  std::string const& column,
                                                  std::map<std::int64_t, std::string> wanted) {
  std::ifstream in(catalog);
  std::string line;
  if (!in || !std::getline(in, line))
    throw Error("forest: cannot read '" + catalog + "' for forest.group_by = " + column);
  auto const names = core::splitCsvLine(line);
  auto const at = std::find(names.begin(), names.end(), column);
  if (at == names.end())
    throw Error("forest: forest.group_by = '" + column +
                "' is neither a /meta dataset of the "
                "data set nor a column of '" +
                catalog + "'");
  auto const index = static_cast<std::size_t>(at - names.begin());
  std::int64_t row = 0;
  auto next = wanted.begin();
  while (next != wanted.end() && std::getline(in, line)) {
    if (row == next->first) {
      auto const fields = core::splitCsvLine(line);
      next->second = index < fields.size() ? fields[index] : std::string();
      ++next;
    }
    ++row;
  }
  if (next != wanted.end())
    throw Error("forest: '" + catalog + "' has no row " + std::to_string(next->first) +
                " (the data set's /meta/catalog_row); was it acquired again?");
  return wanted;
}

}  // namespace

std::vector<std::string> readGroupKeys(std::string const& datasetPath, std::string const& column,
                                       std::uint64_t first, std::uint64_t count) {
  io::H5File const file = io::H5File::openSerial(datasetPath);
  std::string const name = "/meta/" + column;
  if (column.find('/') == std::string::npos && file.exists(name))
    return io::H5Rows::open(file, name).readStrings(first, count);
  if (!file.exists("/meta/catalog_row"))
    throw Error("forest: '" + datasetPath + "' has no " + name +
                " and no /meta/catalog_row to find forest.group_by in its catalog");
  std::string bok;
  try {
    bok = file.stringAttribute("/", "bok");
  } catch (Error const&) {
    throw Error("forest: '" + datasetPath + "' has no " + name +
                " and does not say its base of knowledge (attribute bok)");
  }
  std::vector<std::int64_t> rows(count);
  if (count > 0) io::H5Rows::open(file, "/meta/catalog_row").read(first, count, rows.data());
  std::map<std::int64_t, std::string> wanted;
  for (std::int64_t r : rows) wanted.emplace(r, std::string());
  auto const values = catalogValues(bok + "/catalog.csv", column, std::move(wanted));
  std::vector<std::string> keys;
  keys.reserve(count);
  for (std::int64_t r : rows) keys.push_back(values.at(r));
  return keys;
}

}  // namespace vocloud::forest
