#pragma once
// Progress of a long loop: a bar with rate and ETA on a terminal, plain periodic lines
// otherwise (Slurm logs). Only the ranks that log print; the count is this rank's own,
// which with balanced shards tracks the whole job.
#include "core/log.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace vocloud::core {

class Progress {
public:
  /// `total` is this rank's number of items. A total of 0 prints nothing.
  Progress(Log const& log, std::string label, std::uint64_t total);
  ~Progress();
  Progress(Progress const&) = delete;
  Progress& operator=(Progress const&) = delete;

  /// Counts `n` more items done; prints when the display is due.
  void advance(std::uint64_t n = 1);
  /// Prints the final line (idempotent).
  void finish();

  /// Text of a progress line, e.g. "synth 500/2000 (25.0%) 120.5/s ETA 12s"; pure, for tests.
  static std::string describe(std::string const& label, std::uint64_t done, std::uint64_t total,
                              double seconds);

private:
  void print(bool final);

  Log const& _log;
  std::string _label;
  std::uint64_t _total;
  std::uint64_t _done = 0;
  bool _active;
  bool _terminal;
  bool _finished = false;
  std::chrono::steady_clock::time_point _start;
  std::chrono::steady_clock::time_point _lastPrint;
};

}  // namespace vocloud::core
