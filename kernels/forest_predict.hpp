#pragma once
// Class probabilities of a forest for float rows: each tree routes a row from its root,
// going left when x[feature] < threshold (NaN goes right) until a leaf, and the row's
// probability of class c is the mean over trees of the leaves' class distributions,
// summed in tree order in double (so the kernel and the reference agree bitwise).
// Trees are flat arrays: tree t owns nodes [treeOffsets(t), treeOffsets(t + 1)), children
// are tree-local indices, a leaf has feature -1.
//
// MPI-free; the parallel region is labelled "vocloud::forest::predict".
#include "engine/core/error.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vocloud::kernels {

/// out(i, c) = mean over trees of the class-c value of the leaf row i reaches. x: rows x D
/// floats; treeOffsets: trees + 1 int64; feature, left, right: int32 per node; threshold:
/// float per node; value: nodes x classes floats (flat); out: rows x classes doubles. All
/// views live in ExecSpace's memory. Fences `space`.
template <class ExecSpace, class XView, class OffsetView, class IntView, class FloatView,
          class ValueView, class OutView>
void forestPredictProba(ExecSpace const& space, XView const& x, OffsetView const& treeOffsets,
                        IntView const& feature, FloatView const& threshold, IntView const& left,
                        IntView const& right, ValueView const& value, OutView const& out) {
  static_assert(Kokkos::is_execution_space<ExecSpace>::value, "the first argument is a space");
  static_assert(XView::rank == 2 && OutView::rank == 2, "x and out are matrices");
  if (out.extent(0) < x.extent(0)) throw Error("forest: prediction output has too few rows");
  int const trees = treeOffsets.extent(0) > 0 ? int(treeOffsets.extent(0)) - 1 : 0;
  int const classes = static_cast<int>(out.extent(1));
  double const scale = trees > 0 ? 1.0 / trees : 0.0;
  Kokkos::parallel_for(
      "vocloud::forest::predict",
      Kokkos::RangePolicy<ExecSpace>(space, 0, static_cast<std::int64_t>(x.extent(0))),
      KOKKOS_LAMBDA(std::int64_t const i) {
        for (int c = 0; c < classes; ++c) out(i, c) = 0.0;
        for (int t = 0; t < trees; ++t) {
          std::int64_t const base = treeOffsets(t);
          std::int64_t node = base;
          while (feature(node) >= 0) {
            bool const goLeft = x(i, feature(node)) < threshold(node);
            node = base + (goLeft ? left(node) : right(node));
          }
          for (int c = 0; c < classes; ++c) out(i, c) += double(value(node * classes + c));
        }
        for (int c = 0; c < classes; ++c) out(i, c) *= scale;
      });
  space.fence();
}

/// Plain host reference of forestPredictProba on std::vectors; x is rows x features
/// row-major, the result rows x classes row-major.
inline std::vector<double> forestPredictProbaReference(
    std::vector<float> const& x, std::size_t features, std::vector<std::int64_t> const& treeOffsets,
    std::vector<std::int32_t> const& feature, std::vector<float> const& threshold,
    std::vector<std::int32_t> const& left, std::vector<std::int32_t> const& right,
    std::vector<float> const& value, int classes) {
  std::size_t const rows = features ? x.size() / features : 0;
  std::size_t const trees = treeOffsets.empty() ? 0 : treeOffsets.size() - 1;
  std::vector<double> out(rows * classes, 0.0);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t t = 0; t < trees; ++t) {
      std::int64_t node = treeOffsets[t];
      while (feature[node] >= 0) {
        float const v = x[i * features + std::size_t(feature[node])];
        node = treeOffsets[t] + (v < threshold[node] ? left[node] : right[node]);
      }
      for (int c = 0; c < classes; ++c) out[i * classes + c] += double(value[node * classes + c]);
    }
    for (int c = 0; c < classes; ++c) out[i * classes + c] *= trees ? 1.0 / double(trees) : 0.0;
  }
  return out;
}

}  // namespace vocloud::kernels
