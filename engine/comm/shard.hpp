#pragma once
// Pure functions that split work across ranks into contiguous blocks; no MPI.
#include <cstdint>
#include <vector>

namespace vocloud::comm {

struct Range {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t size() const { return end - begin; }
  bool operator==(Range const& other) const { return begin == other.begin && end == other.end; }
};

/// Block `part` of `n` items split into `parts` contiguous blocks whose sizes differ by at
/// most one (the first n % parts blocks get the extra item).
Range blockRange(std::uint64_t n, int parts, int part);

/// Boundaries (parts + 1 offsets, first 0, last weights.size()) of contiguous blocks whose
/// summed weights are as equal as the item granularity allows: boundary k is the item edge
/// nearest to k/parts of the total weight. Negative weights are an error.
std::vector<std::uint64_t> shardByWeights(std::vector<double> const& weights, int parts);

/// Block-cyclic distribution for output that must come out in global row order while
/// every rank writes a bounded chunk per round: rows are cut into blocks of `block` rows;
/// in round k, part p owns block k * parts + p. Appending each round's chunks in part order
/// (OrderedFileWriter) therefore writes the rows in global order.
struct CyclicLayout {
  std::uint64_t n = 0;
  std::uint64_t block = 1;
  int parts = 1;
  /// Rounds needed so that every block is owned (the same for every part).
  std::uint64_t rounds() const;
  /// Rows of `part` in round `round` (possibly empty).
  Range rows(int part, std::uint64_t round) const;
  /// Total rows owned by `part`.
  std::uint64_t count(int part) const;
};

}  // namespace vocloud::comm
