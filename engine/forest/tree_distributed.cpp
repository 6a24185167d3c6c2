#include "forest/tree_distributed.hpp"

#include "core/error.hpp"
#include "forest/tree_small_nodes.hpp"
#include "kernels/forest_histogram.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>

namespace vocloud::forest::detail {

namespace {

/// A node of the level-wise phase: where it is (SmallNode's id, key, depth, rows, samples)
/// and what growing it needs.
struct OpenNode : SmallNode {
  std::vector<std::uint64_t> counts;
  int parent = -1, sibling = -1;
  int drawn = 0, nonConstant = 0;
  double nodeScore = 0.;
  SplitChoice best;
  std::vector<int> histFeatures;  // features whose reduced histograms `hist` holds
  std::vector<std::uint32_t> hist;
  std::vector<int> round, build, subtract;

  std::uint32_t const* histOf(int f, std::size_t stride) const {
    auto const it = std::find(histFeatures.begin(), histFeatures.end(), f);
    return it == histFeatures.end() ? nullptr : hist.data() + (it - histFeatures.begin()) * stride;
  }
};

/// The level-wise part of tree g.tree (steps 1-5 of tree_distributed.hpp): g.nodes holds
/// the tree down to the nodes set aside in g.small, whose rows are in g.pos.
void growTopLevels(comm::Comm const& comm, GrowParams const& p, SplitScorer& scorer,
                   ShardData const& shard, std::uint64_t localNodeSamples, GrowingTree& g) {
  using Space = Kokkos::DefaultHostExecutionSpace;
  using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
  int const k = p.classes;
  std::size_t const stride = std::size_t(p.maxBins) * k;
  TreeNodes& out = g.nodes;
  std::vector<std::uint32_t> const& weights = g.weights;
  out.clear(k);

  Positions& pos = g.pos;
  pos.row.clear();
  pos.label.clear();
  pos.weight.clear();
  for (int i = 0; i < shard.rows; ++i) {
    if (weights[i] == 0) continue;
    pos.row.push_back(i);
    pos.label.push_back(shard.labels[i]);
    pos.weight.push_back(weights[i]);
  }
  int const n = static_cast<int>(pos.row.size());
  pos.reserveScratch();

  std::vector<unsigned long long> rootCounts(std::size_t(k), 0);
  for (int j = 0; j < n; ++j) rootCounts[pos.label[j]] += pos.weight[j];
  comm.allreduce(rootCounts, comm::Op::Sum);
  OpenNode root;
  root.counts.assign(rootCounts.begin(), rootCounts.end());
  root.end = n;
  root.key = kRootKey;
  for (auto c : root.counts) root.samples += c;
  if (root.samples >= (std::uint64_t(1) << 32))
    throw Error("forest: more than 2^32 bootstrap samples in one tree");
  root.id = out.add(scorer, root.counts.data(), root.samples);
  root.nodeScore = scorer.score(root.counts.data());

  FeatureSampler sampler(p.features);
  std::vector<int> drawScratch;
  std::vector<OpenNode> prev, cur, next;
  std::vector<SmallNode>& small = g.small;
  small.clear();
  if (!leafByRule(p, root.counts.data(), root.samples, 0)) {
    if (root.samples < localNodeSamples)
      small.push_back(root);
    else
      cur.push_back(std::move(root));
  }

  Kokkos::View<std::uint8_t const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged> binView(
      shard.bins, std::size_t(shard.features), std::size_t(shard.rows));
  Kokkos::View<int const*, Kokkos::HostSpace, Unmanaged> rowView(pos.row.data(), pos.row.size());
  Kokkos::View<std::uint8_t const*, Kokkos::HostSpace, Unmanaged> labelView(pos.label.data(),
                                                                            pos.label.size());
  Kokkos::View<std::uint32_t const*, Kokkos::HostSpace, Unmanaged> weightView(pos.weight.data(),
                                                                              pos.weight.size());
  std::vector<kernels::ForestHistogramTask> tasks;
  std::vector<unsigned> level;
  std::vector<std::uint64_t> leftCounts(std::size_t(k), 0);

  while (!cur.empty()) {
    for (auto& node : cur) {
      nextFeatures(p, sampler, node.key, node.drawn, node.nonConstant, drawScratch, node.round);
      node.drawn += static_cast<int>(node.round.size());
      node.build = node.round;
      node.subtract.clear();
    }
    for (std::size_t i = 0; i < cur.size(); ++i) {
      int const s = cur[i].sibling;
      if (s <= int(i)) continue;
      OpenNode& a = cur[i];
      OpenNode& b = cur[std::size_t(s)];
      OpenNode const& parent = prev[std::size_t(a.parent)];
      OpenNode& smaller = a.samples <= b.samples ? a : b;
      OpenNode& larger = a.samples <= b.samples ? b : a;
      larger.build.clear();
      for (int f : larger.round) {
        if (parent.histOf(f, stride) == nullptr) {
          larger.build.push_back(f);
          continue;
        }
        larger.subtract.push_back(f);
        if (std::find(smaller.build.begin(), smaller.build.end(), f) == smaller.build.end())
          smaller.build.push_back(f);
      }
    }

    tasks.clear();
    for (auto const& node : cur)
      for (int f : node.build)
        tasks.push_back({node.begin, node.end, f, std::int64_t(tasks.size() * stride)});
    level.assign(tasks.size() * stride, 0u);
    Kokkos::View<kernels::ForestHistogramTask const*, Kokkos::HostSpace, Unmanaged> taskView(
        tasks.data(), tasks.size());
    Kokkos::View<std::uint32_t*, Kokkos::HostSpace, Unmanaged> histView(level.data(), level.size());
    kernels::buildClassHistograms(Space(), binView, rowView, labelView, weightView, taskView,
                                  histView, p.maxBins, k);
    comm.allreduce(level, comm::Op::Sum);

    std::size_t t = 0;
    for (auto& node : cur) {
      for (int f : node.build) {
        node.histFeatures.push_back(f);
        node.hist.insert(node.hist.end(), level.begin() + t * stride,
                         level.begin() + (t + 1) * stride);
        ++t;
      }
    }
    for (auto& node : cur) {
      if (node.subtract.empty()) continue;
      OpenNode const& parent = prev[std::size_t(node.parent)];
      OpenNode const& sibling = cur[std::size_t(node.sibling)];
      for (int f : node.subtract) {
        std::uint32_t const* ph = parent.histOf(f, stride);
        std::uint32_t const* sh = sibling.histOf(f, stride);
        node.histFeatures.push_back(f);
        for (std::size_t e = 0; e < stride; ++e) node.hist.push_back(ph[e] - sh[e]);
      }
    }

    next.clear();
    for (std::size_t i = 0; i < cur.size(); ++i) {
      OpenNode& node = cur[i];
      for (int f : node.round)
        if (scorer.scanHistogram(node.histOf(f, stride), p.bins[f], node.counts.data(),
                                 node.samples, node.nodeScore, f, node.best))
          ++node.nonConstant;
      if (node.nonConstant < p.mtry && node.drawn < p.features) {
        OpenNode retry = std::move(node);  // examined only constant features: draw more
        retry.parent = retry.sibling = -1;
        next.push_back(std::move(retry));
        continue;
      }
      if (node.best.feature < 0) continue;  // stays a leaf

      std::uint32_t const* h = node.histOf(node.best.feature, stride);
      std::fill(leftCounts.begin(), leftCounts.end(), 0);
      for (int b = 0; b <= node.best.bin; ++b)
        for (int c = 0; c < k; ++c) leftCounts[c] += h[std::size_t(b) * k + c];
      std::uint8_t const* const column = shard.bins + std::size_t(node.best.feature) * shard.rows;
      int const mid = pos.partition([column](int row) { return column[row]; }, node.begin, node.end,
                                    node.best.bin);
      OpenNode children[2];
      int firstInNext = -1;
      for (int side = 0; side < 2; ++side) {
        OpenNode& child = children[side];
        child.counts.resize(std::size_t(k));
        for (int c = 0; c < k; ++c)
          child.counts[c] = side == 0 ? leftCounts[c] : node.counts[c] - leftCounts[c];
        for (auto c : child.counts) child.samples += c;
        child.key = childKey(node.key, side == 1);
        child.depth = node.depth + 1;
        child.begin = side == 0 ? node.begin : mid;
        child.end = side == 0 ? mid : node.end;
        child.id = out.add(scorer, child.counts.data(), child.samples);
      }
      out.setSplit(node.id, node.best, children[0].id, children[1].id);
      for (auto& child : children) {
        if (leafByRule(p, child.counts.data(), child.samples, child.depth)) continue;
        if (child.samples < localNodeSamples) {
          small.push_back(child);
          continue;
        }
        child.parent = static_cast<int>(i);
        child.nodeScore = scorer.score(child.counts.data());
        if (firstInNext >= 0) {
          child.sibling = firstInNext;
          next[std::size_t(firstInNext)].sibling = static_cast<int>(next.size());
        }
        firstInNext = static_cast<int>(next.size());
        next.push_back(std::move(child));
      }
    }
    prev = std::move(cur);
    cur = std::move(next);
    next = std::vector<OpenNode>();
  }
}

}  // namespace

void growTreesDistributed(comm::Comm const& comm, GrowParams const& params, SplitScorer& scorer,
                          ShardData const& shard, std::uint64_t localNodeSamples,
                          GrowingTree* trees, int count, SmallNodeBuffers& buffers) {
  GrowParams p = params;
  for (int i = 0; i < count; ++i) {
    p.tree = trees[i].tree;
    growTopLevels(comm, p, scorer, shard, localNodeSamples, trees[i]);
  }
  // The small nodes of the whole group at once: one queue balances the owners best.
  LocalGrower grower(p, scorer);
  finishSmallNodes(comm, p, grower, shard, trees, count, buffers);
}

}  // namespace vocloud::forest::detail
