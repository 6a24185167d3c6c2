// Folds and metrics over 1, 2 and 4 ranks equal those of one process on the whole data:
// every rank holds a contiguous, uneven block of the same global rows (one rank may hold
// none), computes its part, and the gathered or reduced result is compared with the serial
// functions on the full vectors.
#include "comm/comm.hpp"
#include "core/error.hpp"
#include "forest/eval/folds.hpp"
#include "forest/eval/group_folds.hpp"
#include "forest/eval/metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace vocloud;
using namespace vocloud::forest;

namespace {

constexpr int kClasses = 4;

// The same global rows on every rank: labels of uneven classes, predictions, scores.
struct Rows {
  std::vector<int> truth, predicted;
  std::vector<float> scores;
};

Rows globalRows(std::size_t n) {
  std::mt19937 rng(41);
  std::uniform_real_distribution<double> u(0., 1.);
  Rows r;
  for (std::size_t i = 0; i < n; ++i) {
    double const x = u(rng);
    int const t = x < 0.6 ? 0 : x < 0.85 ? 1 : x < 0.97 ? 2 : 3;  // class 3 is rare
    r.truth.push_back(t);
    double w[kClasses], sum = 0.;
    for (int c = 0; c < kClasses; ++c) sum += w[c] = u(rng) + (c == t ? 0.5 : 0.);
    int best = 0;
    for (int c = 0; c < kClasses; ++c) {
      r.scores.push_back(float(w[c] / sum));
      if (w[c] > w[best]) best = c;
    }
    r.predicted.push_back(best);
  }
  return r;
}

// This rank's block [first, last): rank r gets a share growing with r, and with 4 ranks
// rank 1 gets nothing.
std::pair<std::size_t, std::size_t> block(std::size_t n, int rank, int size) {
  std::vector<std::size_t> weight(size);
  for (int r = 0; r < size; ++r) weight[r] = size == 4 && r == 1 ? 0 : r + 1;
  std::size_t total = 0, before = 0;
  for (int r = 0; r < size; ++r) total += weight[r];
  for (int r = 0; r < rank; ++r) before += weight[r];
  auto const at = [&](std::size_t w) { return n * w / total; };
  return {at(before), at(before + weight[rank])};
}

template <class T>
std::vector<T> slice(std::vector<T> const& v, std::size_t first, std::size_t last,
                     std::size_t width = 1) {
  return std::vector<T>(v.begin() + first * width, v.begin() + last * width);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forest_eval_mpi)

BOOST_AUTO_TEST_CASE(folds_are_the_same_for_any_number_of_ranks) {
  auto const comm = comm::Comm::world();
  auto labels = globalRows(2003).truth;
  for (std::size_t i = 0; i < labels.size(); i += 17) labels[i] = -1;  // unlabelled rows
  auto const [first, last] = block(labels.size(), comm.rank(), comm.size());
  auto const local = slice(labels, first, last);
  for (std::uint64_t seed : {0ull, 5ull}) {
    FoldOptions const options{5, seed};
    auto const mine = assignFolds(comm, local, kClasses, options);
    BOOST_TEST(mine.size() == local.size());
    auto const all = comm.allgatherv(mine);
    auto const serial = assignFolds(labels, kClasses, options);
    BOOST_TEST(all == serial, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(grouped_folds_are_the_same_for_any_number_of_ranks) {
  auto const comm = comm::Comm::world();
  auto labels = globalRows(1201).truth;
  std::vector<std::string> groups(labels.size());
  // Objects of 1 to 4 consecutive rows (one class each), every 9th row on its own, every
  // 17th row unlabelled; a group may span two ranks' blocks.
  for (std::size_t i = 0, object = 0; i < labels.size(); ++object) {
    std::size_t const copies = 1 + object % 4;
    for (std::size_t c = 0; c < copies && i < labels.size(); ++c, ++i) {
      groups[i] = i % 9 == 0 ? std::string() : "object " + std::to_string(object);
      labels[i] = labels[i - c];
      if (i % 17 == 0) labels[i] = -1;
    }
  }
  auto const [first, last] = block(labels.size(), comm.rank(), comm.size());
  auto const localLabels = slice(labels, first, last);
  auto const localGroups = slice(groups, first, last);
  for (std::uint64_t seed : {0ull, 5ull}) {
    FoldOptions const options{4, seed};
    auto const mine = assignGroupFolds(comm, localGroups, localLabels, kClasses, options);
    BOOST_TEST(mine.size() == localLabels.size());
    auto const all = comm.allgatherv(mine);
    auto const serial = assignGroupFolds(groups, labels, kClasses, options);
    BOOST_TEST(all == serial, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(bad_input_fails_on_every_rank) {
  auto const comm = comm::Comm::world();
  auto const rows = globalRows(203);
  auto const [first, last] = block(rows.truth.size(), comm.rank(), comm.size());
  auto local = slice(rows.truth, first, last);
  // Class 3 has a handful of rows: 50 folds are too many, on every rank alike.
  BOOST_CHECK_THROW(assignFolds(comm, local, kClasses, FoldOptions{50, 0}), Error);
  // A bad label on the last rank only: every rank throws instead of hanging.
  if (comm.rank() == comm.size() - 1 && !local.empty()) local.back() = kClasses;
  BOOST_CHECK_THROW(assignFolds(comm, local, kClasses, FoldOptions{3, 0}), Error);
  // The communicator is still usable afterwards.
  BOOST_TEST(comm.allreduce<int>(1, comm::Op::Sum) == comm.size());
}

BOOST_AUTO_TEST_CASE(reduced_metrics_equal_those_of_one_process) {
  auto const comm = comm::Comm::world();
  auto const rows = globalRows(5003);
  auto const [first, last] = block(rows.truth.size(), comm.rank(), comm.size());
  auto const truth = slice(rows.truth, first, last);
  auto const predicted = slice(rows.predicted, first, last);
  auto const scores = slice(rows.scores, first, last, kClasses);

  auto matrix = confusionMatrix(truth, predicted, kClasses);
  reduce(matrix, comm);
  auto const serialMatrix = confusionMatrix(rows.truth, rows.predicted, kClasses);
  BOOST_TEST(matrix.counts == serialMatrix.counts, boost::test_tools::per_element());

  auto hist = scoreHistogram(truth, scores, kClasses, 1024);
  reduce(hist, comm);
  auto const serialHist = scoreHistogram(rows.truth, rows.scores, kClasses, 1024);
  BOOST_TEST(hist.positive == serialHist.positive, boost::test_tools::per_element());
  BOOST_TEST(hist.negative == serialHist.negative, boost::test_tools::per_element());
  BOOST_TEST(hist.lowest == serialHist.lowest, boost::test_tools::per_element());
  BOOST_TEST(hist.highest == serialHist.highest, boost::test_tools::per_element());
  auto const a = rocAuc(hist), b = rocAuc(serialHist);
  BOOST_TEST(a.auc == b.auc, boost::test_tools::per_element());
  BOOST_TEST(classMetrics(matrix).macroF1 == classMetrics(serialMatrix).macroF1);

  // Per-fold matrices of out-of-fold predictions, reduced fold by fold.
  auto const folds = assignFolds(comm, truth, kClasses, FoldOptions{3, 1});
  auto byFold = confusionMatricesByFold(truth, predicted, folds, 3, kClasses);
  auto const serialFolds = assignFolds(rows.truth, kClasses, FoldOptions{3, 1});
  auto const serialByFold =
      confusionMatricesByFold(rows.truth, rows.predicted, serialFolds, 3, kClasses);
  for (int f = 0; f < 3; ++f) {
    reduce(byFold[f], comm);
    BOOST_TEST(byFold[f].counts == serialByFold[f].counts, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_SUITE_END()
