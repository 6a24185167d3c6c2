#include "forest/binning.hpp"

#include "core/error.hpp"

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

int fineBinOf(float value, double lo, double hi) {
  if (!(hi > lo)) return 0;
  double const s = std::floor((double(value) - lo) / (hi - lo) * kFineBins);
  return static_cast<int>(std::clamp(s, 0., double(kFineBins - 1)));
}

}  // namespace

BinEdges computeBinEdges(comm::Comm const& comm, float const* x, std::size_t rows, int features,
                         int bins, std::uint8_t const* use) {
  if (bins < 2 || bins > 256) throw Error("forest: bins must be in [2, 256]");
  if (features < 1) throw Error("forest: binning needs at least one feature");
  std::size_t const d = std::size_t(features);
  std::vector<float> lo(d, std::numeric_limits<float>::infinity());
  std::vector<float> hi(d, -std::numeric_limits<float>::infinity());
  for (std::size_t i = 0; i < rows; ++i) {
    if (use && !use[i]) continue;
    float const* row = x + i * d;
    for (std::size_t f = 0; f < d; ++f) {
      float const v = row[f];
      if (!std::isfinite(v)) continue;
      lo[f] = std::min(lo[f], v);
      hi[f] = std::max(hi[f], v);
    }
  }
  comm.allreduce(lo, comm::Op::Min);
  comm.allreduce(hi, comm::Op::Max);

  std::vector<unsigned long long> fine(d * kFineBins, 0);
  for (std::size_t i = 0; i < rows; ++i) {
    if (use && !use[i]) continue;
    float const* row = x + i * d;
    for (std::size_t f = 0; f < d; ++f) {
      float const v = row[f];
      if (!std::isfinite(v)) continue;
      ++fine[f * kFineBins + std::size_t(fineBinOf(v, lo[f], hi[f]))];
    }
  }
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

std::vector<std::uint8_t> binFeatureMajor(BinEdges const& edges, float const* x, std::size_t rows) {
  std::size_t const d = std::size_t(edges.features);
  std::vector<std::uint8_t> out(d * rows);
  // Blocks of rows stay in cache while every feature's column of the block is written.
  constexpr std::size_t kBlock = 64;
  for (std::size_t i0 = 0; i0 < rows; i0 += kBlock) {
    std::size_t const i1 = std::min(rows, i0 + kBlock);
    for (std::size_t f = 0; f < d; ++f) {
      float const* e = edges.edges.data() + edges.offsets[f];
      int const count = static_cast<int>(edges.offsets[f + 1] - edges.offsets[f]);
      std::uint8_t* col = out.data() + f * rows;
      for (std::size_t i = i0; i < i1; ++i)
        col[i] = static_cast<std::uint8_t>(binOf(e, count, x[i * d + f]));
    }
  }
  return out;
}

}  // namespace vocloud::forest
