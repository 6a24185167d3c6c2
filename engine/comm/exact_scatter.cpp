#include "comm/exact_scatter.hpp"

#include "core/error.hpp"

#include <Eigen/Dense>

#include <algorithm>

namespace vocloud::comm {

namespace {
using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::uint64_t roundUp(std::uint64_t v, std::uint64_t chunk) {
  return (v + chunk - 1) / chunk * chunk;
}
}  // namespace

Range chunkAlignedRange(Range mine, std::uint64_t total, std::uint64_t chunk) {
  if (chunk == 0) throw Error("comm: chunks of 0 rows");
  Range out;
  out.begin = std::min(roundUp(mine.begin, chunk), total);
  out.end = std::min(roundUp(mine.end, chunk), total);
  if (mine.size() == 0 || out.end < out.begin) out.end = out.begin;
  return out;
}

ScatterExponents scatterExponents(double maxAbs, double rows) {
  return {exactSumExponent(maxAbs * rows), exactSumExponent(maxAbs * maxAbs * rows)};
}

ExactScatter::ExactScatter(std::size_t dims, ScatterExponents exponents, std::vector<double> centre)
    : _dims(dims),
      _centre(std::move(centre)),
      _sums(dims, exponents.sum),
      _scatter(dims * (dims + 1) / 2, exponents.scatter),
      _partial(dims * dims, 0.) {
  if (!_centre.empty() && _centre.size() != dims)
    throw Error("comm: a scatter centre of " + std::to_string(_centre.size()) +
                " values for rows of " + std::to_string(dims));
}

void ExactScatter::addChunks(float const* rows, std::size_t n) {
  for (std::size_t first = 0; first < n; first += kScatterChunk)
    addChunk(rows + first * _dims, std::min<std::size_t>(kScatterChunk, n - first));
}

void ExactScatter::addChunk(float const* rows, std::size_t n) {
  auto const d = static_cast<Eigen::Index>(_dims);
  Eigen::Map<MatrixF const> const x(rows, static_cast<Eigen::Index>(n), d);
  MatrixD xd = x.cast<double>();
  if (!_centre.empty()) xd.rowwise() -= Eigen::Map<Eigen::RowVectorXd const>(_centre.data(), d);
  Eigen::RowVectorXd const colSums = xd.colwise().sum();
  _sums.addAll(colSums.data());
  Eigen::Map<MatrixD> partial(_partial.data(), d, d);
  partial.setZero();
  partial.selfadjointView<Eigen::Lower>().rankUpdate(xd.transpose());
  std::size_t packed = 0;
  for (std::size_t i = 0; i < _dims; ++i)
    for (std::size_t j = 0; j <= i; ++j) _scatter.add(packed++, _partial[i * _dims + j]);
  _rows += n;
}

namespace {

/// The rank whose block holds global row `row`, from every rank's first row and count.
int rankOfRow(std::vector<unsigned long long> const& firsts,
              std::vector<unsigned long long> const& counts, std::uint64_t row) {
  for (std::size_t r = 0; r < firsts.size(); ++r)
    if (row >= firsts[r] && row < firsts[r] + counts[r]) return static_cast<int>(r);
  throw Error("comm: no rank holds row " + std::to_string(row));
}

}  // namespace

void ExactScatter::addShard(Comm const& comm, float const* rows, std::size_t n) {
  std::uint64_t const first = comm.exscan<unsigned long long>(n);
  std::vector<unsigned long long> const counts = comm.allgather<unsigned long long>(n);
  std::vector<unsigned long long> firsts(counts.size(), 0);
  for (std::size_t r = 1; r < counts.size(); ++r) firsts[r] = firsts[r - 1] + counts[r - 1];
  // Head rows continue the chunk that holds row `first`; its first row is on a lower rank.
  std::size_t const head = std::min<std::uint64_t>(n, roundUp(first, kScatterChunk) - first);
  std::vector<std::size_t> sendCounts(counts.size(), 0), recvCounts;
  if (head > 0)
    sendCounts[rankOfRow(firsts, counts, first / kScatterChunk * kScatterChunk)] = head * _dims;
  std::vector<float> const send(rows, rows + head * _dims);
  std::vector<float> const received = comm.alltoallv(send, sendCounts, recvCounts);
  // This rank's chunks: its rows after the head, then what later ranks sent to finish the
  // last one (in rank order, which is row order).
  std::size_t const whole = (n - head) / kScatterChunk * kScatterChunk;
  addChunks(rows + head * _dims, whole);
  std::vector<float> last(rows + (head + whole) * _dims, rows + n * _dims);
  last.insert(last.end(), received.begin(), received.end());
  addChunks(last.data(), last.size() / std::max<std::size_t>(_dims, 1));
}

void ExactScatter::allreduce(Comm const& comm) {
  _sums.allreduce(comm);
  _scatter.allreduce(comm);
  _rows = comm.allreduce<unsigned long long>(_rows, Op::Sum);
}

std::vector<double> ExactScatter::scatter() const {
  std::vector<double> out(_dims * _dims);
  std::size_t packed = 0;
  for (std::size_t i = 0; i < _dims; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      double const v = _scatter.value(packed++);
      out[i * _dims + j] = v;
      out[j * _dims + i] = v;
    }
  return out;
}

}  // namespace vocloud::comm
