#include "io/catalog_columns.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <fstream>

namespace vocloud::io {

CatalogColumns readCatalogColumns(std::string const& catalog,
                                  std::vector<std::string> const& columns,
                                  std::vector<std::int64_t> const& rows) {
  std::ifstream in(catalog);
  std::string line;
  if (!in || !std::getline(in, line)) throw Error("catalog: cannot read '" + catalog + "'");
  auto const names = core::splitCsvLine(line);
  CatalogColumns out;
  std::vector<std::size_t> index;
  for (auto const& column : columns) {
    auto const at = std::find(names.begin(), names.end(), column);
    out.present.push_back(at != names.end());
    index.push_back(static_cast<std::size_t>(at - names.begin()));
  }
  for (std::int64_t r : rows) out.values.emplace(r, std::vector<std::string>(columns.size()));
  std::int64_t row = 0;
  auto next = out.values.begin();
  while (next != out.values.end() && next->first < 0) ++next;  // -1: no catalog row
  while (next != out.values.end() && std::getline(in, line)) {
    if (row == next->first) {
      auto const fields = core::splitCsvLine(line);
      for (std::size_t c = 0; c < columns.size(); ++c)
        if (out.present[c] && index[c] < fields.size()) next->second[c] = fields[index[c]];
      ++next;
    }
    ++row;
  }
  if (next != out.values.end())
    throw Error("catalog: '" + catalog + "' has no row " + std::to_string(next->first) +
                " (the data set's /meta/catalog_row); was it acquired again?");
  return out;
}

}  // namespace vocloud::io
