// BMU kernel throughput on host against Eigen's single-core SGEMM of the same shapes.
// Usage: vocloud_bench_som_bmu [N D K]   (default 20000 1000 900); run on demand, not a test.
// Counts 2 N K D flops for every variant. Two data sets: independent Gaussian rows and nodes,
// and spectrum-like rows (continuum 1 plus one of 30 line templates plus noise 0.02) against
// a "trained" codebook (rows plus small noise), where many nodes are near each row and the
// exact refinement has the most candidates.
#include "kernels/som_bmu.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
using MatrixView = Kokkos::View<float const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class F>
double bestSeconds(F const& f, int repeats) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    auto const t0 = std::chrono::steady_clock::now();
    f();
    double const s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best) best = s;
  }
  return best;
}

void run(char const* name, std::vector<float> const& x, std::vector<float> const& w, long n, long d,
         long k, int repeats) {
  double const flops = 2. * n * k * d;
  std::vector<int> bmu(n);
  std::vector<float> dist2(n);
  MatrixView const xv(x.data(), n, d), wv(w.data(), k, d);
  Kokkos::View<int*, Kokkos::HostSpace, Unmanaged> const bv(bmu.data(), n);
  Kokkos::View<float*, Kokkos::HostSpace, Unmanaged> const dv(dist2.data(), n);
  double const tKernel =
      bestSeconds([&] { vocloud::kernels::bmuSearch(Space(), xv, wv, bv, dv); }, repeats);

  Eigen::Map<MatrixF const> const xm(x.data(), n, d), wm(w.data(), k, d);
  MatrixF s(n, k);
  double const tGemm = bestSeconds([&] { s.noalias() = xm * wm.transpose(); }, repeats);
  MatrixF sb(256, k);
  double const tBlocked = bestSeconds(
      [&] {
        for (long first = 0; first < n; first += 256) {
          long const rows = std::min(256L, n - first);
          sb.topRows(rows).noalias() = xm.middleRows(first, rows) * wm.transpose();
        }
      },
      repeats);
  // The portable Kokkos kernels on the host space, on a tenth of the rows (slow on Serial).
  long const nSmall = std::max(1L, n / 10);
  MatrixView const xs(x.data(), nSmall, d);
  double const tPortable = bestSeconds(
      [&] { vocloud::kernels::bmuSearchKokkos(Space(), xs, wv, bv, dv, bv, dv, false); }, 1);
  std::printf(
      "%-16s kernel (host path, %s SGEMM) %7.3f s %6.1f GFLOP/s | Eigen SGEMM whole %7.3f s %6.1f "
      "GFLOP/s"
      " | SGEMM 256-row blocks %7.3f s %6.1f GFLOP/s | portable Kokkos kernel %6.2f GFLOP/s\n",
      name, vocloud::kernels::hostGemmName(), tKernel, flops / tKernel * 1e-9, tGemm,
      flops / tGemm * 1e-9, tBlocked, flops / tBlocked * 1e-9,
      2. * nSmall * k * d / tPortable * 1e-9);
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  long const n = argc > 3 ? std::atol(argv[1]) : 20000;
  long const d = argc > 3 ? std::atol(argv[2]) : 1000;
  long const k = argc > 3 ? std::atol(argv[3]) : 900;
  std::printf("N %ld D %ld K %ld, Eigen %d.%d.%d, SIMD %s, %d Eigen thread(s)\n", n, d, k,
              EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
              Eigen::SimdInstructionSetsInUse(), Eigen::nbThreads());
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.f, 1.f);
  {
    std::vector<float> x(n * d), w(k * d);
    for (auto& v : x) v = normal(rng);
    for (auto& v : w) v = normal(rng);
    run("gaussian", x, w, n, d, k, 3);
  }
  {
    int const templates = 30;
    std::vector<float> shape(templates * d);
    for (int t = 0; t < templates; ++t)
      for (long j = 0; j < d; ++j) {
        double const centre = (t + 0.5) * d / templates, width = 3. + t % 5;
        shape[t * d + j] =
            static_cast<float>(-0.5 * std::exp(-0.5 * std::pow((j - centre) / width, 2)));
      }
    std::vector<float> x(n * d), w(k * d);
    for (long i = 0; i < n; ++i)
      for (long j = 0; j < d; ++j)
        x[i * d + j] = 1.f + shape[(i % templates) * d + j] + 0.02f * normal(rng);
    for (long m = 0; m < k; ++m)
      for (long j = 0; j < d; ++j)
        w[m * d + j] = x[((m * 7919) % n) * d + j] + 0.005f * normal(rng);
    run("spectrum-like", x, w, n, d, k, 3);
  }
  return 0;
}
