#pragma once
// Tables of text fields packed into one string and back, to broadcast a batch of records
// (a plan, a round of catalog rows) from one rank to all. Fields must not contain the
// ASCII unit (0x1f) or record (0x1e) separators; paths, ids and URLs never do.
#include <string>
#include <vector>

namespace vocloud::core {

/// Packs records of fields into one string.
std::string packRecords(std::vector<std::vector<std::string>> const& records);

/// Unpacks packRecords()' output; throws vocloud::Error when a record does not have
/// `fields` fields (a corrupt or mismatched message).
std::vector<std::vector<std::string>> unpackRecords(std::string const& text, std::size_t fields);

/// A double as a field that reads back exactly with std::stod ("nan" for NaN).
std::string recordNumber(double value);

}  // namespace vocloud::core
