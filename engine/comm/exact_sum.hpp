#pragma once
// Sums of doubles that do not depend on the order of addition, so that a reduction over
// ranks gives bitwise the same result for any number of ranks (1 included). Each value is
// scaled by 2^exponent, rounded once to an integer and added to a 128-bit fixed-point
// accumulator kept as two int64 words (a high part and 32 low bits); integers add
// associatively, and the two words are reduced with an ordinary MPI integer sum.
#include "comm/comm.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vocloud::comm {

/// The exponent q of an ExactSums whose sums of |values| stay below `bound`: the largest q
/// with bound 2^q <= 2^93, so that no total (nor any partial total) overflows the
/// accumulator. The quantum is then 2^-q = bound 2^-93 (about 1e-28 of the bound).
/// `bound` must be the same on every rank (e.g. rows x the largest |value|, both reduced
/// over ranks). 0 when bound is 0 or less; throws vocloud::Error when it is not finite.
int exactSumExponent(double bound);

/// `size` order-independent sums of doubles at one fixed binary exponent.
class ExactSums {
 public:
  /// `size` sums at zero; values are scaled by 2^exponent (see exactSumExponent).
  ExactSums(std::size_t size, int exponent);
  std::size_t size() const { return _high.size(); }
  int exponent() const { return _exponent; }

  /// Adds `value` to sum i: value 2^exponent rounded to the nearest integer (ties to even).
  /// The same value rounds alike wherever it is added, so the integer totals do not depend
  /// on the order or the grouping of the additions.
  void add(std::size_t i, double value);
  /// Adds values[i] to sum i for every i < size().
  void addAll(double const* values);

  /// Sum i as a double (the exact integer total, rounded once, times 2^-exponent).
  double value(std::size_t i) const;
  /// Every sum as a double.
  std::vector<double> values() const;

  /// Adds every rank's sums; every rank gets the totals (exact integer additions, so the
  /// result is the same for any number of ranks). Collective over comm.
  void allreduce(Comm const& comm);

 private:
  void carry();
  int _exponent;
  double _scale;                    // 2^(exponent - 32): one unit of the high word
  std::vector<std::int64_t> _high;  // multiples of 2^32 quanta
  std::vector<std::int64_t> _low;   // quanta, each addition in [0, 2^32]
  std::uint64_t _additions = 0;     // additions since the low words were last carried
};

/// The sum of n doubles over all ranks, independent of the number of ranks and of how the
/// values are split between them: the largest |value| is reduced first (max) to fix the
/// exponent, then the ExactSums are reduced. Collective over comm.
double exactTotal(Comm const& comm, double const* values, std::size_t n);

}  // namespace vocloud::comm
