#include "comm/exact_sum.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace vocloud::comm {

namespace {

/// Additions after which the low words are carried into the high ones: each adds at most
/// 2^32 to one low word, so 2^30 of them stay far below 2^63.
constexpr std::uint64_t kCarryEvery = std::uint64_t(1) << 30;
constexpr double kTwo32 = 4294967296.;

}  // namespace

int exactSumExponent(double bound) {
  if (!(bound > 0.)) return 0;
  if (!std::isfinite(bound)) throw Error("comm: an exact sum's bound is not finite");
  int q = 93 - static_cast<int>(std::ceil(std::log2(bound)));
  while (std::ldexp(bound, q) > std::ldexp(1., 93)) --q;
  // 2^(q - 32) must stay a normal double (the scale of the high word).
  return std::clamp(q, -900, 900);
}

ExactSums::ExactSums(std::size_t size, int exponent)
    : _exponent(exponent), _scale(std::ldexp(1., exponent - 32)), _high(size, 0), _low(size, 0) {}

void ExactSums::add(std::size_t i, double value) {
  // value 2^(q-32) = h + f with h an integer and f in [0, 1): both exact in double.
  double const scaled = value * _scale;
  double const h = std::floor(scaled);
  double const low = std::nearbyint((scaled - h) * kTwo32);  // in [0, 2^32]
  _high[i] += static_cast<std::int64_t>(h);
  _low[i] += static_cast<std::int64_t>(low);
  if (++_additions >= kCarryEvery) carry();
}

void ExactSums::addAll(double const* values) {
  std::size_t const n = _high.size();
  for (std::size_t i = 0; i < n; ++i) add(i, values[i]);
}

void ExactSums::carry() {
  for (std::size_t i = 0; i < _high.size(); ++i) {
    std::int64_t const c = _low[i] >> 32;  // floor division by 2^32, also for negatives
    _high[i] += c;
    _low[i] -= c * (std::int64_t(1) << 32);
  }
  _additions = 0;
}

double ExactSums::value(std::size_t i) const {
  __int128 const total = static_cast<__int128>(_high[i]) * (std::int64_t(1) << 32) + _low[i];
  return std::ldexp(static_cast<double>(total), -_exponent);
}

std::vector<double> ExactSums::values() const {
  std::vector<double> out(_high.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = value(i);
  return out;
}

void ExactSums::allreduce(Comm const& comm) {
  carry();  // every rank's low words in [0, 2^32): their sum over ranks cannot overflow
  comm.allreduce(_high, Op::Sum);
  comm.allreduce(_low, Op::Sum);
  carry();
}

double exactTotal(Comm const& comm, double const* values, std::size_t n) {
  double maxAbs = 0.;
  for (std::size_t i = 0; i < n; ++i) maxAbs = std::max(maxAbs, std::fabs(values[i]));
  if (!std::isfinite(maxAbs)) throw Error("comm: a sum over ranks has a non-finite value");
  maxAbs = comm.allreduce(maxAbs, Op::Max);
  double const count = comm.allreduce(static_cast<double>(n), Op::Sum);
  ExactSums sum(1, exactSumExponent(maxAbs * count));
  for (std::size_t i = 0; i < n; ++i) sum.add(0, values[i]);
  sum.allreduce(comm);
  return sum.value(0);
}

}  // namespace vocloud::comm
