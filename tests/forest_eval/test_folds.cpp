// Stratified k-fold assignment: balance per class, partition invariance of the pure block
// function, shuffling by seed, independence of classes, and the errors for bad k or labels.
#include "core/error.hpp"
#include "forest/eval/folds.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace vocloud;
using namespace vocloud::forest;

namespace {

// Labels of uneven classes in random order: sizes[c] rows of class c.
std::vector<int> shuffledLabels(std::vector<int> const& sizes, unsigned seed) {
  std::vector<int> labels;
  for (std::size_t c = 0; c < sizes.size(); ++c) labels.insert(labels.end(), sizes[c], int(c));
  std::mt19937 rng(seed);
  std::shuffle(labels.begin(), labels.end(), rng);
  return labels;
}

// counts[c][f]: rows of class c in fold f.
std::vector<std::vector<int>> perClassFold(std::vector<int> const& labels,
                                           std::vector<int> const& folds, int classes, int k) {
  std::vector<std::vector<int>> counts(classes, std::vector<int>(k, 0));
  for (std::size_t i = 0; i < labels.size(); ++i) ++counts[labels[i]][folds[i]];
  return counts;
}

bool throwsWith(std::function<void()> const& f, std::vector<std::string> const& parts) {
  try {
    f();
  } catch (Error const& e) {
    std::string const what = e.what();
    for (auto const& p : parts)
      if (what.find(p) == std::string::npos) return false;
    return what.rfind("forest: ", 0) == 0;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_folds)

BOOST_AUTO_TEST_CASE(every_class_is_spread_evenly_over_the_folds) {
  std::vector<int> const sizes = {1000, 37, 5, 123};
  auto const labels = shuffledLabels(sizes, 3);
  for (int k : {2, 3, 5}) {
    for (std::uint64_t seed : {0ull, 7ull, 12345ull}) {
      auto const folds = assignFolds(labels, 4, FoldOptions{k, seed});
      BOOST_REQUIRE(folds.size() == labels.size());
      for (int f : folds) BOOST_REQUIRE(f >= 0 && f < k);
      auto const counts = perClassFold(labels, folds, 4, k);
      for (int c = 0; c < 4; ++c) {
        auto const [lo, hi] = std::minmax_element(counts[c].begin(), counts[c].end());
        BOOST_TEST(*hi - *lo <= 1, "class " << c << " k " << k << " seed " << seed);
        BOOST_TEST(*lo == sizes[c] / k);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(blocks_with_offsets_give_the_folds_of_the_whole) {
  auto const labels = shuffledLabels({300, 41, 17}, 11);
  FoldOptions const options{5, 99};
  auto const whole = assignFolds(labels, 3, options);
  // Cut the rows at arbitrary points (an empty block included); each block gets the class
  // counts of the rows before it, as the exclusive scan of the collective version does.
  std::vector<std::size_t> const cuts = {0, 1, 1, 50, 211, 357, labels.size()};
  std::vector<int> joined;
  std::vector<std::uint64_t> offsets(3, 0);
  for (std::size_t b = 0; b + 1 < cuts.size(); ++b) {
    std::vector<int> block(labels.begin() + cuts[b], labels.begin() + cuts[b + 1]);
    auto const part = assignFoldsBlock(block, offsets, options);
    joined.insert(joined.end(), part.begin(), part.end());
    auto const counts = classCounts(block, 3);
    for (int c = 0; c < 3; ++c) offsets[c] += counts[c];
  }
  BOOST_TEST(joined == whole, boost::test_tools::per_element());
  // And row by row from the formula.
  std::vector<std::uint64_t> j(3, 0);
  for (std::size_t i = 0; i < labels.size(); ++i)
    BOOST_REQUIRE(whole[i] == foldOfClassRow(99, 5, labels[i], j[labels[i]]++));
}

BOOST_AUTO_TEST_CASE(seeds_shuffle_the_assignment) {
  auto const labels = shuffledLabels({2000, 500}, 5);
  int const k = 5;
  auto const a = assignFolds(labels, 2, FoldOptions{k, 1});
  auto const b = assignFolds(labels, 2, FoldOptions{k, 2});
  BOOST_TEST(a == assignFolds(labels, 2, FoldOptions{k, 1}), boost::test_tools::per_element());
  // Two independent balanced assignments agree on about 1/k of the rows.
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  double const agree = double(same) / a.size();
  BOOST_TEST(agree > 0.15);
  BOOST_TEST(agree < 0.25);
  // Within one seed the blocks use different permutations (not j mod k), and every fold is
  // as likely for every position j mod k: over 400 blocks of class 0 each (r, f) pair occurs
  // 80 times on average.
  std::set<std::vector<int>> perms;
  std::vector<std::vector<int>> hits(k, std::vector<int>(k, 0));
  for (std::uint64_t block = 0; block < 400; ++block) {
    std::vector<int> perm;
    for (int r = 0; r < k; ++r) {
      perm.push_back(foldOfClassRow(1, k, 0, block * k + r));
      ++hits[r][perm.back()];
    }
    perms.insert(perm);
  }
  BOOST_TEST(perms.size() > 100u);  // of 5! = 120
  for (auto const& row : hits)
    for (int n : row) BOOST_TEST((n > 45 && n < 120));  // 80 +- 4 sd
}

BOOST_AUTO_TEST_CASE(a_class_keeps_its_folds_whatever_the_other_classes) {
  // Rows of class 0 are numbered among themselves: inserting rows of class 1 anywhere leaves
  // the folds of the class-0 rows as they were.
  auto const only = std::vector<int>(60, 0);
  auto mixed = only;
  mixed.insert(mixed.begin() + 10, 7, 1);
  mixed.insert(mixed.begin() + 40, 5, 1);
  auto const a = assignFolds(only, 2, FoldOptions{4, 8});
  auto const b = assignFolds(mixed, 2, FoldOptions{4, 8});
  std::vector<int> bOfClass0;
  for (std::size_t i = 0; i < mixed.size(); ++i)
    if (mixed[i] == 0) bOfClass0.push_back(b[i]);
  BOOST_TEST(a == bOfClass0, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unlabelled_rows_get_no_fold_and_change_nothing) {
  // Negative labels (unlabelled spectra) get fold -1 and leave the others' folds alone.
  auto const labels = shuffledLabels({40, 12}, 2);
  auto mixed = labels;
  mixed.insert(mixed.begin() + 3, -1);
  mixed.insert(mixed.begin() + 30, 4, -1);
  mixed.push_back(-7);
  auto const a = assignFolds(labels, 2, FoldOptions{3, 4});
  auto const b = assignFolds(mixed, 2, FoldOptions{3, 4});
  std::vector<int> labelledFolds;
  for (std::size_t i = 0; i < mixed.size(); ++i) {
    if (mixed[i] < 0) {
      BOOST_TEST(b[i] == -1);
    } else {
      labelledFolds.push_back(b[i]);
    }
  }
  BOOST_TEST(a == labelledFolds, boost::test_tools::per_element());
  BOOST_TEST(classCounts(mixed, 2) == (std::vector<std::uint64_t>{40, 12}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_fold_counts_and_labels_are_refused) {
  auto const labels = shuffledLabels({20, 9, 6}, 1);
  BOOST_TEST(throwsWith([&] { assignFolds(labels, 3, FoldOptions{1, 0}); }, {"folds = 1"}));
  BOOST_TEST(throwsWith([&] { assignFolds(labels, 3, FoldOptions{0, 0}); }, {"folds = 0"}));
  BOOST_TEST(throwsWith(
      [&] {
        assignFolds(labels, 3, FoldOptions{7, 0});
      },
      {"folds = 7", "6 rows of class 2", "folds <= 6"}));
  BOOST_CHECK_NO_THROW(assignFolds(labels, 3, FoldOptions{6, 0}));
  // A class without rows takes no part: 4 classes declared, class 3 empty.
  BOOST_CHECK_NO_THROW(assignFolds(labels, 4, FoldOptions{6, 0}));
  BOOST_TEST(throwsWith(
      [&] {
        assignFolds(std::vector<int>{}, 2, FoldOptions{2, 0});
      },
      {"labelled rows"}));
  auto bad = labels;
  bad[4] = 3;
  BOOST_TEST(throwsWith(
      [&] {
        assignFolds(bad, 3, FoldOptions{2, 0});
      },
      {"label 3", "local row 4", "[0, 3)"}));
  BOOST_TEST(throwsWith([&] { classCounts(bad, 3); }, {"label 3"}));
  BOOST_TEST(throwsWith([&] { checkFoldCount(3, {5, 2}); }, {"folds = 3", "class 1"}));
}

BOOST_AUTO_TEST_SUITE_END()
