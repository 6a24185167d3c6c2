#include "som/som_nearest.hpp"

#include "core/error.hpp"
#include "kernels/som_bmu.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>

namespace vocloud::som {

namespace {

using HostSpace = Kokkos::DefaultHostExecutionSpace;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
using HostMatrix = Kokkos::View<float const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>;

/// Nodes per block of the filtered search (its product holds kNearestBlock x K floats).
constexpr int kNearestBlock = 256;

/// (squared distance, node): ordered lexicographically, so ties go to the lower node.
using Neighbour = std::pair<double, int>;

/// The exact squared distance of nodes k and j, in the BMU kernel's fixed order.
double nodeDistance2(Codebook const& codebook, int k, int j) {
  float const* wk = codebook.node(k);
  float const* wj = codebook.node(j);
  return kernels::detail::bmuExactDistance2(
      static_cast<int>(codebook.dims), [&](int d) { return wj[d]; }, [&](int d) { return wk[d]; });
}

/// The first `take` of `order` (sorted by distance, then index), as node indices.
std::vector<int> firstNodes(std::vector<Neighbour>& order, std::size_t take) {
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take), order.end());
  std::vector<int> out;
  out.reserve(take);
  for (std::size_t t = 0; t < take; ++t) out.push_back(order[t].second);
  return out;
}

void checkNodes(Codebook const& codebook) {
  validateGrid(codebook.grid);
  if (codebook.dims == 0 ||
      codebook.weights.size() != static_cast<std::size_t>(codebook.nodes()) * codebook.dims)
    throw Error("som: the codebook's weights do not match its map and dimensions");
}

}  // namespace

std::vector<std::vector<int>> nearestNodesReference(Codebook const& codebook, int count) {
  checkNodes(codebook);
  int const nodes = codebook.nodes();
  std::size_t const take = static_cast<std::size_t>(std::clamp(count, 0, std::max(0, nodes - 1)));
  std::vector<std::vector<int>> out(nodes);
  std::vector<Neighbour> order;
  for (int k = 0; k < nodes; ++k) {
    order.clear();
    for (int j = 0; j < nodes; ++j)
      if (j != k) order.emplace_back(nodeDistance2(codebook, k, j), j);
    out[k] = firstNodes(order, take);
  }
  return out;
}

std::vector<std::vector<int>> nearestNodes(Codebook const& codebook, int count) {
  checkNodes(codebook);
  int const nodes = codebook.nodes();
  std::size_t const take = static_cast<std::size_t>(std::clamp(count, 0, std::max(0, nodes - 1)));
  std::vector<std::vector<int>> out(nodes);
  if (take == 0) return out;
  HostSpace const space;
  std::size_t const dims = codebook.dims;
  HostMatrix const w(codebook.weights.data(), nodes, dims);
  auto const centred = kernels::detail::bmuCentreCodebook(space, w);
  space.fence();
  kernels::hostGemmThreadsPerRank();
  Eigen::Map<kernels::detail::BmuMatrixF const> const wc(centred.w.data(), nodes,
                                                         static_cast<Eigen::Index>(dims));
  kernels::detail::BmuErrorBound const bound = kernels::detail::bmuErrorBound(dims);
  kernels::detail::bmuForEachHostBlock(
      space, "vocloud::som::nearest_nodes_blocks", static_cast<std::size_t>(nodes),
      std::min(kNearestBlock, kernels::detail::bmuHostBlockRows(nodes)), nodes,
      static_cast<int>(dims),
      [&](std::size_t const firstRow, int const rows, kernels::detail::BmuHostScratch& scratch) {
        int const first = static_cast<int>(firstRow);
        kernels::detail::bmuCentredProduct(w, firstRow, rows, centred, wc, scratch);
        std::vector<double> const& norm2 = scratch.xNorm2;
        kernels::detail::BmuMatrixF const& s = scratch.s;
        std::vector<double> upper;
        std::vector<Neighbour> candidates;
        for (int r = 0; r < rows; ++r) {
          int const k = first + r;
          double const kNorm = std::sqrt(norm2[r]);
          auto const bounds = [&](int j) {
            double const approx = norm2[r] - 2. * static_cast<double>(s(r, j)) + centred.norm2(j);
            double const error = kernels::detail::bmuSlack(bound, kNorm, centred.norm(j));
            return std::make_pair(approx - error, approx + error);
          };
          // The take-th smallest upper bound is at least the take-th smallest exact distance.
          upper.clear();
          for (int j = 0; j < nodes; ++j)
            if (j != k) upper.push_back(bounds(j).second);
          std::nth_element(upper.begin(), upper.begin() + static_cast<std::ptrdiff_t>(take - 1),
                           upper.end());
          double const threshold = upper[take - 1];
          candidates.clear();
          for (int j = 0; j < nodes; ++j)
            if (j != k && bounds(j).first <= threshold)
              candidates.emplace_back(nodeDistance2(codebook, k, j), j);
          out[k] = firstNodes(candidates, take);
        }
      });
  return out;
}

}  // namespace vocloud::som
