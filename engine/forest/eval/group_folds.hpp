#pragma once
// Grouped, stratified k-fold assignment: every row of a group (e.g. every spectrum of one
// object, or one observation acquired twice) lands in the same fold, so copies never sit on
// both sides of a train/test split. The same for any number of ranks.
//
// Scheme. Labelled rows are gathered as (group key, class); a row with an empty key is a
// group of its own (keyed by its global row index). Each group has its per-class counts.
// Groups are taken largest first (ties broken by a hash of (seed, key), so the seed
// shuffles them), and each goes to the fold where its classes are least represented
// relative to their totals, sum_c n_gc * count_fc / total_c (ties: the fold with fewer
// rows, then a seed-drawn order of the folds). With groups of one row this deals every
// class round-robin, so per-class counts of two folds differ by at most 1; larger groups
// keep that as well as whole groups allow. The order depends on keys and classes only, so
// any partition of the rows over ranks gives the same folds.
#include "comm/comm.hpp"
#include "forest/eval/folds.hpp"

#include <string>
#include <vector>

namespace vocloud::forest {

/// Folds of a whole data set held by one process: groups[i] is row i's key ("" = a group of
/// its own), labels[i] its class in [0, classes) (negative: unlabelled, fold -1). Throws
/// vocloud::Error ("forest: ...") when a class has rows in fewer than k groups, or when the
/// groups leave a fold without a class (fewer folds would do).
std::vector<int> assignGroupFolds(std::vector<std::string> const& groups,
                                  std::vector<int> const& labels, int classes,
                                  FoldOptions const& options);

/// Folds of this rank's block of rows (ranks hold consecutive blocks in rank order); the
/// same folds as assignGroupFolds on the concatenated rows. Every rank receives the keys
/// and classes of all labelled rows. Collective over comm.
std::vector<int> assignGroupFolds(comm::Comm const& comm, std::vector<std::string> const& groups,
                                  std::vector<int> const& labels, int classes,
                                  FoldOptions const& options);

}  // namespace vocloud::forest
