#include "comm/shard.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace vocloud::comm {

Range blockRange(std::uint64_t n, int parts, int part) {
  if (parts <= 0 || part < 0 || part >= parts)
    throw Error("shard: part " + std::to_string(part) + " of " + std::to_string(parts) +
                " is not a valid block");
  auto const p = static_cast<std::uint64_t>(parts);
  auto const k = static_cast<std::uint64_t>(part);
  std::uint64_t const base = n / p;
  std::uint64_t const extra = n % p;
  Range range;
  range.begin = k * base + std::min(k, extra);
  range.end = range.begin + base + (k < extra ? 1 : 0);
  return range;
}

std::vector<std::uint64_t> shardByWeights(std::vector<double> const& weights, int parts) {
  if (parts <= 0) throw Error("shard: number of parts must be positive");
  std::size_t const n = weights.size();
  std::vector<double> prefix(n + 1, 0.);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(weights[i] >= 0.) || !std::isfinite(weights[i]))
      throw Error("shard: weight of item " + std::to_string(i) + " is negative or not finite");
    prefix[i + 1] = prefix[i] + weights[i];
  }
  double const total = prefix[n];
  std::vector<std::uint64_t> bounds(static_cast<std::size_t>(parts) + 1, 0);
  bounds.back() = n;
  if (total <= 0.) {
    // No weight information: fall back to equal counts.
    for (int k = 1; k < parts; ++k) bounds[k] = blockRange(n, parts, k).begin;
    return bounds;
  }
  for (int k = 1; k < parts; ++k) {
    double const target = total * k / parts;
    // First edge whose prefix reaches the target, then the nearer of it and the edge before.
    auto it = std::lower_bound(prefix.begin(), prefix.end(), target);
    auto edge = static_cast<std::uint64_t>(it - prefix.begin());
    if (edge > 0 && target - prefix[edge - 1] < prefix[edge] - target) --edge;
    bounds[k] = std::clamp<std::uint64_t>(edge, bounds[k - 1], n);
  }
  return bounds;
}

std::uint64_t CyclicLayout::rounds() const {
  if (block == 0 || parts <= 0) throw Error("shard: block and parts must be positive");
  std::uint64_t const blocks = (n + block - 1) / block;
  return (blocks + static_cast<std::uint64_t>(parts) - 1) / static_cast<std::uint64_t>(parts);
}

Range CyclicLayout::rows(int part, std::uint64_t round) const {
  std::uint64_t const g = round * static_cast<std::uint64_t>(parts) + static_cast<std::uint64_t>(part);
  Range range;
  range.begin = std::min(n, g * block);
  range.end = std::min(n, range.begin + block);
  return range;
}

std::uint64_t CyclicLayout::count(int part) const {
  std::uint64_t total = 0;
  for (std::uint64_t k = 0, r = rounds(); k < r; ++k) total += rows(part, k).size();
  return total;
}

}  // namespace vocloud::comm
