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

std::vector<std::int64_t> valuesOfRankedRows(std::vector<RankedRow> const& ranked,
                                             std::int64_t firstRow,
                                             std::vector<std::int64_t> const& local,
                                             Comm const& comm) {
  std::vector<std::int64_t> values(ranked.size(), 0);
  auto const end = firstRow + static_cast<std::int64_t>(local.size());
  for (std::size_t j = 0; j < ranked.size(); ++j)
    if (ranked[j].row >= firstRow && ranked[j].row < end)
      values[j] = local[static_cast<std::size_t>(ranked[j].row - firstRow)];
  comm.allreduce(values, Op::Sum);  // one owner per row: the sum is its value
  return values;
}

}  // namespace vocloud::comm
