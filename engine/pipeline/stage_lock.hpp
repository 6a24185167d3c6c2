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
  /// Takes the lock of `stage` (file `lockPath`) on rank 0 without waiting and records who
  /// holds it (pid, host, command line) in the file. When another run holds it, every rank
  /// throws the same vocloud::CollectiveError naming that run. Collective over comm.
  StageLock(std::string const& lockPath, std::string const& stage, std::string const& commandLine,
            comm::Comm const& comm);
  /// Releases the lock (the file stays: removing it would let two runs lock two files).
  ~StageLock();
  StageLock(StageLock const&) = delete;
  StageLock& operator=(StageLock const&) = delete;

 private:
  int _fd = -1;
};

}  // namespace vocloud::pipeline
