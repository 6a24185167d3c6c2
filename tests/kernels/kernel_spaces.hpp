#pragma once
// The host execution spaces of the Kokkos build, as a std::tuple of types: what the kernel
// tests are templated over (BOOST_AUTO_TEST_CASE_TEMPLATE takes a tuple) and what the kernel
// benchmark times. Serial in Debian's Kokkos; Serial and OpenMP in scripts/kernels-openmp's.
#include <Kokkos_Core.hpp>

#include <tuple>

namespace vocloud::test {

template <class... A, class... B>
std::tuple<A..., B...> concatSpaces(std::tuple<A...>, std::tuple<B...>);

#if defined(KOKKOS_ENABLE_SERIAL)
using SerialSpaces = std::tuple<Kokkos::Serial>;
#else
using SerialSpaces = std::tuple<>;
#endif
#if defined(KOKKOS_ENABLE_OPENMP)
using OpenMPSpaces = std::tuple<Kokkos::OpenMP>;
#else
using OpenMPSpaces = std::tuple<>;
#endif
#if defined(KOKKOS_ENABLE_THREADS)
using ThreadsSpaces = std::tuple<Kokkos::Threads>;
#else
using ThreadsSpaces = std::tuple<>;
#endif

/// Every host execution space this Kokkos build has.
using HostSpaces =
    decltype(concatSpaces(concatSpaces(SerialSpaces{}, OpenMPSpaces{}), ThreadsSpaces{}));

}  // namespace vocloud::test
