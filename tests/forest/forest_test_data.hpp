#pragma once
// Synthetic data for the forest tests: every value is a hash of (global row, feature), so
// any rank can build any block of the same global data set.
#include <cmath>
#include <cstdint>
#include <vector>

namespace vocloud::forest::testdata {

inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Uniform in [0, 1) from (a, b, salt).
inline double uniform(std::uint64_t a, std::uint64_t b, std::uint64_t salt) {
  return double(mix(mix(mix(salt) ^ a) + b) >> 11) * 0x1.0p-53;
}

/// Standard normal from (a, b, salt) by Box-Muller.
inline double normal(std::uint64_t a, std::uint64_t b, std::uint64_t salt) {
  double const u1 = uniform(a, b, salt) + 0x1.0p-54, u2 = uniform(a, b, salt + 1);
  return std::sqrt(-2. * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

/// Rows [begin, end) of a noisy 3-class problem with `features` features: feature 0 and 1
/// carry the class (class = (x0 > 0) + (x1 > 0.5)), a share `noise` of the labels is
/// replaced by a random class, the other features are Gaussian noise; feature 2 (when
/// present) is integer valued (ties and few distinct values).
struct Block {
  std::vector<float> x;
  std::vector<int> labels;
};

inline Block noisyBlock(std::uint64_t begin, std::uint64_t end, int features, double noise) {
  Block b;
  for (std::uint64_t g = begin; g < end; ++g) {
    for (int f = 0; f < features; ++f) {
      double v = normal(g, std::uint64_t(f), 11);
      if (f == 2) v = std::floor(4. * uniform(g, 2, 13));
      b.x.push_back(float(v));
    }
    float const* row = b.x.data() + (g - begin) * std::size_t(features);
    int label = (row[0] > 0.f ? 1 : 0) + (features > 1 && row[1] > 0.5f ? 1 : 0);
    if (uniform(g, 99, 17) < noise) label = int(3. * uniform(g, 98, 19));
    b.labels.push_back(label);
  }
  return b;
}

}  // namespace vocloud::forest::testdata
