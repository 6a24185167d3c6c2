// The one main of every Boost.Test suite: MPI first, then Kokkos, ended in reverse order.
#include "comm/comm.hpp"

#include <Kokkos_Core.hpp>
#include <boost/test/unit_test.hpp>

bool initVocloudTests() { return true; }

int main(int argc, char** argv) {
  vocloud::comm::Environment mpi(argc, argv);
  int status = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    status = boost::unit_test::unit_test_main(&initVocloudTests, argc, argv);
  }
  return status;
}
