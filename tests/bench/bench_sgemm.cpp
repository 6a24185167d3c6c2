// Single-core SGEMM rate at the SOM's shape: C (M x K) = A (M x D) B^T (B: K x D), row-major,
// with Eigen as this build compiled it and with OpenBLAS (when the build has it), whole and in
// the 256-row blocks the BMU search uses. Variants are interleaved, each repeat running every
// variant once, and the best of the repeats is kept, so machine noise hits all alike.
// Usage: vocloud_bench_sgemm [M D K [repeats]]   (default 4000 1000 900 5); prints one line
// per variant, "sgemm NAME SECONDS GFLOPS", then "peak NAME GFLOPS" (the fastest), and the
// spread (worst / best - 1) of each variant as a noise figure. The SOM's own products use
// kernels::hostSgemmNT, whichever of the two it picks for the build (named on the first line).
#include "kernels/host_gemm.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr long kBlock = 256;

struct Variant {
  std::string name;
  std::function<void()> run;
  double best = 1e300;
  double worst = 0.;
};

/// CPU time of f on this process (one thread): on a shared machine wall time also counts
/// other processes' slices.
double seconds(std::function<void()> const& f) {
  timespec t0{}, t1{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  f();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  return double(t1.tv_sec - t0.tv_sec) + 1e-9 * double(t1.tv_nsec - t0.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  long const m = argc > 3 ? std::atol(argv[1]) : 4000;
  long const d = argc > 3 ? std::atol(argv[2]) : 1000;
  long const k = argc > 3 ? std::atol(argv[3]) : 900;
  int const repeats = argc > 4 ? std::atoi(argv[4]) : 5;
  vocloud::kernels::hostGemmThreadsPerRank();
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  MatrixF a(m, d), b(k, d), c(m, k);
  for (long i = 0; i < a.size(); ++i) a.data()[i] = normal(rng);
  for (long i = 0; i < b.size(); ++i) b.data()[i] = normal(rng);
  Eigen::setNbThreads(1);

  std::vector<Variant> variants;
  variants.push_back({"eigen", [&] { c.noalias() = a * b.transpose(); }});
  variants.push_back({"eigen-256", [&] {
                        for (long r = 0; r < m; r += kBlock) {
                          long const rows = std::min(kBlock, m - r);
                          c.middleRows(r, rows).noalias() = a.middleRows(r, rows) * b.transpose();
                        }
                      }});
#if defined(VOCLOUD_HAVE_OPENBLAS)
  variants.push_back({"openblas", [&] {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(m), int(k), int(d),
                                    1.f, a.data(), int(d), b.data(), int(d), 0.f, c.data(), int(k));
                      }});
  variants.push_back({"openblas-256", [&] {
                        for (long r = 0; r < m; r += kBlock) {
                          long const rows = std::min(kBlock, m - r);
                          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(rows), int(k),
                                      int(d), 1.f, a.data() + r * d, int(d), b.data(), int(d), 0.f,
                                      c.data() + r * k, int(k));
                        }
                      }});
#endif
  for (auto& v : variants) v.run();  // warm-up: pages, thread pools, caches
  for (int rep = 0; rep < repeats; ++rep)
    for (auto& v : variants) {
      double const s = seconds(v.run);
      v.best = std::min(v.best, s);
      v.worst = std::max(v.worst, s);
    }
  double const flops = 2. * m * k * d;
  std::printf("# M %ld D %ld K %ld, best of %d interleaved; Eigen %d.%d.%d SIMD %s; host GEMM %s\n",
              m, d, k, repeats, EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
              Eigen::SimdInstructionSetsInUse(), vocloud::kernels::hostGemmName());
  Variant const* peak = &variants.front();
  for (auto const& v : variants) {
    std::printf("sgemm %-13s %8.4f s %7.1f GFLOP/s  spread %4.0f %%\n", v.name.c_str(), v.best,
                flops / v.best * 1e-9, 100. * (v.worst / v.best - 1.));
    if (v.best < peak->best) peak = &v;
  }
  std::printf("peak %s %.1f\n", peak->name.c_str(), flops / peak->best * 1e-9);
  return 0;
}
