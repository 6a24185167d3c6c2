#include "comm/ranking.hpp"

#include <algorithm>
#include <cmath>

namespace vocloud::comm {

std::vector<RankedRow> topScores(std::vector<float> const& score, std::int64_t firstRow,
                                 std::size_t count, Comm const& comm) {
  auto const before = [](RankedRow const& a, RankedRow const& b) {
    return a.score > b.score || (a.score == b.score && a.row < b.row);
  };
  // Each rank's own best `count` are the only candidates for the global best `count`.
  std::vector<RankedRow> local;
  for (std::size_t i = 0; i < score.size(); ++i)
    if (!std::isnan(score[i]))
      local.push_back(RankedRow{firstRow + static_cast<std::int64_t>(i), score[i]});
  std::size_t const keep = std::min(count, local.size());
  std::partial_sort(local.begin(), local.begin() + keep, local.end(), before);
  local.resize(keep);
  std::vector<std::int64_t> rowsOut;
  std::vector<float> scoresOut;
  for (auto const& r : local) {
    rowsOut.push_back(r.row);
    scoresOut.push_back(r.score);
  }
  std::vector<std::int64_t> const allRows = comm.allgatherv(rowsOut);
  std::vector<float> const allScores = comm.allgatherv(scoresOut);
  std::vector<RankedRow> all(allRows.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = RankedRow{allRows[i], allScores[i]};
  std::sort(all.begin(), all.end(), before);
  if (all.size() > count) all.resize(count);
  return all;
}

}  // namespace vocloud::comm
