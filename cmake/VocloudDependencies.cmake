# Finds every dependency and exposes it as an imported target.
# All come from Debian packages installed by scripts/setup.

find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(CURL REQUIRED)
find_package(EXPAT REQUIRED)  # VOTable parsing
find_package(LibArchive REQUIRED)  # unix-compress (.Z) FITS, uncompressed with a bound
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED)
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp INTERFACE IMPORTED)
  target_link_libraries(yaml-cpp::yaml-cpp INTERFACE yaml-cpp)
endif()
find_package(Boost 1.71 REQUIRED COMPONENTS unit_test_framework)

pkg_check_modules(CFITSIO REQUIRED IMPORTED_TARGET cfitsio)
# Cairo draws the PNG previews (report/preview_png.cpp).
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)

# Parallel HDF5 (Debian: libhdf5-openmpi-dev).
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "vocloud needs a parallel (MPI) HDF5: install libhdf5-openmpi-dev")
endif()
add_library(vocloud_hdf5 INTERFACE)
target_include_directories(vocloud_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
target_link_libraries(vocloud_hdf5 INTERFACE ${HDF5_C_LIBRARIES} MPI::MPI_C)
target_compile_definitions(vocloud_hdf5 INTERFACE ${HDF5_C_DEFINITIONS})

include(VocloudKokkos)

find_program(VOCLOUD_MPIEXEC NAMES mpiexec mpirun REQUIRED)
