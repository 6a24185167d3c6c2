# Instruction set and BLAS of the build.
#
# VOCLOUD_ARCH
#   native    (default) -march=native: the compiler targets the CPU it runs on (AVX2, FMA,
#             AVX-512 where present). A binary built so may not start on an older CPU.
#   portable  the compiler's default target (x86-64 on Debian: SSE2 only); runs on any
#             x86-64 machine. The GEMM-shaped hot paths lose little, since OpenBLAS picks its
#             kernels for the CPU at run time.
#   A cluster whose login nodes differ from its compute nodes builds `native` on a compute
#   node (an interactive job), or `portable` anywhere (preset release-portable).
#
# VOCLOUD_ENABLE_OPENBLAS (ON by default)
#   Links OpenBLAS (Debian: libopenblas-dev) for the SOM's products (BMU search, density
#   filter, nearest nodes). OpenBLAS runs one thread per rank unless OPENBLAS_NUM_THREADS is
#   set. OFF: Eigen only.
# VOCLOUD_HOST_GEMM (auto by default)
#   Which SGEMM those products use: auto picks the faster for the instruction set (Eigen when
#   built for AVX-512, OpenBLAS otherwise: kernels/host_gemm.hpp), eigen or openblas force it.

set(VOCLOUD_ARCH native CACHE STRING "Instruction set: native (-march=native) or portable (x86-64)")
set_property(CACHE VOCLOUD_ARCH PROPERTY STRINGS native portable)
if(VOCLOUD_ARCH STREQUAL "native")
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-march=native VOCLOUD_HAS_MARCH_NATIVE)
  if(NOT VOCLOUD_HAS_MARCH_NATIVE)
    message(FATAL_ERROR "VOCLOUD_ARCH=native: ${CMAKE_CXX_COMPILER} does not take -march=native; use -DVOCLOUD_ARCH=portable")
  endif()
  # No FMA contraction of a * b + c: GCC contracts by default once the target has FMA, and
  # then two code paths that promise the same bits (the forest's split scans, the BMU
  # search and its reference) round differently. Vector kernels that use FMA on purpose
  # (Eigen's, OpenBLAS') call it explicitly and keep it.
  add_compile_options(-march=native -ffp-contract=off)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12.2 miscompiles AVX-512 code here: the vectorised count in
    # forest/eval/group_folds.cpp checkGroupCount gives a wrong answer with -march=native on
    # an AVX-512 CPU (right with -mno-avx512f, -fno-tree-vectorize or plain x86-64), and
    # test_forest_eval catches it. Native builds with GCC 12 therefore stop at AVX2 + FMA.
    add_compile_options(-mno-avx512f)
  endif()
  # GCC 12 then warns -Wmaybe-uninitialized in its own AVX-512 intrinsic headers
  # (`__m512 __Y = __Y;` placeholders) wherever Eigen's products are inlined: harmless.
elseif(NOT VOCLOUD_ARCH STREQUAL "portable")
  message(FATAL_ERROR "VOCLOUD_ARCH must be native or portable, got '${VOCLOUD_ARCH}'")
endif()

option(VOCLOUD_ENABLE_OPENBLAS "GEMM-shaped hot paths on OpenBLAS (run-time CPU dispatch); OFF: Eigen" ON)
add_library(vocloud_blas INTERFACE)
if(VOCLOUD_ENABLE_OPENBLAS)
  find_package(OpenBLAS CONFIG QUIET)
  find_path(VOCLOUD_CBLAS_INCLUDE_DIR cblas.h HINTS ${OpenBLAS_INCLUDE_DIRS}
            PATH_SUFFIXES openblas openblas-pthread x86_64-linux-gnu/openblas-pthread)
  find_library(VOCLOUD_OPENBLAS_LIBRARY NAMES openblas HINTS ${OpenBLAS_LIBRARIES}
               PATH_SUFFIXES openblas-pthread x86_64-linux-gnu/openblas-pthread)
  if(NOT VOCLOUD_CBLAS_INCLUDE_DIR OR NOT VOCLOUD_OPENBLAS_LIBRARY)
    message(FATAL_ERROR "OpenBLAS not found: install libopenblas-dev (scripts/setup) or configure with -DVOCLOUD_ENABLE_OPENBLAS=OFF")
  endif()
  target_include_directories(vocloud_blas SYSTEM INTERFACE ${VOCLOUD_CBLAS_INCLUDE_DIR})
  target_link_libraries(vocloud_blas INTERFACE ${VOCLOUD_OPENBLAS_LIBRARY})
  target_compile_definitions(vocloud_blas INTERFACE VOCLOUD_HAVE_OPENBLAS=1)
endif()
set(VOCLOUD_HOST_GEMM auto CACHE STRING "SGEMM of the host products: auto, eigen or openblas")
set_property(CACHE VOCLOUD_HOST_GEMM PROPERTY STRINGS auto eigen openblas)
if(VOCLOUD_HOST_GEMM STREQUAL "eigen")
  target_compile_definitions(vocloud_blas INTERFACE VOCLOUD_HOST_GEMM_EIGEN=1)
elseif(VOCLOUD_HOST_GEMM STREQUAL "openblas")
  if(NOT VOCLOUD_ENABLE_OPENBLAS)
    message(FATAL_ERROR "VOCLOUD_HOST_GEMM=openblas needs VOCLOUD_ENABLE_OPENBLAS=ON")
  endif()
  target_compile_definitions(vocloud_blas INTERFACE VOCLOUD_HOST_GEMM_OPENBLAS=1)
elseif(NOT VOCLOUD_HOST_GEMM STREQUAL "auto")
  message(FATAL_ERROR "VOCLOUD_HOST_GEMM must be auto, eigen or openblas, got '${VOCLOUD_HOST_GEMM}'")
endif()
message(STATUS "vocloud: VOCLOUD_ARCH=${VOCLOUD_ARCH}, OpenBLAS ${VOCLOUD_ENABLE_OPENBLAS} ${VOCLOUD_OPENBLAS_LIBRARY}")
