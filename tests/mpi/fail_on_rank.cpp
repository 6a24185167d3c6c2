// Test program for the error path: the last rank throws while every other rank waits in an
// allreduce that can never complete. runGuarded must end the whole job quickly with that
// rank's message and a non-zero exit code. With the argument `usage` the error is a
// vocloud::UsageError (normally thrown by every rank at once: a lone one must not hang the
// job either); otherwise a vocloud::Error.
#include "app/guard.hpp"
#include "comm/comm.hpp"
#include "core/error.hpp"

#include <chrono>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  vocloud::comm::Environment mpi(argc, argv);
  bool const usage = argc > 1 && std::string(argv[1]) == "usage";
  return vocloud::app::runGuarded([usage] {
    auto const comm = vocloud::comm::Comm::world();
    if (comm.rank() == comm.size() - 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (usage) throw vocloud::UsageError("config: e.yaml:3:5: som.rows: only this rank saw it");
      throw vocloud::Error("fits: cannot read 'broken.fits': not a FITS file");
    }
    comm.allreduce<int>(1, vocloud::comm::Op::Sum);  // waits for the failing rank forever
    return 0;
  });
}
