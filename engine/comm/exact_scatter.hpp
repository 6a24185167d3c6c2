#pragma once
// Column sums and the scatter matrix X^T X of rows spread over ranks, bitwise the same for
// any number of ranks. Rows are taken in fixed chunks of kScatterChunk rows by global row
// index (the same chunks whatever the ranks); each chunk's partial sums are computed in
// double in row order (a symmetric rank-k update), then added exactly to ExactSums. A chunk
// must reach one rank whole: chunkAlignedRange says which rows a rank takes.
#include "comm/exact_sum.hpp"
#include "comm/shard.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vocloud::comm {

/// Rows per chunk of an ExactScatter.
inline constexpr std::uint64_t kScatterChunk = 256;

/// The rows a rank takes so that every chunk of `chunk` rows (by global index) is taken by
/// the one rank that holds the chunk's first row in its block `mine` of `total` rows: from
/// mine.begin rounded up to a chunk edge to mine.end rounded up (at most total). Empty when
/// the block holds no chunk start. Pure.
Range chunkAlignedRange(Range mine, std::uint64_t total, std::uint64_t chunk = kScatterChunk);

/// Exponents of an ExactScatter's sums for `rows` rows (over all ranks) whose values are
/// at most maxAbs in magnitude: column sums are bounded by rows maxAbs, scatter entries by
/// rows maxAbs^2.
struct ScatterExponents {
  int sum = 0;
  int scatter = 0;
};
ScatterExponents scatterExponents(double maxAbs, double rows);

/// The exact accumulator of column sums and of the lower triangle of (X - c)^T (X - c).
class ExactScatter {
 public:
  /// `centre` (dims values, or empty for none) is subtracted from every row first.
  ExactScatter(std::size_t dims, ScatterExponents exponents, std::vector<double> centre = {});
  /// Adds `n` row-major rows of `dims` floats that start at a chunk edge; they are cut into
  /// chunks of kScatterChunk rows (the last may be shorter only at the end of the data).
  void addChunks(float const* rows, std::size_t n);
  /// Adds this rank's `n` rows when every rank holds `n` rows in memory and the ranks' rows
  /// follow each other in rank order (rank 0 holds the first rows): rows at the head of a
  /// block that continue a chunk begun on a lower rank are sent to that rank (at most one
  /// chunk per rank boundary), so each chunk is summed whole on one rank. Collective over comm.
  void addShard(Comm const& comm, float const* rows, std::size_t n);
  /// Reduces over ranks (exact integer sums). Collective over comm.
  void allreduce(Comm const& comm);
  /// Column sums [dims] and the full symmetric scatter matrix [dims][dims], row-major.
  std::vector<double> sums() const { return _sums.values(); }
  std::vector<double> scatter() const;
  std::uint64_t rows() const { return _rows; }

 private:
  void addChunk(float const* rows, std::size_t n);
  std::size_t _dims;
  std::vector<double> _centre;
  ExactSums _sums;               // [dims]
  ExactSums _scatter;            // [dims][dims], lower triangle packed by rows
  std::vector<double> _partial;  // one chunk's scatter, [dims][dims]
  std::uint64_t _rows = 0;
};

}  // namespace vocloud::comm
