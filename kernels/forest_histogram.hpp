#pragma once
// Class histograms of a random forest's nodes: for a task (a node's range of positions
// [begin, end) and one feature f),
//   hist(offset + b * classes + c) = sum of weight(k) over positions k in the range with
//                                    bins(f, row(k)) == b and label(k) == c.
// The binned data is feature-major (bins(f, i), one byte per value), so a task streams one
// feature's column through the node's row list; positions are kept in increasing row order
// by the learner, so the gather walks the column forwards. Counts are unsigned integers:
// sums in any order are exact, so the result is the same on every backend and partition.
//
// One task per work item: tasks write disjoint histogram ranges, so no atomics are needed.
// MPI-free; the parallel region is labelled "vocloud::forest::histogram".
#include "engine/core/error.hpp"

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::kernels {

/// One histogram to build: positions [begin, end) of a node, feature `feature`, written at
/// hist[offset .. offset + bins * classes).
struct ForestHistogramTask {
  int begin = 0;
  int end = 0;
  int feature = 0;
  std::int64_t offset = 0;
};

/// Builds every task's class histogram (zeroing its range first). bins: features x rows
/// (uint8); rows, labels, weights: per position (local row index, class in [0, classes),
/// integer weight); tasks: ForestHistogramTask; hist: uint32 counts. All views live in
/// ExecSpace's memory. Throws vocloud::Error for inconsistent shapes. Fences `space`.
template <class ExecSpace, class BinView, class RowView, class LabelView, class WeightView,
          class TaskView, class HistView>
void buildClassHistograms(ExecSpace const& space, BinView const& bins, RowView const& rows,
                          LabelView const& labels, WeightView const& weights, TaskView const& tasks,
                          HistView const& hist, int nBins, int nClasses) {
  static_assert(Kokkos::is_execution_space<ExecSpace>::value, "the first argument is a space");
  static_assert(BinView::rank == 2, "bins is features x rows");
  if (nBins < 1 || nBins > 256 || nClasses < 1)
    throw Error("forest: histogram of " + std::to_string(nBins) + " bins and " +
                std::to_string(nClasses) + " classes");
  if (labels.extent(0) < rows.extent(0) || weights.extent(0) < rows.extent(0))
    throw Error("forest: histogram labels or weights shorter than the row list");
  std::int64_t const stride = std::int64_t(nBins) * nClasses;
  Kokkos::parallel_for(
      "vocloud::forest::histogram",
      Kokkos::RangePolicy<ExecSpace>(space, 0, static_cast<int>(tasks.extent(0))),
      KOKKOS_LAMBDA(int const t) {
        ForestHistogramTask const task = tasks(t);
        std::uint32_t* const h = &hist(task.offset);
        for (std::int64_t i = 0; i < stride; ++i) h[i] = 0;
        int const f = task.feature;
        for (int k = task.begin; k < task.end; ++k) {
          int const b = bins(f, rows(k));
          h[b * nClasses + labels(k)] += weights(k);
        }
      });
  space.fence();
}

/// Plain host reference of buildClassHistograms: bins is features x nRows (feature-major),
/// rows/labels/weights per position; fills hist (resized to fit every task) in task order.
inline void buildClassHistogramsReference(std::vector<std::uint8_t> const& bins, std::size_t nRows,
                                          std::vector<int> const& rows,
                                          std::vector<std::uint8_t> const& labels,
                                          std::vector<std::uint32_t> const& weights,
                                          std::vector<ForestHistogramTask> const& tasks,
                                          std::vector<std::uint32_t>& hist, int nBins,
                                          int nClasses) {
  std::size_t const stride = std::size_t(nBins) * nClasses;
  for (auto const& task : tasks) {
    if (hist.size() < task.offset + stride) hist.resize(task.offset + stride);
    for (std::size_t i = 0; i < stride; ++i) hist[task.offset + i] = 0;
    for (int k = task.begin; k < task.end; ++k) {
      std::size_t const b = bins[std::size_t(task.feature) * nRows + std::size_t(rows[k])];
      hist[task.offset + b * nClasses + labels[k]] += weights[k];
    }
  }
}

}  // namespace vocloud::kernels
