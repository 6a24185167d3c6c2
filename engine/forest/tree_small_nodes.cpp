#include "forest/tree_small_nodes.hpp"

#include "core/error.hpp"
#include "core/memory.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace vocloud::forest::detail {

namespace {

/// A grown subtree as attachSubtree reads it, from TreeNodes.
struct NodesSource {
  TreeNodes const& t;
  int size() const { return t.size(); }
  std::int32_t feature(int m) const { return t.feature[m]; }
  std::int32_t thresholdBin(int m) const { return t.thresholdBin[m]; }
  std::int32_t left(int m) const { return t.left[m]; }
  std::int32_t right(int m) const { return t.right[m]; }
  std::uint64_t samples(int m) const { return t.samples[m]; }
  double gain(int m) const { return t.gain[m]; }
  float value(int m, int c) const { return t.value[std::size_t(m) * t.classes + c]; }
};

/// The same from a record of the exchange array (putSubtree's layout: per node feature,
/// threshold bin, left, right, samples, gain, then the class values).
struct PackedSource {
  double const* nodes;
  int count, classes;
  double at(int m, int field) const { return nodes[std::size_t(m) * (6 + classes) + field]; }
  int size() const { return count; }
  std::int32_t feature(int m) const { return std::int32_t(at(m, 0)); }
  std::int32_t thresholdBin(int m) const { return std::int32_t(at(m, 1)); }
  std::int32_t left(int m) const { return std::int32_t(at(m, 2)); }
  std::int32_t right(int m) const { return std::int32_t(at(m, 3)); }
  std::uint64_t samples(int m) const { return std::uint64_t(at(m, 4)); }
  double gain(int m) const { return at(m, 5); }
  float value(int m, int c) const { return float(at(m, 6 + c)); }
};

/// Appends subtree `sub` (root = existing node `id`) to the tree.
template <class Source>
void attachSubtree(Source const& sub, int id, TreeNodes& out) {
  int const base = out.size() - 1;  // sub node m > 0 becomes base + m
  auto const map = [&](int m) { return m < 0 ? -1 : (m == 0 ? id : base + m); };
  int const k = out.classes;
  for (int m = 1; m < sub.size(); ++m) {
    out.feature.push_back(sub.feature(m));
    out.thresholdBin.push_back(sub.thresholdBin(m));
    out.left.push_back(map(sub.left(m)));
    out.right.push_back(map(sub.right(m)));
    out.samples.push_back(sub.samples(m));
    out.gain.push_back(sub.gain(m));
    for (int c = 0; c < k; ++c) out.value.push_back(sub.value(m, c));
  }
  out.feature[id] = sub.feature(0);
  out.thresholdBin[id] = sub.thresholdBin(0);
  out.left[id] = map(sub.left(0));
  out.right[id] = map(sub.right(0));
  out.gain[id] = sub.gain(0);
}

/// Owner rank of each small node of queue[q0, q1) (one batch: the ranks meet at its end, so
/// each batch is balanced on its own): largest nodes first, each to the least loaded rank
/// (ties to the lower index), from global sample counts only, so every rank agrees.
void assignOwners(std::vector<SmallNode> const& queue, std::size_t q0, std::size_t q1, int ranks,
                  std::vector<int>& owner) {
  std::vector<std::size_t> order(q1 - q0);
  std::iota(order.begin(), order.end(), q0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return queue[a].samples > queue[b].samples;
  });
  std::vector<std::uint64_t> load(std::size_t(ranks), 0);
  for (std::size_t j : order) {
    int const r = int(std::min_element(load.begin(), load.end()) - load.begin());
    owner[j] = r;
    load[r] += queue[j].samples;
  }
}

/// Byte layout of one rank's rows of one small node, as sent to the node's owner:
/// [n: 8][global rows: 8n][weights: 4n][labels: n][bins: n D, row-major], padded to a
/// multiple of 8 so every segment, and the weights in it, stay aligned.
struct Segment {
  static std::size_t bytes(std::size_t n, std::size_t d) {
    return (8 + (13 + d) * n + 7) & ~std::size_t(7);
  }
  static std::size_t weightsAt(std::size_t n) { return 8 + 8 * n; }
  static std::size_t labelsAt(std::size_t n) { return 8 + 12 * n; }
  static std::size_t binsAt(std::size_t n) { return 8 + 13 * n; }
};

/// The small nodes of a group of trees in one queue, tree by tree: node j of the queue is
/// nodes[j] of trees[tree[j]].
struct Queue {
  std::vector<SmallNode> nodes;
  std::vector<int> tree;
  Positions const& pos(GrowingTree const* trees, std::size_t j) const { return trees[tree[j]].pos; }
};

/// Packs this rank's rows of the nodes of queue[q0, q1) that another rank owns: segments
/// grouped by owner rank, in queue order within each owner; bytes per rank in sendCounts.
void packBatch(ShardData const& shard, GrowingTree const* trees, Queue const& q,
               std::vector<int> const& owner, std::size_t q0, std::size_t q1, int me,
               std::vector<char>& buf, std::vector<std::size_t>& sendCounts) {
  std::vector<SmallNode> const& queue = q.nodes;
  std::size_t const d = std::size_t(shard.features);
  std::vector<std::size_t> sendAt(q1 - q0, 0);
  std::size_t bytes = 0;
  for (std::size_t r = 0; r < sendCounts.size(); ++r)
    for (std::size_t j = q0; j < q1; ++j) {
      if (owner[j] != int(r) || owner[j] == me) continue;
      sendAt[j - q0] = bytes;
      std::size_t const b = Segment::bytes(std::size_t(queue[j].end - queue[j].begin), d);
      sendCounts[r] += b;
      bytes += b;
    }
  core::reserveAdvised(buf, bytes);
  buf.resize(bytes);
  for (std::size_t j = q0; j < q1; ++j) {
    if (owner[j] == me) continue;
    SmallNode const& s = queue[j];
    Positions const& pos = q.pos(trees, j);
    std::size_t const n = std::size_t(s.end - s.begin);
    char* w = buf.data() + sendAt[j - q0];
    std::uint64_t const n64 = n;
    std::memcpy(w, &n64, 8);
    std::size_t const used = Segment::binsAt(n) + n * d;  // then zeros up to the padded size
    std::memset(w + used, 0, Segment::bytes(n, d) - used);
    if (n == 0) continue;  // empty arrays may have no storage: memcpy from nullptr is UB
    int const* rows = pos.row.data() + s.begin;
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t const g = shard.globalOffset + std::uint64_t(rows[i]);
      std::memcpy(w + 8 + 8 * i, &g, 8);
    }
    std::memcpy(w + Segment::weightsAt(n), pos.weight.data() + s.begin, 4 * n);
    std::memcpy(w + Segment::labelsAt(n), pos.label.data() + s.begin, n);
    // Whole rows from the row-major copy: D contiguous bytes each.
    auto* bins = reinterpret_cast<std::uint8_t*>(w + Segment::binsAt(n));
    for (std::size_t i = 0; i < n; ++i)
      std::memcpy(bins + i * d, shard.rowBins + std::size_t(rows[i]) * d, d);
  }
}

/// The rows of one of my small nodes in global row order, as LocalGrower reads them: a
/// pointer to each row's bins (in my row-major shard or in a received segment), its label
/// and its weight.
class NodeRows {
 public:
  /// Collects node s from my positions (rank `me`) and the received segments of the other
  /// ranks, in rank order (segAt[r]: offset in `all`, ignored for r == me).
  NodeBlock collect(ShardData const& shard, Positions const& pos, SmallNode const& s, int me,
                    std::vector<char> const& all, std::vector<std::size_t> const& segAt) {
    std::size_t const d = std::size_t(shard.features);
    _rows.clear();
    _labels.clear();
    _weights.clear();
    _ids.clear();
    for (std::size_t r = 0; r < segAt.size(); ++r) {
      if (int(r) == me) {
        for (int k = s.begin; k < s.end; ++k) {
          _rows.push_back(shard.rowBins + std::size_t(pos.row[k]) * d);
          _ids.push_back(shard.globalOffset + std::uint64_t(pos.row[k]));
        }
        _labels.insert(_labels.end(), pos.label.begin() + s.begin, pos.label.begin() + s.end);
        _weights.insert(_weights.end(), pos.weight.begin() + s.begin, pos.weight.begin() + s.end);
        continue;
      }
      char const* src = all.data() + segAt[r];
      std::uint64_t n;
      std::memcpy(&n, src, 8);
      if (n == 0) continue;
      auto const* bins = reinterpret_cast<std::uint8_t const*>(src + Segment::binsAt(n));
      for (std::size_t i = 0; i < n; ++i) _rows.push_back(bins + i * d);
      std::size_t const at = _ids.size();
      _ids.resize(at + n);
      std::memcpy(_ids.data() + at, src + 8, 8 * n);
      _labels.insert(_labels.end(), src + Segment::labelsAt(n), src + Segment::labelsAt(n) + n);
      std::size_t const wat = _weights.size();
      _weights.resize(wat + n);
      std::memcpy(_weights.data() + wat, src + Segment::weightsAt(n), 4 * n);
    }
    // Ranks hold rows out of global order: sort so the block is the same for any split.
    if (!std::is_sorted(_ids.begin(), _ids.end())) sortByIds();
    return NodeBlock{static_cast<int>(_rows.size()), _rows.data(), _labels.data(), _weights.data()};
  }

 private:
  void sortByIds() {
    std::size_t const n = _ids.size();
    _order.resize(n);
    std::iota(_order.begin(), _order.end(), 0);
    std::sort(_order.begin(), _order.end(), [&](int a, int b) { return _ids[a] < _ids[b]; });
    auto const permute = [&](auto& v) {
      auto const copy = v;
      for (std::size_t i = 0; i < n; ++i) v[i] = copy[std::size_t(_order[i])];
    };
    permute(_rows);
    permute(_labels);
    permute(_weights);
    permute(_ids);
  }

  std::vector<std::uint8_t const*> _rows;
  std::vector<std::uint8_t> _labels;
  std::vector<std::uint32_t> _weights;
  std::vector<std::uint64_t> _ids;
  std::vector<int> _order;
};

/// Appends subtree `sub` of queue entry j to the flat exchange array of grown subtrees.
void putSubtree(std::vector<double>& mine, std::size_t j, TreeNodes const& sub, int classes) {
  mine.push_back(double(j));
  mine.push_back(double(sub.size()));
  for (int k = 0; k < sub.size(); ++k) {
    mine.insert(mine.end(),
                {double(sub.feature[k]), double(sub.thresholdBin[k]), double(sub.left[k]),
                 double(sub.right[k]), double(sub.samples[k]), sub.gain[k]});
    for (int c = 0; c < classes; ++c) mine.push_back(sub.value[std::size_t(k) * classes + c]);
  }
}

/// Attaches the grown subtrees of queue[q0, q0 + nb) to their trees, in queue order.
void attachGrown(std::vector<double> const& grown, Queue const& queue, GrowingTree* trees,
                 std::size_t q0, std::size_t nb, int classes) {
  std::vector<std::size_t> start(nb, 0);
  for (std::size_t at = 0; at < grown.size();) {
    start[std::size_t(grown[at]) - q0] = at;
    at += 2 + std::size_t(grown[at + 1]) * (6 + std::size_t(classes));
  }
  for (std::size_t j = 0; j < nb; ++j) {
    std::size_t const a = start[j];
    PackedSource const sub{grown.data() + a + 2, int(grown[a + 1]), classes};
    attachSubtree(sub, queue.nodes[q0 + j].id, trees[queue.tree[q0 + j]].nodes);
  }
}

}  // namespace

// The owner grows from pointers to the rows: its own rows in its row-major shard, the
// others' in the bytes received, so no rank copies its own rows (one rank copies nothing).
void finishSmallNodes(comm::Comm const& comm, GrowParams const& p, LocalGrower& grower,
                      ShardData const& shard, GrowingTree* trees, int count,
                      SmallNodeBuffers& buffers) {
  Queue q;
  for (int t = 0; t < count; ++t) {
    q.nodes.insert(q.nodes.end(), trees[t].small.begin(), trees[t].small.end());
    q.tree.insert(q.tree.end(), trees[t].small.size(), t);
  }
  std::vector<SmallNode> const& queue = q.nodes;
  if (queue.empty()) return;
  int const ranks = comm.size(), me = comm.rank();
  std::size_t const d = std::size_t(p.features);
  std::uint64_t const rowBytes = 8 + 1 + 4 + d;
  std::vector<int> owner(queue.size(), 0);
  std::size_t q0 = 0;
  std::vector<char>& all = buffers.received;
  std::vector<std::size_t> sendCounts, recvCounts, segAt(std::size_t(ranks), 0);
  NodeRows nodeRows;
  TreeNodes sub;
  // Batches of about equal size, each within p.gatherBatchBytes: a small last batch would
  // leave its few nodes badly balanced between the owners.
  std::uint64_t total = 0;
  for (auto const& node : queue) total += node.samples * rowBytes;
  std::uint64_t const batches = (total + p.gatherBatchBytes - 1) / p.gatherBatchBytes;
  std::uint64_t const target = (total + batches - 1) / std::max<std::uint64_t>(batches, 1);
  while (q0 < queue.size()) {
    std::size_t q1 = q0 + 1;
    std::uint64_t bound = queue[q0].samples * rowBytes;
    while (q1 < queue.size() && bound < target &&
           bound + queue[q1].samples * rowBytes <= p.gatherBatchBytes)
      bound += queue[q1++].samples * rowBytes;
    std::size_t const nb = q1 - q0;
    assignOwners(queue, q0, q1, ranks, owner);

    if (ranks > 1) {
      sendCounts.assign(std::size_t(ranks), 0);
      packBatch(shard, trees, q, owner, q0, q1, me, buffers.send, sendCounts);
      // Room for what can arrive (every row of the batch, with segment headers) before the
      // exchange, so the received bytes land in storage that is already there.
      core::reserveAdvised(all, bound + std::size_t(ranks) * nb * 16);
      comm.alltoallv(buffers.send, sendCounts, recvCounts, all);
    } else {
      recvCounts.assign(1, 0);
    }
    // From every other rank, the segments of my nodes in queue order.
    std::vector<std::size_t> next(std::size_t(ranks), 0), end(std::size_t(ranks), 0);
    for (std::size_t r = 0; r < next.size(); ++r) {
      next[r] = r == 0 ? 0 : end[r - 1];
      end[r] = next[r] + recvCounts[r];
    }
    std::vector<double>& mine = buffers.mine;
    mine.clear();
    for (std::size_t j = q0; j < q1; ++j) {
      if (owner[j] != me) continue;
      for (int r = 0; r < ranks; ++r) {
        if (r == me) continue;
        segAt[std::size_t(r)] = next[std::size_t(r)];
        std::uint64_t n;
        std::memcpy(&n, all.data() + next[std::size_t(r)], 8);
        next[std::size_t(r)] += Segment::bytes(n, d);
      }
      grower.grow(nodeRows.collect(shard, q.pos(trees, j), queue[j], me, all, segAt),
                  trees[q.tree[j]].tree, queue[j].key, queue[j].depth, sub);
      // Alone, every node is mine and comes in queue order: attach it now.
      if (ranks == 1)
        attachSubtree(NodesSource{sub}, queue[j].id, trees[q.tree[j]].nodes);
      else
        putSubtree(mine, j, sub, p.classes);
    }
    if (next != end) throw Error("forest: small-node segments do not match the bytes received");
    if (ranks > 1) {
      comm.allgatherv(mine, buffers.grown);
      attachGrown(buffers.grown, q, trees, q0, nb, p.classes);
    }
    q0 = q1;
  }
}

}  // namespace vocloud::forest::detail
