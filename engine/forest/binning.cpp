#include "forest/binning.hpp"

#include "core/error.hpp"
#include "core/memory.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vocloud::forest {

int BinEdges::maxBins() const {
  int m = 1;
  for (int f = 0; f < features; ++f) m = std::max(m, bins(f));
  return m;
}

namespace {

/// n zero bytes, in huge pages where the kernel gives them (the binned shard and its
/// row-major copy are the stage's largest arrays, written once).
std::vector<std::uint8_t> zeroedBytes(std::size_t n) {
  std::vector<std::uint8_t> out;
  core::reserveAdvised(out, n);
  out.resize(n);
  return out;
}

int fineBinOf(float value, double lo, double hi) {
  if (!(hi > lo)) return 0;
  double const s = std::floor((double(value) - lo) / (hi - lo) * kFineBins);
  return static_cast<int>(std::clamp(s, 0., double(kFineBins - 1)));
}

}  // namespace

std::size_t rowsPerBlock(int features) {
  return std::max<std::size_t>(1,
                               (std::size_t(4) << 20) / (4 * std::size_t(std::max(1, features))));
}

BinEdges computeBinEdges(comm::Comm const& comm, RowBlocks const& rows, std::size_t count,
                         int features, int bins, std::uint8_t const* use, std::size_t blockRows) {
  if (bins < 2 || bins > 256) throw Error("forest: bins must be in [2, 256]");
  if (features < 1) throw Error("forest: binning needs at least one feature");
  std::size_t const d = std::size_t(features);
  std::size_t const block = blockRows > 0 ? blockRows : rowsPerBlock(features);
  std::vector<float> lo(d, std::numeric_limits<float>::infinity());
  std::vector<float> hi(d, -std::numeric_limits<float>::infinity());
  for (std::size_t i0 = 0; i0 < count; i0 += block) {
    std::size_t const n = std::min(block, count - i0);
    float const* x = rows(i0, n);
    for (std::size_t i = 0; i < n; ++i) {
      if (use && !use[i0 + i]) continue;
      float const* row = x + i * d;
      for (std::size_t f = 0; f < d; ++f) {
        float const v = row[f];
        if (!std::isfinite(v)) continue;
        lo[f] = std::min(lo[f], v);
        hi[f] = std::max(hi[f], v);
      }
    }
  }
  comm.allreduce(lo, comm::Op::Min);
  comm.allreduce(hi, comm::Op::Max);

  // Fine histograms, one feature at a time over a transposed block of rows, so that each
  // feature's 4096 counters stay in cache while its values are counted. The transpose
  // goes by tiles of 16 features (one cache line of a row) to keep its writes local.
  std::vector<std::uint32_t> local(d * kFineBins, 0);  // < 2^32 rows per rank
  std::vector<float> column;
  constexpr std::size_t kTile = 16;
  for (std::size_t i0 = 0; i0 < count; i0 += block) {
    std::size_t const n = std::min(block, count - i0);
    float const* x = rows(i0, n);
    column.resize(n * d);
    std::size_t used = 0;
    for (std::size_t f0 = 0; f0 < d; f0 += kTile) {
      std::size_t const f1 = std::min(d, f0 + kTile);
      used = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (use && !use[i0 + i]) continue;
        float const* row = x + i * d;
        for (std::size_t f = f0; f < f1; ++f) column[f * n + used] = row[f];
        ++used;
      }
    }
    for (std::size_t f = 0; f < d; ++f) {
      std::uint32_t* h = local.data() + f * kFineBins;
      float const* v = column.data() + f * n;
      double const l = lo[f], u = hi[f];
      for (std::size_t j = 0; j < used; ++j)
        if (std::isfinite(v[j])) ++h[fineBinOf(v[j], l, u)];
    }
  }
  std::vector<unsigned long long> fine(local.begin(), local.end());
  local = std::vector<std::uint32_t>();
  comm.allreduce(fine, comm::Op::Sum);

  BinEdges out;
  out.features = features;
  out.offsets.assign(d + 1, 0);
  for (std::size_t f = 0; f < d; ++f) {
    out.offsets[f] = static_cast<std::int64_t>(out.edges.size());
    unsigned long long const* h = fine.data() + f * kFineBins;
    unsigned long long n = 0;
    for (int s = 0; s < kFineBins; ++s) n += h[s];
    if (n == 0 || !(hi[f] > lo[f])) continue;
    double const width = (double(hi[f]) - double(lo[f])) / kFineBins;
    unsigned long long cumulative = 0;
    int q = 1;
    for (int s = 0; s < kFineBins && q < bins; ++s) {
      cumulative += h[s];
      bool placed = false;
      // Unsigned products stay far below 2^64: counts < 2^55, bins <= 256.
      while (q < bins && cumulative * (unsigned long long)bins >= (unsigned long long)q * n) {
        ++q;
        placed = true;
      }
      if (!placed) continue;
      float const edge = static_cast<float>(double(lo[f]) + double(s + 1) * width);
      std::size_t const first = std::size_t(out.offsets[f]);
      bool const increases = out.edges.size() == first || edge > out.edges.back();
      if (edge > lo[f] && edge < hi[f] && increases) out.edges.push_back(edge);
    }
  }
  out.offsets[d] = static_cast<std::int64_t>(out.edges.size());
  return out;
}

BinEdges computeBinEdges(comm::Comm const& comm, float const* x, std::size_t rows, int features,
                         int bins, std::uint8_t const* use) {
  std::size_t const d = std::size_t(std::max(1, features));
  return computeBinEdges(
      comm, [x, d](std::size_t first, std::size_t) { return x + first * d; }, rows, features, bins,
      use);
}

int binOf(float const* edges, int count, float value) {
  if (std::isnan(value)) return count;
  if (count == 0) return 0;
  // Branchless upper bound: `base` ends on the last edge <= value (or the first edge).
  float const* base = edges;
  for (int n = count; n > 1;) {
    int const half = n / 2;
    base = base[half] <= value ? base + half : base;
    n -= half;
  }
  return static_cast<int>(base - edges) + (*base <= value ? 1 : 0);
}

namespace {

/// Fast binOf for one feature: a table over kCells equal cells of [first edge, last edge]
/// gives a starting bin that at most a few steps along the edges correct, so the result is
/// exactly binOf's (the number of edges <= value) whatever the rounding of the cell.
class BinLookup {
 public:
  static constexpr int kCells = 1024;

  BinLookup(float const* edges, int count) : _edges(edges), _count(count) {
    if (count == 0) return;
    _lo = edges[0];
    double const span = double(edges[count - 1]) - _lo;
    _scale = span > 0. ? kCells / span : 0.;
    _table.resize(kCells);
    for (int c = 0; c < kCells; ++c)
      _table[c] =
          std::uint8_t(binOf(edges, count, float(_lo + (_scale > 0. ? double(c) / _scale : 0.))));
  }

  int operator()(float value) const {
    if (std::isnan(value)) return _count;
    if (_count == 0) return 0;
    double const t = (double(value) - _lo) * _scale;
    int const cell = t <= 0. ? 0 : t >= double(kCells - 1) ? kCells - 1 : int(t);
    int b = _table[cell];
    while (b < _count && _edges[b] <= value) ++b;
    while (b > 0 && _edges[b - 1] > value) --b;
    return b;
  }

 private:
  float const* _edges;
  int _count;
  double _lo = 0., _scale = 0.;
  std::vector<std::uint8_t> _table;
};

}  // namespace

std::vector<std::uint8_t> binFeatureMajor(BinEdges const& edges, RowBlocks const& rows,
                                          std::size_t count, std::size_t blockRows) {
  std::size_t const d = std::size_t(edges.features);
  std::vector<std::uint8_t> out = zeroedBytes(d * count);
  std::size_t const block = blockRows > 0 ? blockRows : rowsPerBlock(edges.features);
  std::vector<BinLookup> lookup;
  lookup.reserve(d);
  for (std::size_t f = 0; f < d; ++f)
    lookup.emplace_back(edges.edges.data() + edges.offsets[f],
                        static_cast<int>(edges.offsets[f + 1] - edges.offsets[f]));
  // Sub-blocks of rows stay in cache while every feature's column of them is written.
  constexpr std::size_t kSub = 64;
  for (std::size_t b0 = 0; b0 < count; b0 += block) {
    std::size_t const n = std::min(block, count - b0);
    float const* x = rows(b0, n);
    for (std::size_t i0 = 0; i0 < n; i0 += kSub) {
      std::size_t const i1 = std::min(n, i0 + kSub);
      for (std::size_t f = 0; f < d; ++f) {
        BinLookup const& binOfValue = lookup[f];
        std::uint8_t* col = out.data() + f * count + b0;
        for (std::size_t i = i0; i < i1; ++i)
          col[i] = static_cast<std::uint8_t>(binOfValue(x[i * d + f]));
      }
    }
  }
  return out;
}

std::vector<std::uint8_t> binFeatureMajor(BinEdges const& edges, float const* x, std::size_t rows) {
  std::size_t const d = std::size_t(edges.features);
  return binFeatureMajor(
      edges, [x, d](std::size_t first, std::size_t) { return x + first * d; }, rows);
}

std::vector<std::uint8_t> transposeBins(std::uint8_t const* bins, std::size_t rows, int features) {
  std::size_t const d = std::size_t(features);
  std::vector<std::uint8_t> out = zeroedBytes(rows * d);
  // 64 rows at a time: one cache line of each column in, a contiguous block out.
  constexpr std::size_t kChunk = 64;
  for (std::size_t r0 = 0; r0 < rows; r0 += kChunk) {
    std::size_t const n = std::min(kChunk, rows - r0);
    std::uint8_t* block = out.data() + r0 * d;
    for (std::size_t f = 0; f < d; ++f) {
      std::uint8_t const* col = bins + f * rows + r0;
      for (std::size_t i = 0; i < n; ++i) block[i * d + f] = col[i];
    }
  }
  return out;
}

}  // namespace vocloud::forest
