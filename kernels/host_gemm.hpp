#pragma once
// Single-precision products C = A B^T of row-major host matrices, on whichever SGEMM is the
// faster for the build's instruction set (measured at the SOM's shape, 4000 x 1000 times
// 1000 x 900 on one core, tests/bench/bench_sgemm.cpp; docs/development.md):
//   - built for AVX-512 (VOCLOUD_ARCH=native on such a CPU, compilers other than GCC 12):
//     Eigen, whose AVX-512 kernels beat Debian's OpenBLAS 0.3.21 (AVX2 kernels on that CPU) by
//     20-35 % in the same run;
//   - otherwise OpenBLAS' cblas_sgemm when the build has it (VOCLOUD_HAVE_OPENBLAS: kernels
//     picked for the CPU at run time; 2-3x Eigen built for plain x86-64, and at least
//     Eigen's rate built for AVX2), else Eigen.
// VOCLOUD_HOST_GEMM (CMake: auto, eigen, openblas) overrides the choice.
//
// Callers use the product only through error bounds that hold for any summation order
// (kernels/som_bmu.hpp), so results do not depend on which library computed it.
//
// MPI-free, no parallel region: callers run it inside their own host blocks.
#include <Eigen/Core>

#include <cstdlib>

#if defined(VOCLOUD_HAVE_OPENBLAS)
#include <cblas.h>
#endif

#if defined(VOCLOUD_HAVE_OPENBLAS) && !defined(VOCLOUD_HOST_GEMM_EIGEN) && \
    (defined(VOCLOUD_HOST_GEMM_OPENBLAS) || !defined(__AVX512F__))
#define VOCLOUD_HOST_SGEMM_IS_OPENBLAS 1
#endif

namespace vocloud::kernels {

/// Ranks own the cores: OpenBLAS runs one thread per rank unless the user set
/// OPENBLAS_NUM_THREADS. Call from the host thread before a parallel loop of hostSgemmNT
/// calls (no effect without OpenBLAS).
inline void hostGemmThreadsPerRank() {
#if defined(VOCLOUD_HAVE_OPENBLAS)
  if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr && openblas_get_num_threads() != 1)
    openblas_set_num_threads(1);
#endif
}

/// Name of the SGEMM the host products use ("OpenBLAS" or "Eigen"), for logs and benchmarks.
inline char const* hostGemmName() {
#if defined(VOCLOUD_HOST_SGEMM_IS_OPENBLAS)
  return "OpenBLAS";
#else
  return "Eigen";
#endif
}

/// c (rows x cols, row stride ldc) = a (rows x depth, row stride lda) times the transpose of
/// b (cols x depth, row stride ldb); all row-major floats on the host.
inline void hostSgemmNT(int rows, int cols, int depth, float const* a, int lda, float const* b,
                        int ldb, float* c, int ldc) {
  if (rows == 0 || cols == 0) return;
#if defined(VOCLOUD_HOST_SGEMM_IS_OPENBLAS)
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, depth, 1.0f, a, lda, b, ldb,
              0.0f, c, ldc);
#else
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<Matrix const, 0, Stride> const am(a, rows, depth, Stride(lda));
  Eigen::Map<Matrix const, 0, Stride> const bm(b, cols, depth, Stride(ldb));
  Eigen::Map<Matrix, 0, Stride> cm(c, rows, cols, Stride(ldc));
  cm.noalias() = am * bm.transpose();
#endif
}

}  // namespace vocloud::kernels
