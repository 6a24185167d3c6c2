// One process's share of SOM work against the best single-core SGEMM of the same shape, in
// the same process: a batch epoch (BMUs with second BMUs, fixed-point node sums, the update)
// and the final evaluation's heavy parts (BMUs, manifold residuals, density model and
// factors), each at 2 N K D flops of the BMU product. Variants are interleaved and the best
// of the repeats is kept, so machine noise hits all alike; the spread (worst / best - 1) is
// printed as the noise figure. Times are the process's CPU time (one thread), so other
// processes on a shared machine count only through caches and clocks, not their time slices. Run on
// demand, not a test. Usage: vocloud_bench_som_epoch [N D SIDE [repeats [only]]]   (default 20000
// 1000 30 3; only: comma-separated name prefixes of the variants to time, e.g. epoch,eval) Data:
// spectrum-like rows (continuum 1, one of 30 absorption-line templates of random depth, noise
// 0.02); the map is trained for 3 epochs first, as the evaluation sees a trained map.
#include "kernels/host_gemm.hpp"
#include "som/batch_som.hpp"
#include "som/som_density.hpp"
#include "som/som_outliers.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

#if defined(VOCLOUD_HAVE_OPENBLAS)
#include <cblas.h>
#endif

namespace {

using namespace vocloud;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Variant {
  std::string name;
  std::function<void()> run;
  double best = 1e300;
  double worst = 0.;
};

/// CPU time of the process: on a shared machine wall time also counts other processes' slices.
double cpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

std::vector<float> spectrumLikeRows(long n, long d) {
  int const templates = 30;
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::uniform_real_distribution<float> depth(0.2f, 0.8f);
  std::vector<float> x(n * d);
  for (long i = 0; i < n; ++i) {
    int const t = static_cast<int>(i % templates);
    double const centre = (t + 0.5) * d / templates, width = 3. + t % 5;
    float const a = depth(rng);
    for (long j = 0; j < d; ++j)
      x[i * d + j] = 1.f -
                     a * static_cast<float>(std::exp(-0.5 * std::pow((j - centre) / width, 2))) +
                     0.02f * normal(rng);
  }
  return x;
}

/// The SGEMM variants at the BMU shape (4000-row slices of x against the codebook).
void addSgemm(std::vector<Variant>& variants, std::vector<float> const& x, som::Codebook const& map,
              MatrixF& c, long m) {
  long const d = static_cast<long>(map.dims), k = map.nodes();
  Eigen::Map<MatrixF const> const a(x.data(), m, d), b(map.weights.data(), k, d);
  variants.push_back({"sgemm eigen", [&c, a, b] { c.noalias() = a * b.transpose(); }});
#if defined(VOCLOUD_HAVE_OPENBLAS)
  variants.push_back({"sgemm openblas", [&c, &x, &map, m, d, k] {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(m), int(k), int(d),
                                    1.f, x.data(), int(d), map.weights.data(), int(d), 0.f,
                                    c.data(), int(k));
                      }});
#endif
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  long const n = argc > 3 ? std::atol(argv[1]) : 20000;
  long const d = argc > 3 ? std::atol(argv[2]) : 1000;
  int const side = argc > 3 ? std::atoi(argv[3]) : 30;
  int const repeats = argc > 4 ? std::atoi(argv[4]) : 3;
  kernels::hostGemmThreadsPerRank();
  Eigen::setNbThreads(1);
  std::vector<float> const x = spectrumLikeRows(n, d);
  som::SomConfig config;
  config.grid = som::SomGrid{side, side, false, false};
  config.epochs = 3;
  som::Codebook map = som::trainSerial(config, x.data(), std::min(n, 20000L), d);
  long const k = map.nodes();
  int const exponent = som::fixedPointExponent(som::localMaxAbs(x.data(), n, d), double(n));
  long const m = std::min(n, 4000L);
  MatrixF c(m, k);

  std::vector<Variant> variants;
  addSgemm(variants, x, map, c, m);
  som::Codebook work = map;
  variants.push_back(
      {"epoch", [&] {
         work = map;
         som::applyEpoch(
             work,
             som::partialFromExact(som::localEpochExact(work, x.data(), n, d, exponent), exponent),
             config, 2);
       }});
  std::vector<int> bmu(n), second(n);
  std::vector<float> dist2(n), secondDist2(n);
  variants.push_back({"eval bmus", [&] {
                        som::findBmus(map, x.data(), n, d, bmu.data(), dist2.data(), second.data(),
                                      secondDist2.data());
                      }});
  variants.push_back(
      {"eval residuals", [&] { som::manifoldResiduals(map, x.data(), n, bmu, 19); }});
  variants.push_back({"eval density", [&] {
                        som::OutlierReport const report = som::outliersSerial(int(k), bmu, dist2);
                        som::DensityModel const model =
                            som::densityModel(map, report.hits, report.nodeMedian, 0.01 * n);
                        som::densityFactors(map, model, x.data(), n);
                      }});
  variants[2].run();
  variants[3].run();  // BMUs for the residual and density variants
  if (argc > 5) {     // only the SGEMM peak and the variants named (prefixes, comma-separated)
    std::string const only = std::string(",") + argv[5] + ",";
    variants.erase(std::remove_if(variants.begin(), variants.end(),
                                  [&](Variant const& v) {
                                    if (v.name.rfind("sgemm", 0) == 0) return false;
                                    for (std::size_t a = 1, b;
                                         (b = only.find(',', a)) != std::string::npos; a = b + 1)
                                      if (b > a && v.name.rfind(only.substr(a, b - a), 0) == 0)
                                        return false;
                                    return true;
                                  }),
                   variants.end());
  }
  for (int rep = 0; rep < repeats; ++rep)
    for (auto& v : variants) {
      double const t0 = cpuSeconds();
      v.run();
      double const s = cpuSeconds() - t0;
      v.best = std::min(v.best, s);
      v.worst = std::max(v.worst, s);
    }
  double peak = 0.;
  for (auto const& v : variants)
    if (v.name.rfind("sgemm", 0) == 0) peak = std::max(peak, 2. * m * k * d / v.best * 1e-9);
  double const flops = 2. * n * k * d;
  std::printf("# N %ld D %ld K %ld (%dx%d), best of %d interleaved, host GEMM %s\n", n, d, k, side,
              side, repeats, kernels::hostGemmName());
  double epoch = 0., evaluation = 0.;
  for (auto const& v : variants) {
    bool const sgemm = v.name.rfind("sgemm", 0) == 0;
    double const gflops = (sgemm ? 2. * m * k * d : flops) / v.best * 1e-9;
    if (v.name == "epoch") epoch = v.best;
    if (v.name.rfind("eval", 0) == 0) evaluation += v.best;
    std::printf("%-16s %8.3f s %7.1f GFLOP/s (2NKD) %5.0f %% of peak  spread %3.0f %%\n",
                v.name.c_str(), v.best, gflops, 100. * gflops / peak,
                100. * (v.worst / v.best - 1.));
  }
  std::printf("peak %.1f GFLOP/s; epoch %.1f %% of peak; evaluation %.3f s = %.2f epochs\n", peak,
              100. * flops / epoch * 1e-9 / peak, evaluation, evaluation / epoch);
  return 0;
}
