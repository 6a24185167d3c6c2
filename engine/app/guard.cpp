#include "app/guard.hpp"

#include "app/cli.hpp"
#include "comm/comm.hpp"
#include "core/error.hpp"

#include <cstdio>
#include <exception>

namespace vocloud::app {

int runGuarded(std::function<int()> const& body) {
  try {
    return body();
  } catch (UsageError const& e) {
    if (comm::worldRank() == 0) std::fprintf(stderr, "vocloud: %s\n", e.what());
    return kExitUsage;
  } catch (Error const& e) {
    std::fprintf(stderr, "vocloud: error on rank %d: %s\n", comm::worldRank(), e.what());
    std::fflush(stderr);
    comm::abortWorld(kExitRuntimeError);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "vocloud: internal error on rank %d: %s\n", comm::worldRank(), e.what());
    std::fflush(stderr);
    comm::abortWorld(kExitInternal);
  }
}

}  // namespace vocloud::app
