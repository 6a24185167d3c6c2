#include "forest/tree_distributed.hpp"

#include "core/error.hpp"
#include "kernels/forest_histogram.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstring>
#include <numeric>

namespace vocloud::forest::detail {

namespace {

/// Upper bound of the bytes one batch of gathered small nodes may hold on every rank.
constexpr std::uint64_t kGatherBatchBytes = std::uint64_t(64) << 20;

struct OpenNode {
  int id = 0;
  std::uint64_t key = 0;
  int depth = 0;
  int begin = 0, end = 0;
  std::uint64_t samples = 0;
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

struct SmallNode {
  int id = 0;
  std::uint64_t key = 0;
  int depth = 0;
  int begin = 0, end = 0;
  std::uint64_t samples = 0;
};

/// The rows of the tree on this rank: local row, label and weight per position; a node
/// owns a range of positions, kept in increasing row order.
struct Positions {
  std::vector<int> row;
  std::vector<std::uint8_t> label;
  std::vector<std::uint32_t> weight;
  std::vector<int> tmpRow;
  std::vector<std::uint8_t> tmpLabel;
  std::vector<std::uint32_t> tmpWeight;

  /// Stable partition of [begin, end) by bin(feature) <= bin; returns the split point.
  int partition(ShardData const& shard, int begin, int end, int feature, int bin) {
    std::uint8_t const* col = shard.bins + std::size_t(feature) * shard.rows;
    int mid = begin, spill = 0;
    for (int k = begin; k < end; ++k) {
      if (col[row[k]] <= bin) {
        row[mid] = row[k];
        label[mid] = label[k];
        weight[mid++] = weight[k];
      } else {
        tmpRow[spill] = row[k];
        tmpLabel[spill] = label[k];
        tmpWeight[spill++] = weight[k];
      }
    }
    std::copy_n(tmpRow.begin(), spill, row.begin() + mid);
    std::copy_n(tmpLabel.begin(), spill, label.begin() + mid);
    std::copy_n(tmpWeight.begin(), spill, weight.begin() + mid);
    return mid;
  }
};

template <class T>
void putBytes(std::vector<char>& buf, T const& v) {
  char const* p = reinterpret_cast<char const*>(&v);
  buf.insert(buf.end(), p, p + sizeof(T));
}

template <class T>
T getBytes(std::vector<char> const& buf, std::size_t& at) {
  T v;
  std::memcpy(&v, buf.data() + at, sizeof(T));
  at += sizeof(T);
  return v;
}

/// Appends subtree `sub` (root = existing node `id`) to the tree.
void attachSubtree(TreeNodes const& sub, int id, TreeNodes& out) {
  int const base = out.size() - 1;  // sub node m > 0 becomes base + m
  auto const map = [&](int m) { return m < 0 ? -1 : (m == 0 ? id : base + m); };
  int const k = out.classes;
  for (int m = 1; m < sub.size(); ++m) {
    out.feature.push_back(sub.feature[m]);
    out.thresholdBin.push_back(sub.thresholdBin[m]);
    out.left.push_back(map(sub.left[m]));
    out.right.push_back(map(sub.right[m]));
    out.samples.push_back(sub.samples[m]);
    out.gain.push_back(sub.gain[m]);
    out.value.insert(out.value.end(), sub.value.begin() + std::size_t(m) * k,
                     sub.value.begin() + std::size_t(m + 1) * k);
  }
  out.feature[id] = sub.feature[0];
  out.thresholdBin[id] = sub.thresholdBin[0];
  out.left[id] = map(sub.left[0]);
  out.right[id] = map(sub.right[0]);
  out.gain[id] = sub.gain[0];
}

/// Owner rank of each small node: largest nodes first, each to the least loaded rank (ties
/// to the lower index), from global sample counts only, so every rank agrees.
std::vector<int> assignOwners(std::vector<SmallNode> const& queue, int ranks) {
  std::vector<int> order(queue.size()), owner(queue.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return queue[a].samples > queue[b].samples; });
  std::vector<std::uint64_t> load(std::size_t(ranks), 0);
  for (int j : order) {
    int const r = int(std::min_element(load.begin(), load.end()) - load.begin());
    owner[j] = r;
    load[r] += queue[j].samples;
  }
  return owner;
}

/// Byte layout of one rank's rows of one small node, as sent to the node's owner:
/// [n: 8][global rows: 8n][weights: 4n][labels: n][bins: D n, feature-major], padded to a
/// multiple of 8 so every segment, and the weights in it, stay aligned.
struct Segment {
  static std::size_t bytes(std::size_t n, std::size_t d) {
    return (8 + (13 + d) * n + 7) & ~std::size_t(7);
  }
  static std::size_t weightsAt(std::size_t n) { return 8 + 8 * n; }
  static std::size_t labelsAt(std::size_t n) { return 8 + 12 * n; }
  static std::size_t binsAt(std::size_t n) { return 8 + 13 * n; }
};

/// Finishes the small nodes of a tree (see the header). In batches, each rank sends every
/// owner its rows of that owner's nodes (one alltoallv); the owner merges them in global row
/// order, grows the subtrees, and the subtrees go to every rank (allgatherv). On one rank,
/// or when one rank holds all of a node's rows, the owner grows from the received bytes
/// without copying them. Collective over comm.
void finishSmallNodes(comm::Comm const& comm, GrowParams const& p, LocalGrower& grower,
                      ShardData const& shard, Positions const& pos,
                      std::vector<SmallNode> const& queue, TreeNodes& out) {
  if (queue.empty()) return;
  int const ranks = comm.size(), me = comm.rank();
  std::size_t const d = std::size_t(p.features);
  std::uint64_t const rowBytes = 8 + 1 + 4 + d;
  std::vector<int> const owner = assignOwners(queue, ranks);
  std::size_t q0 = 0;
  std::vector<char> buf;
  std::vector<std::uint8_t> bins, labels, sortedBins, sortedLabels;
  std::vector<std::uint32_t> weights, sortedWeights;
  std::vector<std::uint64_t> ids;
  std::vector<int> order;
  std::vector<std::size_t> sendAt, sendCounts, recvCounts;
  TreeNodes sub;
  while (q0 < queue.size()) {
    std::size_t q1 = q0 + 1;
    std::uint64_t bound = queue[q0].samples * rowBytes;
    while (q1 < queue.size() && bound + queue[q1].samples * rowBytes <= kGatherBatchBytes)
      bound += queue[q1++].samples * rowBytes;
    std::size_t const nb = q1 - q0;

    // Segments grouped by owner rank, in queue order within each owner.
    sendAt.assign(nb, 0);
    sendCounts.assign(std::size_t(ranks), 0);
    std::size_t bytes = 0;
    for (int r = 0; r < ranks; ++r)
      for (std::size_t j = 0; j < nb; ++j) {
        if (owner[q0 + j] != r) continue;
        sendAt[j] = bytes;
        std::size_t const b =
            Segment::bytes(std::size_t(queue[q0 + j].end - queue[q0 + j].begin), d);
        sendCounts[std::size_t(r)] += b;
        bytes += b;
      }
    buf.assign(bytes, 0);
    for (std::size_t j = 0; j < nb; ++j) {
      SmallNode const& s = queue[q0 + j];
      std::size_t const n = std::size_t(s.end - s.begin);
      char* w = buf.data() + sendAt[j];
      std::uint64_t const n64 = n;
      std::memcpy(w, &n64, 8);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t const g = shard.globalOffset + std::uint64_t(pos.row[s.begin + i]);
        std::memcpy(w + 8 + 8 * i, &g, 8);
      }
      std::memcpy(w + Segment::weightsAt(n), pos.weight.data() + s.begin, 4 * n);
      std::memcpy(w + Segment::labelsAt(n), pos.label.data() + s.begin, n);
    }
    // Feature by feature over all nodes of the batch: each column is read from memory once.
    for (std::size_t f = 0; f < d; ++f) {
      std::uint8_t const* col = shard.bins + f * std::size_t(shard.rows);
      for (std::size_t j = 0; j < nb; ++j) {
        SmallNode const& s = queue[q0 + j];
        std::size_t const n = std::size_t(s.end - s.begin);
        auto* w =
            reinterpret_cast<std::uint8_t*>(buf.data() + sendAt[j] + Segment::binsAt(n)) + f * n;
        int const* rows = pos.row.data() + s.begin;
        for (std::size_t i = 0; i < n; ++i) w[i] = col[rows[i]];
      }
    }
    std::vector<char> const all =
        ranks == 1 ? std::move(buf) : comm.alltoallv(buf, sendCounts, recvCounts);
    if (ranks == 1) recvCounts.assign(1, all.size());
    buf = std::vector<char>();

    // From every rank, the segments of my nodes in queue order.
    std::vector<std::size_t> mineIdx;
    for (std::size_t j = 0; j < nb; ++j)
      if (owner[q0 + j] == me) mineIdx.push_back(j);
    std::size_t const nm = mineIdx.size();
    std::vector<std::size_t> segAt(nm * std::size_t(ranks)), segRows(nm * std::size_t(ranks));
    std::size_t at = 0;
    for (int r = 0; r < ranks; ++r) {
      std::size_t const end = at + recvCounts[std::size_t(r)];
      for (std::size_t m = 0; m < nm; ++m) {
        std::uint64_t n;
        std::memcpy(&n, all.data() + at, 8);
        segAt[m * ranks + r] = at;
        segRows[m * ranks + r] = n;
        at += Segment::bytes(n, d);
      }
      if (at != end) throw Error("forest: small-node segments do not match the bytes received");
    }

    std::vector<double> mine;
    for (std::size_t m = 0; m < nm; ++m) {
      std::size_t n = 0, from = 0, contributors = 0;
      for (int r = 0; r < ranks; ++r) {
        std::size_t const rows = segRows[m * ranks + r];
        n += rows;
        if (rows > 0) {
          ++contributors;
          from = std::size_t(r);
        }
      }
      NodeBlock block;
      block.rows = static_cast<int>(n);
      if (contributors <= 1) {
        // One rank's rows, already in increasing global order: grow from the bytes received.
        char const* src = all.data() + segAt[m * ranks + from];
        block.weights = reinterpret_cast<std::uint32_t const*>(src + Segment::weightsAt(n));
        block.labels = reinterpret_cast<std::uint8_t const*>(src + Segment::labelsAt(n));
        block.bins = reinterpret_cast<std::uint8_t const*>(src + Segment::binsAt(n));
      } else {
        ids.resize(n);
        labels.resize(n);
        weights.resize(n);
        bins.resize(n * d);
        std::size_t o = 0;
        for (int r = 0; r < ranks; ++r) {
          std::size_t const c = segRows[m * ranks + r];
          char const* src = all.data() + segAt[m * ranks + r];
          std::memcpy(ids.data() + o, src + 8, 8 * c);
          std::memcpy(weights.data() + o, src + Segment::weightsAt(c), 4 * c);
          std::memcpy(labels.data() + o, src + Segment::labelsAt(c), c);
          for (std::size_t f = 0; f < d; ++f)
            std::memcpy(bins.data() + f * n + o, src + Segment::binsAt(c) + f * c, c);
          o += c;
        }
        block.bins = bins.data();
        block.labels = labels.data();
        block.weights = weights.data();
        if (!std::is_sorted(ids.begin(), ids.end())) {
          // Ranks hold rows out of global order: sort so the block is the same for any split.
          order.resize(n);
          std::iota(order.begin(), order.end(), 0);
          std::sort(order.begin(), order.end(), [&](int a, int b) { return ids[a] < ids[b]; });
          sortedLabels.resize(n);
          sortedWeights.resize(n);
          sortedBins.resize(n * d);
          for (std::size_t i = 0; i < n; ++i) {
            sortedLabels[i] = labels[order[i]];
            sortedWeights[i] = weights[order[i]];
          }
          for (std::size_t f = 0; f < d; ++f)
            for (std::size_t i = 0; i < n; ++i)
              sortedBins[f * n + i] = bins[f * n + std::size_t(order[i])];
          block.bins = sortedBins.data();
          block.labels = sortedLabels.data();
          block.weights = sortedWeights.data();
        }
      }
      std::size_t const j = mineIdx[m];
      SmallNode const& s = queue[q0 + j];
      grower.grow(block, s.key, s.depth, sub);
      mine.push_back(double(q0 + j));
      mine.push_back(double(sub.size()));
      for (int k = 0; k < sub.size(); ++k) {
        mine.insert(mine.end(),
                    {double(sub.feature[k]), double(sub.thresholdBin[k]), double(sub.left[k]),
                     double(sub.right[k]), double(sub.samples[k]), sub.gain[k]});
        for (int c = 0; c < p.classes; ++c)
          mine.push_back(sub.value[std::size_t(k) * p.classes + c]);
      }
    }
    std::vector<double> const grown = ranks == 1 ? std::move(mine) : comm.allgatherv(mine);

    // Attach in queue order, whichever rank grew them.
    std::vector<std::size_t> start(nb, 0);
    for (std::size_t at2 = 0; at2 < grown.size();) {
      std::size_t const j = std::size_t(grown[at2]) - q0;
      start[j] = at2;
      at2 += 2 + std::size_t(grown[at2 + 1]) * (6 + std::size_t(p.classes));
    }
    for (std::size_t j = 0; j < nb; ++j) {
      std::size_t a = start[j];
      int const nodes = int(grown[a + 1]);
      a += 2;
      sub = TreeNodes();
      sub.classes = p.classes;
      for (int m = 0; m < nodes; ++m) {
        sub.feature.push_back(std::int32_t(grown[a]));
        sub.thresholdBin.push_back(std::int32_t(grown[a + 1]));
        sub.left.push_back(std::int32_t(grown[a + 2]));
        sub.right.push_back(std::int32_t(grown[a + 3]));
        sub.samples.push_back(std::uint64_t(grown[a + 4]));
        sub.gain.push_back(grown[a + 5]);
        for (int c = 0; c < p.classes; ++c) sub.value.push_back(float(grown[a + 6 + c]));
        a += 6 + std::size_t(p.classes);
      }
      attachSubtree(sub, queue[q0 + j].id, out);
    }
    q0 = q1;
  }
}

}  // namespace

void growTreeDistributed(comm::Comm const& comm, GrowParams const& p, SplitScorer& scorer,
                         ShardData const& shard, std::vector<std::uint32_t> const& weights,
                         std::uint64_t localNodeSamples, TreeNodes& out) {
  using Space = Kokkos::DefaultHostExecutionSpace;
  using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
  int const k = p.classes;
  std::size_t const stride = std::size_t(p.maxBins) * k;
  out = TreeNodes();
  out.classes = k;

  Positions pos;
  for (int i = 0; i < shard.rows; ++i) {
    if (weights[i] == 0) continue;
    pos.row.push_back(i);
    pos.label.push_back(shard.labels[i]);
    pos.weight.push_back(weights[i]);
  }
  int const n = static_cast<int>(pos.row.size());
  pos.tmpRow.resize(n);
  pos.tmpLabel.resize(n);
  pos.tmpWeight.resize(n);

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

  LocalGrower grower(p, scorer);
  FeatureSampler sampler(p.features);
  std::vector<int> drawScratch;
  std::vector<OpenNode> prev, cur, next;
  std::vector<SmallNode> small;
  if (!leafByRule(p, root.counts.data(), root.samples, 0)) {
    if (root.samples < localNodeSamples)
      small.push_back({root.id, root.key, 0, 0, n, root.samples});
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
      int const mid = pos.partition(shard, node.begin, node.end, node.best.feature, node.best.bin);
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
          small.push_back(
              {child.id, child.key, child.depth, child.begin, child.end, child.samples});
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
  // All small nodes at once, after the level-wise part: one queue balances the owners best.
  finishSmallNodes(comm, p, grower, shard, pos, small, out);
}

}  // namespace vocloud::forest::detail
