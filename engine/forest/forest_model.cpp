#include "forest/forest_model.hpp"

#include "core/error.hpp"
#include "kernels/forest_predict.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <string>

namespace vocloud::forest {

namespace {

void check(bool ok, std::string const& message) {
  if (!ok) throw Error("forest: model " + message);
}

}  // namespace

void validateForestModel(ForestModel const& m) {
  check(m.classes >= 1 && m.classes <= 256, "has " + std::to_string(m.classes) + " classes");
  check(m.features >= 1, "has no features");
  check(!m.treeOffsets.empty() && m.treeOffsets.front() == 0, "tree offsets do not start at 0");
  std::size_t const n = m.feature.size();
  check(std::size_t(m.treeOffsets.back()) == n, "tree offsets do not end at the node count");
  check(m.thresholdBin.size() == n && m.threshold.size() == n && m.left.size() == n &&
            m.right.size() == n && m.samples.size() == n && m.impurityDecrease.size() == n &&
            m.value.size() == n * std::size_t(m.classes),
        "node arrays have different lengths");
  check(m.edges.features == m.features && m.edges.offsets.size() == std::size_t(m.features) + 1 &&
            m.edges.offsets.front() == 0 &&
            std::size_t(m.edges.offsets.back()) == m.edges.edges.size(),
        "bin edges do not match the features");
  for (int f = 0; f < m.features; ++f) {
    check(m.edges.offsets[f + 1] >= m.edges.offsets[f] && m.edges.bins(f) <= 256,
          "bin edges of feature " + std::to_string(f) + " are malformed");
    for (auto e = m.edges.offsets[f] + 1; e < m.edges.offsets[f + 1]; ++e)
      check(m.edges.edges[e] > m.edges.edges[e - 1],
            "bin edges of feature " + std::to_string(f) + " do not increase");
  }
  std::vector<int> parents;
  for (int t = 0; t < m.trees(); ++t) {
    std::int64_t const base = m.treeOffsets[t], end = m.treeOffsets[t + 1];
    std::string const tree = "tree " + std::to_string(t);
    check(end > base, tree + " has no nodes");
    parents.assign(std::size_t(end - base), 0);
    for (std::int64_t k = base; k < end; ++k) {
      std::string const node = tree + " node " + std::to_string(k - base);
      for (int c = 0; c < m.classes; ++c)
        check(std::isfinite(m.value[std::size_t(k) * m.classes + c]), node + " has a bad value");
      if (m.feature[k] < 0) {
        check(m.left[k] == -1 && m.right[k] == -1, node + " is a leaf with children");
        continue;
      }
      int const f = m.feature[k];
      check(f < m.features, node + " splits on feature " + std::to_string(f));
      int const tb = m.thresholdBin[k];
      check(tb >= 0 && tb < m.edges.bins(f) - 1, node + " has threshold bin " + std::to_string(tb));
      check(m.threshold[k] == m.edges.edges[m.edges.offsets[f] + tb],
            node + " threshold is not the edge of its bin");
      for (std::int32_t child : {m.left[k], m.right[k]}) {
        check(child > k - base && child < end - base, node + " has child " + std::to_string(child));
        ++parents[std::size_t(child)];
      }
    }
    for (std::size_t j = 1; j < parents.size(); ++j)
      check(parents[j] == 1, tree + " node " + std::to_string(j) + " has " +
                                 std::to_string(parents[j]) + " parents");
  }
}

std::vector<double> predictProba(ForestModel const& m, float const* x, std::size_t rows) {
  using Space = Kokkos::DefaultHostExecutionSpace;
  using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
  std::vector<double> out(rows * std::size_t(m.classes));
  Kokkos::View<float const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged> xv(
      x, rows, std::size_t(m.features));
  Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged> ov(
      out.data(), rows, std::size_t(m.classes));
  using IntV = Kokkos::View<std::int32_t const*, Kokkos::HostSpace, Unmanaged>;
  Kokkos::View<std::int64_t const*, Kokkos::HostSpace, Unmanaged> offsets(m.treeOffsets.data(),
                                                                          m.treeOffsets.size());
  IntV feature(m.feature.data(), m.feature.size()), left(m.left.data(), m.left.size()),
      right(m.right.data(), m.right.size());
  Kokkos::View<float const*, Kokkos::HostSpace, Unmanaged> threshold(m.threshold.data(),
                                                                     m.threshold.size());
  Kokkos::View<float const*, Kokkos::HostSpace, Unmanaged> value(m.value.data(), m.value.size());
  kernels::forestPredictProba(Space(), xv, offsets, feature, threshold, left, right, value, ov);
  return out;
}

std::vector<int> predictClass(ForestModel const& m, float const* x, std::size_t rows) {
  std::vector<double> const p = predictProba(m, x, rows);
  std::vector<int> out(rows);
  for (std::size_t i = 0; i < rows; ++i) out[i] = argmax(p.data() + i * m.classes, m.classes);
  return out;
}

}  // namespace vocloud::forest
