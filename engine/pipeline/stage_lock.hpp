#pragma once
// One run at a time per stage of an experiment: an exclusive flock(2) on
// `<output>/<experiment>/.<stage>.lock`, held by rank 0 while the stage is checked, computed
// and committed. The kernel drops the lock when the holding process ends, however it ends
// (a kill -9 included), so a dead run never leaves a stage locked.
#include "comm/comm.hpp"

#include <string>

namespace vocloud::pipeline {

class StageLock {
 public:
  /// Exclusive: the stage is checked, computed and committed. Shared: its complete output
  /// is read by a downstream stage (any number of readers, no writer).
  enum class Mode { Exclusive, Shared };

  /// Takes the lock of `stage` (file `lockPath`) on rank 0 without waiting; an exclusive
  /// holder records who it is (pid, host, command line) in the file. When another run holds
  /// it in a conflicting mode, every rank throws the same vocloud::CollectiveError naming
  /// that run when known. Collective over comm.
  StageLock(std::string const& lockPath, std::string const& stage, std::string const& commandLine,
            comm::Comm const& comm, Mode mode = Mode::Exclusive);
  /// Releases the lock (the file stays: removing it would let two runs lock two files).
  ~StageLock();
  StageLock(StageLock const&) = delete;
  StageLock& operator=(StageLock const&) = delete;

 private:
  int _fd = -1;
  Mode _mode = Mode::Exclusive;
};

}  // namespace vocloud::pipeline
