#pragma once
// "Did you mean" suggestions for misspelt keys.
#include <string>
#include <vector>

namespace vocloud::config {

/// Edit distance (optimal string alignment: Levenshtein plus adjacent swaps).
std::size_t editDistance(std::string const& a, std::string const& b);

/// The candidate closest to `word` when it is close enough to be a plausible typo
/// (distance <= max(1, |word| / 3)), or "" when none is.
std::string closestMatch(std::string const& word, std::vector<std::string> const& candidates);

}  // namespace vocloud::config
