#include "config/suggest.hpp"

#include <algorithm>

namespace vocloud::config {

std::size_t editDistance(std::string const& a, std::string const& b) {
  // Optimal string alignment: insertions, deletions, substitutions and swaps of two
  // neighbouring letters ("cuont" -> "count") each cost one.
  std::size_t const n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t const cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string closestMatch(std::string const& word, std::vector<std::string> const& candidates) {
  std::size_t const limit = std::max<std::size_t>(1, word.size() / 3);
  std::string best;
  std::size_t bestDistance = limit + 1;
  for (auto const& candidate : candidates) {
    std::size_t const d = editDistance(word, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace vocloud::config
