#pragma once
// Counter-based randomness of the forest: every draw is a pure function of (seed, tree,
// global row) or (seed, tree, node key), never of the partition or of the order of work, so
// every rank count draws the same bootstrap, the same feature subsets and the same
// permutation partners.
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace vocloud::forest::detail {

/// Streams keep the uses of one (seed, tree) independent.
constexpr std::uint64_t kBootstrapStream = 0x626f6f74ULL;
constexpr std::uint64_t kFeatureStream = 0x66656174ULL;
constexpr std::uint64_t kPermuteStream = 0x7065726dULL;

/// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A 64-bit hash of (seed, stream, a, b).
inline std::uint64_t hash4(std::uint64_t seed, std::uint64_t stream, std::uint64_t a,
                           std::uint64_t b) {
  return mix64(mix64(mix64(mix64(seed) ^ stream) + a) ^ b);
}

/// A uniform double in [0, 1) from a hash.
inline double unitFromHash(std::uint64_t h) {
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

/// The bootstrap weight of a global row in a tree: Poisson(mean) by inversion of one
/// uniform, capped at 255.
inline std::uint32_t poissonWeight(std::uint64_t seed, int tree, std::uint64_t globalRow,
                                   double mean) {
  double const u = unitFromHash(hash4(seed, kBootstrapStream, std::uint64_t(tree), globalRow));
  double p = std::exp(-mean);
  double cdf = p;
  std::uint32_t k = 0;
  while (u >= cdf && k < 255) {
    ++k;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/// poissonWeight with the cumulative probabilities computed once, by the same operations:
/// the same weights for a fraction of the cost (one hash and a short table scan per row).
class PoissonWeights {
 public:
  explicit PoissonWeights(double mean) {
    double p = std::exp(-mean);
    _cdf[0] = p;
    for (std::uint32_t k = 1; k < 256; ++k) {
      p *= mean / k;
      _cdf[k] = _cdf[k - 1] + p;
    }
  }
  std::uint32_t operator()(std::uint64_t seed, int tree, std::uint64_t globalRow) const {
    double const u = unitFromHash(hash4(seed, kBootstrapStream, std::uint64_t(tree), globalRow));
    // The first k with u < cdf[k]: the CDF never decreases, so k counts the entries at or
    // below u. The first eight are counted without branches (a branch per step is
    // mispredicted about once a draw), the rest, rarely needed, one by one.
    std::uint32_t k = 0;
    for (int j = 0; j < 8; ++j) k += u >= _cdf[j] ? 1 : 0;
    if (k == 8)
      while (k < 255 && u >= _cdf[k]) ++k;
    return k;
  }

 private:
  double _cdf[256];
};

/// Key of the root node; children's keys are hashes of the parent's key and the side, so a
/// node's key is a function of its path alone (not of the order nodes are grown in).
constexpr std::uint64_t kRootKey = 1;
inline std::uint64_t childKey(std::uint64_t parent, bool right) {
  return mix64(parent * 2 + (right ? 1 : 0));
}

/// Draws the first `count` features of a node's random feature order: a partial
/// Fisher-Yates shuffle of 0..D-1 keyed by (seed, tree, node key), undone afterwards, so a
/// draw costs O(count) and allocates nothing once the sampler is built.
class FeatureSampler {
 public:
  explicit FeatureSampler(int features) : _perm(features), _swaps() {
    for (int i = 0; i < features; ++i) _perm[i] = i;
    _swaps.reserve(features);
  }
  void draw(std::uint64_t seed, int tree, std::uint64_t nodeKey, int count, std::vector<int>& out) {
    int const d = static_cast<int>(_perm.size());
    out.clear();
    _swaps.clear();
    for (int i = 0; i < count && i < d; ++i) {
      std::uint64_t const h =
          hash4(seed, kFeatureStream ^ (std::uint64_t(tree) << 20), nodeKey, std::uint64_t(i));
      int j = i + static_cast<int>(unitFromHash(h) * (d - i));
      if (j >= d) j = d - 1;
      std::swap(_perm[i], _perm[j]);
      _swaps.push_back(j);
      out.push_back(_perm[i]);
    }
    for (int i = static_cast<int>(_swaps.size()) - 1; i >= 0; --i)
      std::swap(_perm[i], _perm[_swaps[i]]);
  }

 private:
  std::vector<int> _perm;
  std::vector<int> _swaps;
};

}  // namespace vocloud::forest::detail
