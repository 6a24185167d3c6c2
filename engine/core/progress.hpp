#pragma once
// Progress of a long loop over items shared by the ranks: a bar with rate and ETA on a
// terminal, plain periodic lines otherwise (Slurm logs). Only the ranks that log print. The
// count shown is the whole job's: the global count of the last sync point (setGlobal, which
// the loop calls where every rank has finished a round) plus this rank's items since.
#include "core/log.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace vocloud::core {

class Progress {
 public:
  /// `total` is the number of items over every rank. A total of 0 prints nothing.
  Progress(Log const& log, std::string label, std::uint64_t total);
  ~Progress();
  Progress(Progress const&) = delete;
  Progress& operator=(Progress const&) = delete;

  /// Counts `n` more items done by this rank; prints when the display is due.
  void advance(std::uint64_t n = 1);
  /// Items done by every rank together, known at a point every rank has reached (e.g. the
  /// end of a round); the display is exact there. Not collective: the caller has the sum.
  void setGlobal(std::uint64_t done);
  /// The count shown: the last global count plus this rank's items since, at most `total`.
  std::uint64_t shown() const;
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
  std::uint64_t _done = 0;          ///< this rank's items
  std::uint64_t _globalAtSync = 0;  ///< every rank's items at the last setGlobal
  std::uint64_t _doneAtSync = 0;    ///< this rank's items at the last setGlobal
  bool _active;
  bool _terminal;
  bool _finished = false;
  std::chrono::steady_clock::time_point _start;
  std::chrono::steady_clock::time_point _lastPrint;
};

}  // namespace vocloud::core
