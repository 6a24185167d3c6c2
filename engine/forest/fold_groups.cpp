#include "forest/fold_groups.hpp"

#include "core/error.hpp"
#include "io/catalog_columns.hpp"
#include "io/h5_store.hpp"

namespace vocloud::forest {

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
  std::string const catalog = bok + "/catalog.csv";
  io::CatalogColumns values;
  try {
    values = io::readCatalogColumns(catalog, {column}, rows);
  } catch (Error const& e) {
    throw Error("forest: forest.group_by = " + column + ": " + e.what());
  }
  if (!values.present[0])
    throw Error("forest: forest.group_by = '" + column +
                "' is neither a /meta dataset of the data set nor a column of '" + catalog + "'");
  std::vector<std::string> keys;
  keys.reserve(count);
  for (std::int64_t r : rows) keys.push_back(values.values.at(r)[0]);
  return keys;
}

}  // namespace vocloud::forest
