#pragma once
// One computation at a time per variant of a stage (a fingerprint): an exclusive flock(2) on
// `<output>/<experiment>/.variants/<stage>/<fp>.lock`, held by rank 0 while the variant is
// checked, computed and committed; a second run that needs the same variant waits, then
// finds it complete and reuses it. The kernel drops the lock when the holding process ends,
// however it ends (a kill -9 included), so a dead run never leaves a stage locked.
#include "comm/comm.hpp"

#include <functional>
#include <string>

namespace vocloud::pipeline {

class StageLock {
 public:
  /// Exclusive: the stage is checked, computed and committed. Shared: its complete output
  /// is read by a downstream stage (any number of readers, no writer).
  enum class Mode { Exclusive, Shared };

  /// Told (on rank 0) who holds the lock before a run starts waiting for it.
  using WaitNotice = std::function<void(std::string const&)>;

  /// Takes the lock of `stage` (file `lockPath`) on rank 0; an exclusive holder records who
  /// it is (pid, host, command line) in the file. When another run holds it in a conflicting
  /// mode, `onWait` is told who, and every rank waits until it is released. When the lock
  /// cannot be taken at all (the file cannot be opened), every rank throws the same
  /// vocloud::CollectiveError. Collective over comm.
  StageLock(std::string const& lockPath, std::string const& stage, std::string const& commandLine,
            comm::Comm const& comm, Mode mode = Mode::Exclusive, WaitNotice const& onWait = {});
  /// Releases the lock (the file stays: removing it would let two runs lock two files).
  ~StageLock();
  StageLock(StageLock const&) = delete;
  StageLock& operator=(StageLock const&) = delete;

 private:
  int _fd = -1;
  Mode _mode = Mode::Exclusive;
};

}  // namespace vocloud::pipeline
