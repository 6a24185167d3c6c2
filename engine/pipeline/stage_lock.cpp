#include "pipeline/stage_lock.hpp"

#include "core/error.hpp"
#include "pipeline/manifest.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace vocloud::pipeline {

namespace {

// What the holder wrote into the lock file ("" when it could not be read).
std::string holderOf(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  off_t offset = 0;
  while (text.size() < 65536 && (n = pread(fd, buffer, sizeof buffer, offset)) > 0) {
    text.append(buffer, static_cast<std::size_t>(n));
    offset += n;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

// Rank 0: takes the lock, waiting for a holder in a conflicting mode (whom `onWait` is told
// of first); returns -1 and the reason in `failure` when the lock cannot be taken at all.
int lockOnRoot(std::string const& lockPath, std::string const& stage,
               std::string const& commandLine, StageLock::Mode mode,
               StageLock::WaitNotice const& onWait, std::string& failure) {
  bool const exclusive = mode == StageLock::Mode::Exclusive;
  int const fd = open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    failure = "pipeline: cannot open the lock file '" + lockPath + "': " + std::strerror(errno);
    return -1;
  }
  int const how = exclusive ? LOCK_EX : LOCK_SH;
  if (flock(fd, how | LOCK_NB) != 0) {
    int result = -1, error = errno;
    if (error == EWOULDBLOCK) {
      std::string const holder = holderOf(fd);
      if (onWait)
        onWait("stage '" + stage + "' is being " + (exclusive ? "computed or read" : "computed") +
               " by another run (" + (holder.empty() ? std::string("holder unknown") : holder) +
               "; lock " + lockPath + "): waiting for it");
      while ((result = flock(fd, how)) != 0 && errno == EINTR) {
      }
      error = errno;
    }
    if (result != 0) {
      close(fd);
      failure = "pipeline: cannot lock '" + lockPath + "': " + std::strerror(error);
      return -1;
    }
  }
  if (!exclusive) return fd;
  std::string const who =
      "pid " + std::to_string(getpid()) + " on " + hostName() + ", command: " + commandLine + "\n";
  // Who holds it, for the message of a waiting run; the lock works without it.
  if (ftruncate(fd, 0) != 0 || pwrite(fd, who.data(), who.size(), 0) < 0) {
    // Not fatal: the lock itself is held.
  }
  return fd;
}

}  // namespace

StageLock::StageLock(std::string const& lockPath, std::string const& stage,
                     std::string const& commandLine, comm::Comm const& comm, Mode mode,
                     WaitNotice const& onWait)
    : _mode(mode) {
  std::string failure;
  if (comm.isRoot()) _fd = lockOnRoot(lockPath, stage, commandLine, mode, onWait, failure);
  failure = comm.bcast(failure, 0);
  if (!failure.empty()) throw CollectiveError(failure);
}

StageLock::~StageLock() {
  if (_fd < 0) return;
  if (_mode == Mode::Exclusive && ftruncate(_fd, 0) != 0) {
    // The next holder rewrites it anyway.
  }
  close(_fd);  // releases the flock
}

}  // namespace vocloud::pipeline
