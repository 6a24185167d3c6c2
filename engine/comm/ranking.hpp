#pragma once
// Ranking rows spread over ranks: the k best scores of all ranks without gathering them.
#include "comm/comm.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vocloud::comm {

/// One entry of a ranking.
struct RankedRow {
  std::int64_t row = 0;  ///< global row index
  float score = 0.f;
};

/// The `count` rows with the highest scores over all ranks, by score descending then row
/// ascending; `firstRow` is the global index of the first local row. Rows whose score is
/// NaN are never listed. Every rank gets the list; each rank sends at most `count` entries.
/// Collective over comm.
std::vector<RankedRow> topScores(std::vector<float> const& score, std::int64_t firstRow,
                                 std::size_t count, Comm const& comm);

/// For each ranked row, local[row - firstRow] from the rank that holds the row (each row is
/// on exactly one rank; `local` has one value per local row), on every rank.
/// Collective over comm.
std::vector<std::int64_t> valuesOfRankedRows(std::vector<RankedRow> const& ranked,
                                             std::int64_t firstRow,
                                             std::vector<std::int64_t> const& local,
                                             Comm const& comm);

}  // namespace vocloud::comm
