#include "app/guard.hpp"

#include "app/cli.hpp"
#include "comm/comm.hpp"
#include "core/error.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

namespace vocloud::app {

namespace {

// Prints one rank's failure and ends the job. A rank other than 0 waits a moment first:
// when rank 0 fails too (usually with the same message), its abort ends this process
// before it prints, so the message appears once. After printing, a short pause lets the
// line reach mpirun before Open MPI's MPI_ABORT banner, which then follows it instead of
// burying it. Neither pause can hang: MPI_Abort ends every process.
[[noreturn]] void reportAndAbort(char const* kind, char const* what, int code) {
  int const rank = comm::worldRank();
  if (rank != 0) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::fprintf(stderr, "vocloud: %s on rank %d: %s\n", kind, rank, what);
  std::fflush(stderr);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  comm::abortWorld(code);
}

}  // namespace

int runGuarded(std::function<int()> const& body) {
  try {
    return body();
  } catch (UsageError const& e) {
    if (comm::worldRank() == 0) std::fprintf(stderr, "vocloud: %s\n", e.what());
    return kExitUsage;
  } catch (CollectiveError const& e) {
    if (comm::worldRank() == 0) std::fprintf(stderr, "vocloud: error: %s\n", e.what());
    return kExitRuntimeError;
  } catch (Error const& e) {
    reportAndAbort("error", e.what(), kExitRuntimeError);
  } catch (std::exception const& e) {
    reportAndAbort("internal error", e.what(), kExitInternal);
  }
}

}  // namespace vocloud::app
