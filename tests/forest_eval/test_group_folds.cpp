// Grouped folds: no group spans two folds, stratification is kept as far as whole groups
// allow, groups of one row give per-class counts within 1 of each other, and the seed
// shuffles which groups share a fold.
#include "core/error.hpp"
#include "forest/eval/group_folds.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace vocloud;
using namespace vocloud::forest;

namespace {

// Objects observed 1 to 6 times; each object has one class; some rows unlabelled, some
// rows without an object.
struct Grouped {
  std::vector<std::string> groups;
  std::vector<int> labels;
};

Grouped objects(std::size_t count, int classes, unsigned seed) {
  std::mt19937 rng(seed);
  Grouped g;
  for (std::size_t o = 0; o < count; ++o) {
    int const cls = static_cast<int>(rng() % static_cast<unsigned>(classes));
    int const copies = 1 + static_cast<int>(rng() % 6);
    for (int c = 0; c < copies; ++c) {
      g.groups.push_back(o % 11 == 0 ? std::string() : "object " + std::to_string(o));
      g.labels.push_back(rng() % 13 == 0 ? -1 : cls);
    }
  }
  return g;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(group_folds)

BOOST_AUTO_TEST_CASE(no_group_spans_two_folds) {
  Grouped const g = objects(400, 3, 7);
  for (int k : {2, 5}) {
    auto const folds = assignGroupFolds(g.groups, g.labels, 3, FoldOptions{k, 3});
    BOOST_TEST(folds.size() == g.labels.size());
    std::map<std::string, std::set<int>> foldsOf;
    std::vector<std::vector<int>> count(k, std::vector<int>(3, 0));
    for (std::size_t i = 0; i < folds.size(); ++i) {
      if (g.labels[i] < 0) {
        BOOST_TEST(folds[i] == -1);
        continue;
      }
      BOOST_TEST((folds[i] >= 0 && folds[i] < k));
      if (!g.groups[i].empty()) foldsOf[g.groups[i]].insert(folds[i]);
      ++count[folds[i]][g.labels[i]];
    }
    for (auto const& [key, set] : foldsOf) BOOST_TEST(set.size() == 1u, key);
    // Stratified as far as whole groups allow: each fold within 6 rows (the largest group)
    // plus 1 of the class's mean.
    for (int c = 0; c < 3; ++c) {
      double total = 0;
      for (int f = 0; f < k; ++f) total += count[f][c];
      for (int f = 0; f < k; ++f) BOOST_TEST(std::abs(count[f][c] - total / k) <= 7.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(single_rows_are_dealt_evenly_per_class) {
  std::vector<int> labels;
  for (int i = 0; i < 103; ++i) labels.push_back(i % 7 == 0 ? 1 : i % 3 == 0 ? 2 : 0);
  std::vector<std::string> groups(labels.size());  // every row its own group
  auto const folds = assignGroupFolds(groups, labels, 3, FoldOptions{4, 9});
  for (int c = 0; c < 3; ++c) {
    std::vector<int> count(4, 0);
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == c) ++count[folds[i]];
    auto const [lo, hi] = std::minmax_element(count.begin(), count.end());
    BOOST_TEST(*hi - *lo <= 1);
  }
}

BOOST_AUTO_TEST_CASE(copies_of_one_object_share_a_fold_and_the_seed_shuffles) {
  // Two copies each of 20 objects, two classes: each pair in one fold.
  std::vector<std::string> groups;
  std::vector<int> labels;
  for (int o = 0; o < 20; ++o)
    for (int copy = 0; copy < 2; ++copy) {
      groups.push_back("star " + std::to_string(o));
      labels.push_back(o % 2);
    }
  auto const a = assignGroupFolds(groups, labels, 2, FoldOptions{5, 1});
  auto const b = assignGroupFolds(groups, labels, 2, FoldOptions{5, 2});
  for (std::size_t i = 0; i < labels.size(); i += 2) {
    BOOST_TEST(a[i] == a[i + 1]);
    BOOST_TEST(b[i] == b[i + 1]);
  }
  BOOST_TEST((a != b));
  // Each fold holds 2 objects of each class (20 objects, 5 folds, 2 classes).
  for (int f = 0; f < 5; ++f)
    for (int c = 0; c < 2; ++c) {
      int n = 0;
      for (std::size_t i = 0; i < labels.size(); ++i) n += a[i] == f && labels[i] == c;
      BOOST_TEST(n == 4);
    }
}

BOOST_AUTO_TEST_CASE(too_few_groups_for_the_folds_throw) {
  // Class 1 lives in 2 objects only: 3 folds cannot each hold a row of it.
  std::vector<std::string> groups = {"a", "a", "b", "b", "c", "d", "e", "f"};
  std::vector<int> labels = {1, 1, 1, 1, 0, 0, 0, 0};
  BOOST_CHECK_THROW(assignGroupFolds(groups, labels, 2, FoldOptions{3, 0}), Error);
  BOOST_CHECK_NO_THROW(assignGroupFolds(groups, labels, 2, FoldOptions{2, 0}));
  BOOST_CHECK_THROW(assignGroupFolds(groups, labels, 2, FoldOptions{1, 0}), Error);
}

BOOST_AUTO_TEST_SUITE_END()
