// Test program for the error path: the last rank throws vocloud::Error while every other
// rank waits in an allreduce that can never complete. runGuarded must end the whole job
// quickly with that rank's message and a non-zero exit code.
#include "app/guard.hpp"
#include "comm/comm.hpp"
#include "core/error.hpp"

#include <chrono>
#include <thread>

int main(int argc, char** argv) {
  vocloud::comm::Environment mpi(argc, argv);
  return vocloud::app::runGuarded([] {
    auto const comm = vocloud::comm::Comm::world();
    if (comm.rank() == comm.size() - 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      throw vocloud::Error("fits: cannot read 'broken.fits': not a FITS file");
    }
    comm.allreduce<int>(1, vocloud::comm::Op::Sum);  // waits for the failing rank forever
    return 0;
  });
}
