#pragma once
// Stratified, shuffled k-fold assignment for cross-validation that is the same for any
// number of ranks.
//
// Scheme. Rows are ordered by their global index; each rank owns one contiguous block of
// them, blocks in rank order. Number the rows of each class c in that order: j = 0, 1, ...
// (j is this rank's offset for c, from an exclusive scan of per-class counts, plus the
// row's position among the local rows of c). Cut that sequence into blocks of k rows,
// b = floor(j / k). Row j of class c goes to fold
//
//     fold = perm_{seed, c, b}[j mod k],
//
// where perm_{seed, c, b} is a permutation of 0..k-1 drawn by Fisher-Yates from a
// counter-based hash of (seed, c, b) alone. So:
//   * balanced: every complete block gives each fold one row of c, the last (partial) block
//     at most one more, so the per-class counts of any two folds differ by at most 1 and
//     fold sizes differ by at most the number of classes;
//   * shuffled: which rows of a class share a fold changes with the seed; within a block of
//     k consecutive rows of a class every row lands in a different fold (stratification also
//     along the row order, like systematic sampling);
//   * unlabelled rows (a negative label) get fold -1 and are not counted;
//   * independent of the partition: j depends only on the labels of the rows before it in
//     global order, not on which rank holds them, so 1, 2 or P ranks give the same folds.
// It needs O(classes) communication (the per-class counts) and O(k) work per k rows.
#include "comm/comm.hpp"

#include <cstdint>
#include <vector>

namespace vocloud::forest {

/// The cross-validation split: `folds` folds (k) drawn from `seed`.
struct FoldOptions {
  int folds = 5;
  std::uint64_t seed = 0;
};

/// Rows per class: out[c] = number of local rows with labels[i] == c (adds over ranks);
/// negative labels (unlabelled rows) are not counted. Throws vocloud::Error naming the row
/// when a label is >= classes.
std::vector<std::uint64_t> classCounts(std::vector<int> const& labels, int classes);

/// Throws vocloud::Error ("forest: ...") unless 2 <= k <= the smallest count of the classes
/// that have rows (classes without any row take no part in the split). `totals`: rows per
/// class over the whole data set; `names`, when given, name the classes in the message.
void checkFoldCount(int k, std::vector<std::uint64_t> const& totals,
                    std::vector<std::string> const& names = {});

/// The fold (0..k-1) of the j-th row (0-based, global row order) of class `cls`.
int foldOfClassRow(std::uint64_t seed, int k, int cls, std::uint64_t j);

/// Folds of one block of rows: labels[i] in [0, classes) for each local row (negative:
/// unlabelled, fold -1), and classOffsets[c] = the number of rows of class c in all blocks
/// before this one (classes = classOffsets.size()).
/// Pure: does not validate k against class counts (see checkFoldCount).
std::vector<int> assignFoldsBlock(std::vector<int> const& labels,
                                  std::vector<std::uint64_t> const& classOffsets,
                                  FoldOptions const& options);

/// Folds of a whole data set held by one process (offsets 0); validates k first.
std::vector<int> assignFolds(std::vector<int> const& labels, int classes,
                             FoldOptions const& options);

/// Folds of this rank's block of rows, ranks holding consecutive blocks of the global rows in
/// rank order; the same folds as assignFolds on the concatenated labels. Validates labels and
/// k identically on every rank (a bad label on any rank throws on all). Collective over comm.
std::vector<int> assignFolds(comm::Comm const& comm, std::vector<int> const& labels, int classes,
                             FoldOptions const& options);

}  // namespace vocloud::forest
