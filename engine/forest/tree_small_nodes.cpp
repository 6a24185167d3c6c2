#include "forest/tree_small_nodes.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace vocloud::forest::detail {

namespace {

/// Upper bound of the bytes one batch of gathered small nodes may hold on every rank.
constexpr std::uint64_t kGatherBatchBytes = std::uint64_t(64) << 20;

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

}  // namespace

// On one rank, or when one rank holds all of a node's rows, the owner grows from the
// received bytes without copying them.
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
      if (n == 0) continue;  // empty arrays may have no storage: memcpy from nullptr is UB
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

}  // namespace vocloud::forest::detail
