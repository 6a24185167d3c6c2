#pragma once
// The error policy of every vocloud executable, in one place.
#include <functional>

namespace vocloud::app {

/// Runs `body` and turns exceptions into the job's fate, each message printed once:
/// - vocloud::UsageError (every rank fails alike, before any work): rank 0 prints it, the
///   function returns kExitUsage and the job ends normally;
/// - vocloud::CollectiveError (every rank fails alike, at the same point): rank 0 prints
///   "vocloud: error: ...", the function returns kExitRuntimeError, no MPI_Abort;
/// - any other exception: the failing rank prints "vocloud: error on rank R: ..." and calls
///   MPI_Abort, so no other rank waits forever in a collective. Never returns then.
int runGuarded(std::function<int()> const& body);

}  // namespace vocloud::app
