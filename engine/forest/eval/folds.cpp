#include "forest/eval/folds.hpp"

#include "core/error.hpp"
#include "forest/eval/fold_mix.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

namespace vocloud::forest {

namespace {

using detail::foldMix;

// A random integer in [0, n) from (seed, cls, block, step) alone; the 128-bit multiply maps
// the hash onto [0, n) with a bias below n / 2^64 (no std:: distributions: their algorithms
// differ between standard libraries).
std::uint32_t below(std::uint64_t seed, int cls, std::uint64_t block, std::uint32_t step,
                    std::uint32_t n) {
  std::uint64_t h = foldMix(seed ^ 0x666F6C6473ULL);  // "folds": a stream of its own
  h = foldMix(h ^ static_cast<std::uint64_t>(cls));
  h = foldMix(h + block);
  h = foldMix(h + step);
  return static_cast<std::uint32_t>((static_cast<unsigned __int128>(h) * n) >> 64);
}

// perm[0..k) = the permutation of 0..k-1 for (seed, cls, block), by Fisher-Yates.
void blockPermutation(std::uint64_t seed, int cls, std::uint64_t block, int k, int* perm) {
  std::iota(perm, perm + k, 0);
  for (auto i = static_cast<std::uint32_t>(k); i > 1; --i)
    std::swap(perm[i - 1], perm[below(seed, cls, block, i, i)]);
}

void checkK(int k) {
  if (k < 2)
    throw Error("forest: cross-validation needs at least 2 folds, got folds = " +
                std::to_string(k));
}

// Index of the first label >= classes, or labels.size() (negative labels are unlabelled rows).
std::size_t firstBadLabel(std::vector<int> const& labels, int classes) {
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= classes) return i;
  return labels.size();
}

void checkLabels(std::vector<int> const& labels, int classes) {
  std::size_t const bad = firstBadLabel(labels, classes);
  if (bad < labels.size())
    throw Error("forest: label " + std::to_string(labels[bad]) + " of local row " +
                std::to_string(bad) + " outside [0, " + std::to_string(classes) + ")");
}

}  // namespace

std::vector<std::uint64_t> classCounts(std::vector<int> const& labels, int classes) {
  if (classes < 1) throw Error("forest: need at least 1 class, got " + std::to_string(classes));
  checkLabels(labels, classes);
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(classes), 0);
  for (int const c : labels)
    if (c >= 0) ++counts[static_cast<std::size_t>(c)];
  return counts;
}

void checkFoldCount(int k, std::vector<std::uint64_t> const& totals,
                    std::vector<std::string> const& names) {
  checkK(k);
  std::uint64_t smallest = std::numeric_limits<std::uint64_t>::max();
  std::size_t which = 0;
  for (std::size_t c = 0; c < totals.size(); ++c)
    if (totals[c] > 0 && totals[c] < smallest) {
      smallest = totals[c];
      which = c;
    }
  if (smallest == std::numeric_limits<std::uint64_t>::max())
    throw Error("forest: cross-validation needs labelled rows, and there are none");
  if (static_cast<std::uint64_t>(k) > smallest)
    throw Error("forest: folds = " + std::to_string(k) + " exceeds the " +
                std::to_string(smallest) + " rows of class " +
                (which < names.size() ? "'" + names[which] + "'" : std::to_string(which)) +
                " (the smallest class); every fold needs a row of every class, so use folds <= " +
                std::to_string(smallest));
}

int foldOfClassRow(std::uint64_t seed, int k, int cls, std::uint64_t j) {
  checkK(k);
  std::vector<int> perm(static_cast<std::size_t>(k));
  blockPermutation(seed, cls, j / static_cast<std::uint64_t>(k), k, perm.data());
  return perm[static_cast<std::size_t>(j % static_cast<std::uint64_t>(k))];
}

std::vector<int> assignFoldsBlock(std::vector<int> const& labels,
                                  std::vector<std::uint64_t> const& classOffsets,
                                  FoldOptions const& options) {
  int const k = options.folds;
  checkK(k);
  checkLabels(labels, static_cast<int>(classOffsets.size()));
  auto const uk = static_cast<std::uint64_t>(k);
  // Per class: the running index j, and the permutation of its current block (drawn when
  // the block changes, so the cost is O(k) per k rows of a class).
  std::vector<std::uint64_t> next = classOffsets;
  std::vector<std::uint64_t> permBlock(classOffsets.size(),
                                       std::numeric_limits<std::uint64_t>::max());
  std::vector<int> perms(classOffsets.size() * static_cast<std::size_t>(k));
  std::vector<int> folds(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) {
      folds[i] = -1;
      continue;
    }
    auto const c = static_cast<std::size_t>(labels[i]);
    std::uint64_t const j = next[c]++;
    std::uint64_t const block = j / uk;
    int* const p = perms.data() + c * static_cast<std::size_t>(k);
    if (permBlock[c] != block) {
      blockPermutation(options.seed, labels[i], block, k, p);
      permBlock[c] = block;
    }
    folds[i] = p[j % uk];
  }
  return folds;
}

std::vector<int> assignFolds(std::vector<int> const& labels, int classes,
                             FoldOptions const& options) {
  checkK(options.folds);
  checkFoldCount(options.folds, classCounts(labels, classes));
  return assignFoldsBlock(labels, std::vector<std::uint64_t>(static_cast<std::size_t>(classes), 0),
                          options);
}

std::vector<int> assignFolds(comm::Comm const& comm, std::vector<int> const& labels, int classes,
                             FoldOptions const& options) {
  // Checks that every rank can make on its own come before the first collective.
  checkK(options.folds);
  if (classes < 1) throw Error("forest: need at least 1 class, got " + std::to_string(classes));
  std::size_t const bad = firstBadLabel(labels, classes);
  if (!comm.allOk(bad == labels.size())) {
    if (bad < labels.size()) classCounts(labels, classes);  // throws with this rank's row
    throw Error("forest: a label outside [0, " + std::to_string(classes) +
                ") on another rank (see its message)");
  }
  auto const local = classCounts(labels, classes);
  auto const all = comm.allgatherv(local);  // [rank][class]
  auto const uc = static_cast<std::size_t>(classes);
  std::vector<std::uint64_t> offsets(uc, 0), totals(uc, 0);
  for (int r = 0; r < comm.size(); ++r)
    for (std::size_t c = 0; c < uc; ++c) {
      std::uint64_t const n = all[static_cast<std::size_t>(r) * uc + c];
      if (r < comm.rank()) offsets[c] += n;
      totals[c] += n;
    }
  checkFoldCount(options.folds, totals);  // the same totals, so the same verdict, everywhere
  return assignFoldsBlock(labels, offsets, options);
}

}  // namespace vocloud::forest
