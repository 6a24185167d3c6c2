#pragma once
// Spectra that a base of knowledge holds twice: one id in two catalog rows (the same file
// from two sources, or one observation as a raw Ondřejov file and as its SSAP copy, which
// the readers give the same publisher DID) or two rows with identical bytes.
#include "core/log.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::acquire {

/// One catalog row that repeats an earlier one.
struct Duplicate {
  std::string id, path, object;
  std::string firstId, firstPath;  ///< the earlier row it repeats
  std::string reason;              ///< "same id" or "same bytes"
};

/// The rows of `catalogCsv` (text with a header naming id, path, sha256 and object) that
/// repeat an earlier row, in catalog order. Throws vocloud::Error when a column is missing.
std::vector<Duplicate> findDuplicates(std::string const& catalogCsv, std::string const& name);

/// Finds the duplicates of `bokDir`/catalog.csv, writes them to `bokDir`/duplicates.csv
/// (id, path, object, duplicate_of_id, duplicate_of_path, reason; header only when there
/// are none) and warns with their count and the first few. Returns their count.
std::uint64_t reportDuplicates(std::string const& bokDir, core::Log const& log);

}  // namespace vocloud::acquire
