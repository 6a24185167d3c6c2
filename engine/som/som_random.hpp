#pragma once
// Counter-based random numbers of the SOM: the same values for a seed on every platform and
// every rank (no std:: distributions, whose algorithms are implementation-defined).
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace vocloud::som::detail {

/// Streams of uniform01: the random codebook, and the online row order of each epoch
/// (kOrderStream + epoch).
constexpr std::uint64_t kInitStream = 0;
constexpr std::uint64_t kOrderStream = std::uint64_t(1) << 32;

/// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix.
inline std::uint64_t splitMix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A uniform double in [0, 1) determined by (seed, stream, index) alone.
inline double uniform01(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t const h = splitMix64(splitMix64(splitMix64(seed) ^ stream) + index);
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

/// order = a permutation of 0..order.size()-1 drawn from (seed, stream) by Fisher-Yates.
inline void shuffledOrder(std::uint64_t seed, std::uint64_t stream,
                          std::vector<std::size_t>& order) {
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = order.size(); i > 1; --i) {
    auto j = static_cast<std::size_t>(uniform01(seed, stream, i) * i);
    if (j >= i) j = i - 1;
    std::swap(order[i - 1], order[j]);
  }
}

}  // namespace vocloud::som::detail
