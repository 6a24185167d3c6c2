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

}  // namespace vocloud::comm
