#include "forest/eval/group_folds.hpp"

#include "core/error.hpp"
#include "forest/eval/fold_mix.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <unordered_map>

namespace vocloud::forest {

namespace {

using detail::foldMix;

std::uint64_t hashKey(std::uint64_t seed, std::string const& key) {
  std::uint64_t h = foldMix(seed ^ 0x67726F757073ULL);  // "groups": a stream of its own
  for (unsigned char c : key) h = foldMix(h ^ c);
  return h;
}

struct Group {
  std::string key;
  std::vector<std::uint64_t> counts;  ///< rows per class
  std::uint64_t size = 0;
  std::uint64_t tie = 0;  ///< seed-drawn order among groups of one size
  int fold = -1;
};

// The groups of the labelled rows; index[i] = the group of row i (-1: unlabelled).
// `rowKey(i)` is the key of row i, already unique for rows without a group.
template <class KeyOf>
std::vector<Group> collectGroups(std::vector<int> const& labels, int classes, KeyOf rowKey,
                                 std::uint64_t seed, std::vector<long>& index) {
  std::vector<Group> groups;
  std::unordered_map<std::string, long> byKey;
  index.assign(labels.size(), -1);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) continue;
    if (labels[i] >= classes)
      throw Error("forest: label " + std::to_string(labels[i]) + " of row " + std::to_string(i) +
                  " outside [0, " + std::to_string(classes) + ")");
    std::string key = rowKey(i);
    auto const [it, fresh] = byKey.emplace(key, static_cast<long>(groups.size()));
    if (fresh) {
      groups.push_back({std::move(key), std::vector<std::uint64_t>(classes, 0), 0, 0, -1});
      groups.back().tie = hashKey(seed, groups.back().key);
    }
    Group& g = groups[static_cast<std::size_t>(it->second)];
    ++g.counts[static_cast<std::size_t>(labels[i])];
    ++g.size;
    index[i] = it->second;
  }
  return groups;
}

void checkGroupCount(int k, std::vector<Group> const& groups, int classes) {
  for (int c = 0; c < classes; ++c) {
    std::uint64_t holding = 0;
    for (auto const& g : groups) holding += g.counts[static_cast<std::size_t>(c)] > 0 ? 1 : 0;
    if (holding > 0 && holding < static_cast<std::uint64_t>(k))
      throw Error(
          "forest: folds = " + std::to_string(k) + " exceeds the " + std::to_string(holding) +
          " groups (forest.group_by) that hold class " + std::to_string(c) +
          "; every fold needs a row of every class, so use folds <= " + std::to_string(holding));
  }
}

// The greedy assignment of the header comment.
void dealGroups(std::vector<Group>& groups, int classes, FoldOptions const& options) {
  int const k = options.folds;
  std::vector<std::size_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    Group const& x = groups[a];
    Group const& y = groups[b];
    if (x.size != y.size) return x.size > y.size;
    if (x.tie != y.tie) return x.tie < y.tie;
    return x.key < y.key;
  });
  std::vector<double> totals(static_cast<std::size_t>(classes), 0.);
  for (auto const& g : groups)
    for (int c = 0; c < classes; ++c) totals[c] += static_cast<double>(g.counts[c]);
  std::vector<int> foldOrder(static_cast<std::size_t>(k));
  std::iota(foldOrder.begin(), foldOrder.end(), 0);
  for (int i = k; i > 1; --i)
    std::swap(foldOrder[i - 1], foldOrder[foldMix(options.seed + static_cast<std::uint64_t>(i)) % i]);
  std::vector<std::vector<double>> count(
      static_cast<std::size_t>(k), std::vector<double>(static_cast<std::size_t>(classes), 0.));
  std::vector<std::uint64_t> rows(static_cast<std::size_t>(k), 0);
  for (std::size_t const gi : order) {
    Group& g = groups[gi];
    int best = -1;
    double bestCost = 0;
    for (int const f : foldOrder) {
      double cost = 0;
      for (int c = 0; c < classes; ++c)
        if (g.counts[c] > 0) cost += static_cast<double>(g.counts[c]) * count[f][c] / totals[c];
      if (best < 0 || cost < bestCost || (cost == bestCost && rows[f] < rows[best])) {
        best = f;
        bestCost = cost;
      }
    }
    g.fold = best;
    rows[best] += g.size;
    for (int c = 0; c < classes; ++c) count[best][c] += static_cast<double>(g.counts[c]);
  }
  for (int f = 0; f < k; ++f)
    for (int c = 0; c < classes; ++c)
      if (totals[c] > 0 && count[f][c] == 0)
        throw Error("forest: the groups (forest.group_by) leave fold " + std::to_string(f) +
                    " without a row of class " + std::to_string(c) + "; use fewer folds");
}

template <class KeyOf>
std::vector<int> foldsOfRows(std::vector<int> const& labels, int classes, KeyOf rowKey,
                             FoldOptions const& options) {
  if (options.folds < 2)
    throw Error("forest: cross-validation needs at least 2 folds, got folds = " +
                std::to_string(options.folds));
  std::vector<long> index;
  std::vector<Group> groups = collectGroups(labels, classes, rowKey, options.seed, index);
  if (groups.empty())
    throw Error("forest: cross-validation needs labelled rows, and there are none");
  checkGroupCount(options.folds, groups, classes);
  dealGroups(groups, classes, options);
  std::vector<int> folds(labels.size(), -1);
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (index[i] >= 0) folds[i] = groups[static_cast<std::size_t>(index[i])].fold;
  return folds;
}

// A row without a group is a group of its own; '\x1f' keeps its key apart from any text.
std::string ownKey(std::string const& key, std::uint64_t globalRow) {
  return key.empty() ? "\x1frow " + std::to_string(globalRow) : key;
}

}  // namespace

std::vector<int> assignGroupFolds(std::vector<std::string> const& groups,
                                  std::vector<int> const& labels, int classes,
                                  FoldOptions const& options) {
  if (groups.size() != labels.size())
    throw Error("forest: " + std::to_string(groups.size()) + " group keys for " +
                std::to_string(labels.size()) + " rows");
  return foldsOfRows(
      labels, classes, [&](std::size_t i) { return ownKey(groups[i], i); }, options);
}

std::vector<int> assignGroupFolds(comm::Comm const& comm, std::vector<std::string> const& groups,
                                  std::vector<int> const& labels, int classes,
                                  FoldOptions const& options) {
  if (groups.size() != labels.size())
    throw Error("forest: " + std::to_string(groups.size()) + " group keys for " +
                std::to_string(labels.size()) + " rows");
  auto const first = comm.exscan<unsigned long long>(labels.size());
  // Every rank gets the (key, class) of every labelled row, keys '\0'-terminated.
  std::vector<char> keys;
  std::vector<int> classOf;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) continue;
    std::string const key = ownKey(groups[i], first + i);
    keys.insert(keys.end(), key.begin(), key.end());
    keys.push_back('\0');
    classOf.push_back(labels[i]);
  }
  std::vector<char> const allKeys = comm.allgatherv(keys);
  std::vector<int> const allClasses = comm.allgatherv(classOf);
  std::vector<std::string> allGroups;
  for (std::size_t at = 0; at < allKeys.size();) {
    allGroups.emplace_back(allKeys.data() + at);
    at += allGroups.back().size() + 1;
  }
  // Everyone deals the same groups; this rank keeps the folds of its own labelled rows.
  std::vector<int> const allFolds = foldsOfRows(
      allClasses, classes, [&](std::size_t i) { return allGroups[i]; }, options);
  auto const before = comm.exscan<unsigned long long>(classOf.size());
  std::vector<int> folds(labels.size(), -1);
  std::size_t next = before;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) folds[i] = allFolds[next++];
  return folds;
}

}  // namespace vocloud::forest
