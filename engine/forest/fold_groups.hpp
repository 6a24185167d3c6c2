#pragma once
// The group keys of grouped cross-validation (forest.group_by): one string per row of a
// data set, from the data set's /meta/<column> (id, path, ...) or, when it has no such
// dataset, from the column of that name in the catalog.csv of the base of knowledge the
// data set was made from (root attribute "bok", rows matched through /meta/catalog_row),
// e.g. the `object` column that `vocloud acquire` writes.
#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::forest {

/// Keys of rows [first, first + count) of the data set at `datasetPath` (read in this
/// process only). Throws vocloud::Error ("forest: ...") naming the file and column when
/// neither /meta nor the catalog has the column, or the catalog cannot be read.
std::vector<std::string> readGroupKeys(std::string const& datasetPath, std::string const& column,
                                       std::uint64_t first, std::uint64_t count);

}  // namespace vocloud::forest
