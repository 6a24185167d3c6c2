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

// How long ranks that fail together may take to reach the agreement. They throw at the
// same point of the program (config checks, a collective failure), so a few seconds is
// ample; a rank that failed alone waits this long before it ends the job itself.
constexpr double kAgreeSeconds = 10.;

// An error every rank is expected to throw at once (a config error, a failure all ranks
// learned of): rank 0 prints it once and every rank returns `code`, so the job ends without
// Open MPI's abort banner. A rank whose peers never arrive (it failed alone while they wait
// in a collective) prints and aborts instead, so that no rank waits forever.
int reportTogether(char const* prefix, char const* what, int code) {
  if (!comm::everyRankArrivesWithin(kAgreeSeconds)) reportAndAbort("error", what, code);
  if (comm::worldRank() == 0) std::fprintf(stderr, "vocloud: %s%s\n", prefix, what);
  return code;
}

}  // namespace

int runGuarded(std::function<int()> const& body) {
  try {
    return body();
  } catch (UsageError const& e) {
    return reportTogether("", e.what(), kExitUsage);
  } catch (CollectiveError const& e) {
    return reportTogether("error: ", e.what(), kExitRuntimeError);
  } catch (Error const& e) {
    reportAndAbort("error", e.what(), kExitRuntimeError);
  } catch (std::exception const& e) {
    reportAndAbort("internal error", e.what(), kExitInternal);
  }
}

}  // namespace vocloud::app
