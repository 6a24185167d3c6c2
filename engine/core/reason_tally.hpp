#pragma once
// Counts of rejected items by reason, with a few examples, for the summary a stage prints
// (a WARN line when anything was rejected, the error when nothing was kept). Pure: ranks
// merge their tallies through encode()/merge() and a gather the caller does.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vocloud::core {

class ReasonTally {
 public:
  /// Examples kept (the first ones seen, in merge order).
  static constexpr std::size_t kExamples = 3;

  /// Counts one rejected `item` (a path or id). `reason` is "token: detail"; the token (up
  /// to the first ':') is what is counted, the whole reason goes with an example.
  void add(std::string const& item, std::string const& reason);
  /// Adds another tally's counts and examples (up to kExamples in all).
  void merge(ReasonTally const& other);

  /// Text form for a gather: decode(a + b) equals a merge of both.
  std::string encode() const;
  /// Tallies concatenated by encode(), merged in order.
  static ReasonTally decode(std::string const& text);

  std::uint64_t total() const;
  std::map<std::string, std::uint64_t> const& counts() const { return _counts; }
  /// "flat_spectrum (12), not_found (3)" (most frequent first).
  std::string countsText() const;
  /// One line per example: "  <item>: <reason>".
  std::string examplesText() const;

 private:
  std::map<std::string, std::uint64_t> _counts;
  std::vector<std::pair<std::string, std::string>> _examples;  ///< item, reason
};

/// "1 spectrum", "2 spectra": a count with the noun in the right number.
std::string countOf(std::uint64_t n, std::string const& singular, std::string const& plural);

}  // namespace vocloud::core
