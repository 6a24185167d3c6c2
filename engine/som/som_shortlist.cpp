#include "som/som_shortlist.hpp"

#include "core/error.hpp"
#include "kernels/som_bmu.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace vocloud::som {

namespace {

using HostSpace = Kokkos::DefaultHostExecutionSpace;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
template <class T>
using HostMatrix = Kokkos::View<T**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>;
template <class T>
using HostVector = Kokkos::View<T*, Kokkos::HostSpace, Unmanaged>;

/// Most nodes listed per row.
constexpr std::size_t kMostListed = 32;
/// Smallest row length that gets a shortlist.
constexpr std::size_t kShortlistDims = 256;

/// (lower bound, node): ordered lexicographically.
using Bound = std::pair<double, int>;

/// Lists row i: the `width` smallest of the K lower bounds and the smallest of the rest,
/// with a max-heap of width + 1 entries (most bounds fail one comparison with its top).
void listRow(DensityShortlist& list, std::size_t i, int nodes, double norm2, double const* lower,
             float const* dots) {
  std::size_t const width = list.width;
  std::size_t const keep = width + 1;
  Bound heap[kMostListed + 1];
  std::size_t size = 0;
  for (int k = 0; k < nodes; ++k) {
    Bound const b(lower[k], k);
    if (size < keep) {
      heap[size++] = b;
      std::push_heap(heap, heap + size);
    } else if (b < heap[0]) {
      std::pop_heap(heap, heap + size);
      heap[size - 1] = b;
      std::push_heap(heap, heap + size);
    }
  }
  double outside = std::numeric_limits<double>::infinity();
  if (size == keep) {  // the largest kept bound is the smallest left out
    std::pop_heap(heap, heap + size);
    outside = heap[--size].first;
  }
  for (std::size_t t = 0; t < width; ++t) {  // size == width: width <= K
    int const k = heap[t].second;
    list.node[i * width + t] = k;
    list.dot[i * width + t] = dots[k];
  }
  list.norm2[i] = norm2;
  list.outside[i] = outside;
}

}  // namespace

std::size_t shortlistWidth(int nodes, std::size_t dims) {
  if (dims < kShortlistDims || nodes < 1) return 0;
  return std::min(kMostListed, static_cast<std::size_t>(nodes));
}

void findBmusWithShortlist(Codebook const& codebook, float const* rows, std::size_t n,
                           std::size_t dims, int* bmu, float* dist2, int* second,
                           float* secondDist2, DensityShortlist& shortlist) {
  findBmus(codebook, rows, 0, dims, bmu, dist2, second, secondDist2);  // its checks only
  int const nodes = codebook.nodes();
  shortlist.width = shortlistWidth(nodes, dims);
  if (shortlist.width == 0) {
    findBmus(codebook, rows, n, dims, bmu, dist2, second, secondDist2);
    return;
  }
  shortlist.node.assign(n * shortlist.width, 0);
  shortlist.dot.assign(n * shortlist.width, 0.f);
  shortlist.norm2.assign(n, 0.);
  shortlist.outside.assign(n, 0.);
  if (n == 0) return;
  HostSpace const space;
  HostMatrix<float const> const x(rows, n, dims);
  HostMatrix<float const> const w(codebook.weights.data(), nodes, dims);
  auto const hook = [&](std::size_t i, double norm2, double const* lower, float const* dots) {
    listRow(shortlist, i, nodes, norm2, lower, dots);
  };
  kernels::bmuSearchTopTwoHost(space, x, w, HostVector<int>(bmu, n), HostVector<float>(dist2, n),
                               HostVector<int>(second, n), HostVector<float>(secondDist2, n),
                               hook);
  for (std::size_t i = 0; i < n; ++i)
    if (bmu[i] < 0)
      throw Error("som: local row " + std::to_string(i) +
                  " has non-finite values (no node is at a finite distance)");
}

}  // namespace vocloud::som
