// The main of the MPI-free kernel build (tests/kernels/CMakeLists.txt run standalone): Kokkos
// only, no MPI, then Boost.Test. Prints the backends so that a log says what was exercised.
#include <Kokkos_Core.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>

bool initVocloudKernelTests() {
  return true;
}

int main(int argc, char** argv) {
  int status = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    std::printf("kernel tests: default host space %s, concurrency %d\n",
                Kokkos::DefaultHostExecutionSpace::name(),
                Kokkos::DefaultHostExecutionSpace().concurrency());
    status = boost::unit_test::unit_test_main(&initVocloudKernelTests, argc, argv);
  }
  return status;
}
