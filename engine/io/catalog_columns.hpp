#pragma once
// Columns of a base of knowledge's catalog.csv for some of its rows: what the data set's
// /meta/catalog_row points at (the object name, the source URL, a grouping key).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vocloud::io {

/// The values of some catalog columns for some catalog rows.
struct CatalogColumns {
  std::vector<bool> present;  ///< per requested column: the catalog has it
  /// catalog row (0-based, the header aside) -> the requested columns' values ("" when absent)
  std::map<std::int64_t, std::vector<std::string>> values;
};

/// Reads `columns` of the catalog rows `rows` from the CSV file `catalog` in one pass.
/// Throws vocloud::Error ("catalog: ...") naming the file when it cannot be read or a
/// wanted row is beyond its end.
CatalogColumns readCatalogColumns(std::string const& catalog,
                                  std::vector<std::string> const& columns,
                                  std::vector<std::int64_t> const& rows);

}  // namespace vocloud::io
