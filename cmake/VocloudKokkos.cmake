# Finds Kokkos and exposes it as vocloud_kokkos; shared by the main build and the MPI-free
# kernel build (tests/kernels/CMakeLists.txt).
# Kokkos: a user's own build (Kokkos_ROOT pointing at an OpenMP or CUDA Kokkos) exports a
# working Kokkos::kokkos. Debian's libtrilinos-kokkos-dev (Kokkos 3.4, Serial) exports one
# whose include directory is a missing /usr/lib/include: we point it at /usr/include/trilinos.
find_package(Kokkos REQUIRED)
if(NOT TARGET Kokkos::kokkos)
  message(FATAL_ERROR "Kokkos found at ${Kokkos_DIR} but it exports no Kokkos::kokkos target")
endif()
get_target_property(_kokkos_inc Kokkos::kokkos INTERFACE_INCLUDE_DIRECTORIES)
set(_kokkos_found_header OFF)
foreach(_dir IN LISTS _kokkos_inc)
  if(EXISTS "${_dir}/Kokkos_Core.hpp")
    set(_kokkos_found_header ON)
  endif()
endforeach()
if(NOT _kokkos_found_header)
  if(NOT EXISTS /usr/include/trilinos/Kokkos_Core.hpp)
    message(FATAL_ERROR "Kokkos_Core.hpp is neither in ${_kokkos_inc} nor in /usr/include/trilinos")
  endif()
  set_target_properties(Kokkos::kokkos PROPERTIES INTERFACE_INCLUDE_DIRECTORIES /usr/include/trilinos)
  set(_kokkos_inc /usr/include/trilinos)
endif()
add_library(vocloud_kokkos INTERFACE)
target_link_libraries(vocloud_kokkos INTERFACE Kokkos::kokkos)
message(STATUS "vocloud: Kokkos ${Kokkos_VERSION} (${Kokkos_DEVICES}) from ${Kokkos_DIR}, headers in ${_kokkos_inc}")
