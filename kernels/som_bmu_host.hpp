#pragma once
// The host path of the BMU search (kernels/som_bmu.hpp): rows in bounded blocks, each
// centred on the codebook mean and multiplied by the centred codebook with the host SGEMM
// (kernels/host_gemm.hpp), then a vectorised per-row selection whose candidates get exact
// distances. The same blocks and buffers serve the SOM's density and nearest-node searches.
//
// MPI-free; every parallel region is labelled "vocloud::som::*".
#include "kernels/host_blocks.hpp"
#include "kernels/host_gemm.hpp"
#include "kernels/som_bmu_common.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace vocloud::kernels::detail {

/// Rows per SGEMM block on host, at most; fewer on large maps, so that the block's n x K
/// product stays within kBmuHostBlockElements floats (8 MB) whatever K.
constexpr int kBmuHostBlockRows = 1024;
constexpr std::size_t kBmuHostBlockElements = std::size_t(1) << 21;
/// Rows per SGEMM block on host, at least (the product's efficiency drops below).
constexpr int kBmuHostMinBlockRows = 64;

/// Lanes of the host selection's minimum (a multiple of any host vector width).
constexpr int kBmuSelectLanes = 8;
/// Nodes per chunk of the host selection's candidate count.
constexpr int kBmuSelectChunk = 64;

/// Host form of bmuSelectRow, in loops the compiler vectorises: every node's lower bound into
/// `lower` (scratch of K doubles) and, in the same loop, the smallest upper bound of each lane
/// (nodes k = l mod 8). The threshold is the smallest of those (BMU only), or the second
/// smallest lane minimum: two different nodes have upper bounds at most that, so it is at
/// least the second smallest upper bound of bmuSelectRow, and every node that can be first or
/// second is a candidate (a few more only when the two smallest share a lane). A last loop
/// offers the candidates, skipping chunks of 64 nodes that hold none (a vectorised count).
/// The bound's margin covers any rounding of the bounds themselves and the winner is chosen
/// on exact distances, so the result is bmuSelectRow's. dots: the row's K float products
/// x'.w'_k.
template <class ExactAt>
BmuBestTwo bmuSelectRowHost(int nodes, double xNorm2, BmuErrorBound bound, double const* wNorm2,
                            double const* wNorm, float const* dots, ExactAt const& exact,
                            bool wantSecond, double* lower) {
  constexpr int L = kBmuSelectLanes;
  double const xNorm = std::sqrt(xNorm2);
  double laneMin[L];
  for (int l = 0; l < L; ++l) laneMin[l] = HUGE_VAL;
  auto const bounds = [&](int k, int l) {
    double const approx = xNorm2 - 2.0 * static_cast<double>(dots[k]) + wNorm2[k];
    double const slack = bmuSlack(bound, xNorm, wNorm[k]);
    lower[k] = approx - slack;
    laneMin[l] = std::min(laneMin[l], approx + slack);
  };
  int k = 0;
  for (; k + L <= nodes; k += L)
    for (int l = 0; l < L; ++l) bounds(k + l, l);
  for (int l = 0; k < nodes; ++k, ++l) bounds(k, l);
  double upper1 = HUGE_VAL;
  double upper2 = HUGE_VAL;
  for (double const u : laneMin)
    if (u < upper2) {
      upper2 = u < upper1 ? upper1 : u;
      upper1 = u < upper1 ? u : upper1;
    }
  double const threshold = wantSecond && nodes > 1 ? upper2 : upper1;
  // Candidates are a few of hundreds of nodes: a vectorised count of them per chunk of
  // kBmuSelectChunk nodes, and a node-by-node look only inside chunks that hold one.
  BmuBestTwo best = bmuEmptyBestTwo();
  for (int chunk = 0; chunk < nodes; chunk += kBmuSelectChunk) {
    int const end = std::min(nodes, chunk + kBmuSelectChunk);
    int count = 0;
    for (int j = chunk; j < end; ++j) count += lower[j] <= threshold ? 1 : 0;
    if (count == 0) continue;
    for (int j = chunk; j < end; ++j)
      if (lower[j] <= threshold) bmuOffer(best, exact(j), j);
  }
  return best;
}

/// Row-major float matrix of the host path.
using BmuMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Rows per host SGEMM block for a map of `nodes` nodes: 1024, fewer on large maps (a 100 x 100
/// map: 209), so that the block's product buffer stays bounded.
inline int bmuHostBlockRows(int nodes) {
  std::size_t const fit = kBmuHostBlockElements / static_cast<std::size_t>(std::max(nodes, 1));
  return static_cast<int>(std::clamp<std::size_t>(fit, kBmuHostMinBlockRows, kBmuHostBlockRows));
}

/// The buffers of one worker of the host path, allocated once and reused for each of its
/// blocks (a fresh allocation per block costs page faults of the whole product).
struct BmuHostScratch {
  BmuMatrixF xc;               ///< the block's rows centred on the codebook mean
  BmuMatrixF s;                ///< their products with the centred codebook
  std::vector<double> xNorm2;  ///< squared norms of the centred rows
  std::vector<double> lower;   ///< one row's lower bounds, per node
  BmuHostScratch(int blockRows, int nodes, int dims)
      : xc(blockRows, dims),
        s(blockRows, nodes),
        xNorm2(static_cast<std::size_t>(blockRows)),
        lower(static_cast<std::size_t>(nodes)) {}
};

/// Calls work(first, rows, scratch) for every block of `blockRows` rows of [0, n), spread
/// over the workers of a host space (as many as it runs at once, blocks dealt round-robin);
/// each worker has one BmuHostScratch for all its blocks. Blocks must not depend on each
/// other; a row's block (first, rows) is the same whatever the number of workers.
template <class ExecSpace, class Work>
void bmuForEachHostBlock(ExecSpace const& space, char const* label, std::size_t n, int blockRows,
                         int nodes, int dims, Work const& work) {
  std::size_t const block = static_cast<std::size_t>(blockRows);
  std::size_t const blocks = (n + block - 1) / block;
  std::size_t const workers =
      std::min<std::size_t>(blocks, static_cast<std::size_t>(std::max(space.concurrency(), 1)));
  forEachHostBlock(space, label, workers, [&](std::size_t const worker) {
    BmuHostScratch scratch(blockRows, nodes, dims);
    for (std::size_t b = worker; b < blocks; b += workers) {
      std::size_t const first = b * block;
      work(first, static_cast<int>(std::min(block, n - first)), scratch);
    }
  });
}

/// One block of the host path: rows first .. first + rows - 1 of x centred on the codebook's
/// mean into scratch.xc, their squared norms into scratch.xNorm2 and the product
/// S = x' w'^T (rows x K, row-major in scratch.s) with the host SGEMM (hostSgemmNT).
/// wc: the centred codebook as an Eigen matrix; scratch holds at least `rows` rows.
template <class XView, class Centred, class WcMap>
void bmuCentredProduct(XView const& x, std::size_t first, int rows, Centred const& centred,
                       WcMap const& wc, BmuHostScratch& scratch) {
  int const dims = static_cast<int>(wc.cols());
  float const* mean = centred.mean.data();
  for (int r = 0; r < rows; ++r) {
    // Eight partial sums over contiguous values (vectorised): the norm only feeds the error
    // bound, where any order will do.
    float* out = scratch.xc.data() + static_cast<std::ptrdiff_t>(r) * dims;
    float const* row = out;  // other layouts: the row is copied first, then centred in place
    if constexpr (std::is_same_v<typename XView::array_layout, Kokkos::LayoutRight>) {
      row = &x(first + r, 0);
    } else {
      for (int d = 0; d < dims; ++d) out[d] = x(first + r, d);
    }
    double lane[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    int d = 0;
    for (; d + 8 <= dims; d += 8)
      for (int l = 0; l < 8; ++l) {
        float const v = row[d + l] - mean[d + l];
        out[d + l] = v;
        lane[l] += static_cast<double>(v) * static_cast<double>(v);
      }
    for (int l = 0; d < dims; ++d, ++l) {
      float const v = row[d] - mean[d];
      out[d] = v;
      lane[l] += static_cast<double>(v) * static_cast<double>(v);
    }
    scratch.xNorm2[static_cast<std::size_t>(r)] =
        ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
  }
  hostSgemmNT(rows, static_cast<int>(wc.rows()), dims, scratch.xc.data(), dims, wc.data(),
              static_cast<int>(wc.outerStride()), scratch.s.data(), static_cast<int>(wc.rows()));
}

/// Host path: blocks of rows (bmuHostBlockRows), each centred into a buffer and multiplied by
/// the centred codebook with the host SGEMM, then the per-row selection. Blocks run in
/// parallel on a parallel host backend; each block's result does not depend on the others.
template <class ExecSpace, class XView, class WView, class BmuView, class DistView,
          class SecondView, class SecondDistView>
void bmuSearchHost(ExecSpace const& space, XView const& x, WView const& w, BmuView const& bmu,
                   DistView const& dist2, SecondView const& second,
                   SecondDistView const& secondDist2, bool wantSecond) {
  std::size_t const n = x.extent(0);
  int const nodes = static_cast<int>(w.extent(0));
  int const dims = static_cast<int>(w.extent(1));
  auto const centred = bmuCentreCodebook(space, w);
  space.fence();
  hostGemmThreadsPerRank();
  Eigen::Map<BmuMatrixF const> const wc(centred.w.data(), nodes, dims);
  BmuErrorBound const bound = bmuErrorBound(static_cast<std::size_t>(dims));
  bmuForEachHostBlock(
      space, "vocloud::som::bmu_host_blocks", n, bmuHostBlockRows(nodes), nodes, dims,
      [&](std::size_t const first, int const rows, BmuHostScratch& scratch) {
        bmuCentredProduct(x, first, rows, centred, wc, scratch);
        for (int r = 0; r < rows; ++r) {
          std::size_t const i = first + r;
          // The next row's values, for this row's exact distances have pushed them out.
          if constexpr (std::is_same_v<typename XView::array_layout, Kokkos::LayoutRight>)
            if (r + 1 < rows) prefetchRow(&x(i + 1, 0), dims);
          auto const exact = [&](int k) {
            return bmuExactDistance2(
                dims, [&](int d) { return x(i, d); }, [&](int d) { return w(k, d); });
          };
          BmuBestTwo const best = bmuSelectRowHost(
              nodes, scratch.xNorm2[r], bound, centred.norm2.data(), centred.norm.data(),
              scratch.s.data() + static_cast<std::ptrdiff_t>(r) * nodes, exact, wantSecond,
              scratch.lower.data());
          bmuStore(best, i, bmu, dist2, second, secondDist2, wantSecond);
        }
      });
}

}  // namespace vocloud::kernels::detail
