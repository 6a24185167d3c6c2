#pragma once
// The seeded mixing both fold assignments (stratified and grouped) draw their order from, so
// that folds depend on the seed and the rows' keys only, never on which rank holds a row.
#include <cstdint>

namespace vocloud::forest::detail {

/// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix.
inline std::uint64_t foldMix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace vocloud::forest::detail
