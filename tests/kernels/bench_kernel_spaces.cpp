// Kernel times on every host execution space of the Kokkos build (Serial, and OpenMP with
// OMP_NUM_THREADS threads in scripts/kernels-openmp's build): the BMU search on its host
// (SGEMM) path and on the portable Kokkos path (on a tenth of the rows: slow without a GPU),
// the fixed-point per-node accumulation of a SOM epoch, and the forest's class histograms of
// one tree level. Wall time, best of the repeats interleaved over the spaces, with the spread
// (worst / best - 1). Run on demand, not a test.
// Usage: bench_kernel_spaces [N D K [repeats]]   (default 20000 500 400 5)
#include "kernel_spaces.hpp"
#include "kernels/forest_histogram.hpp"
#include "kernels/som_accumulate.hpp"
#include "kernels/som_bmu.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace {

namespace kernels = vocloud::kernels;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
template <class T>
using HostMatrix = Kokkos::View<T**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>;
template <class T>
using HostVector = Kokkos::View<T*, Kokkos::HostSpace, Unmanaged>;

template <class F>
double seconds(F const& f) {
  auto const t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Wall seconds of each kernel in one repeat; best and worst over the repeats.
struct Times {
  static constexpr int kKernels = 4;
  double s[kKernels];
};

/// SOM-shaped inputs: n rows and k nodes of d floats, spectrum-like (continuum 1 plus noise).
struct SomInputs {
  long n, d, k;
  std::vector<float> x, w;
  std::vector<int> bmu;
  std::vector<float> dist2;
};

/// Forest-shaped inputs: one tree level of `nodes` nodes over `rows` rows, every feature.
struct ForestInputs {
  std::size_t rows = 200000, features = 64;
  int bins = 64, classes = 5, nodes = 16;
  std::vector<std::uint8_t> binned, labels;
  std::vector<int> positions;
  std::vector<std::uint32_t> weights, hist;
  std::vector<kernels::ForestHistogramTask> tasks;
};

SomInputs makeSom(long n, long d, long k) {
  SomInputs s{n,
              d,
              k,
              std::vector<float>(n * d),
              std::vector<float>(k * d),
              std::vector<int>(n),
              std::vector<float>(n)};
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.f, 0.05f);
  for (auto& v : s.x) v = 1.f + normal(rng);
  for (auto& v : s.w) v = 1.f + normal(rng);
  return s;
}

ForestInputs makeForest() {
  ForestInputs f;
  std::mt19937 rng(2);
  f.binned.resize(f.rows * f.features);
  for (auto& b : f.binned) b = std::uint8_t(rng() % f.bins);
  f.positions.resize(f.rows);
  f.labels.resize(f.rows);
  f.weights.resize(f.rows);
  for (std::size_t i = 0; i < f.rows; ++i) {
    f.positions[i] = int(i);
    f.labels[i] = std::uint8_t(rng() % f.classes);
    f.weights[i] = rng() % 3;
  }
  std::int64_t const stride = std::int64_t(f.bins) * f.classes;
  int const perNode = int(f.rows) / f.nodes;
  for (int node = 0; node < f.nodes; ++node)
    for (int feature = 0; feature < int(f.features); ++feature)
      f.tasks.push_back(
          {node * perNode, (node + 1) * perNode, feature, std::int64_t(f.tasks.size()) * stride});
  f.hist.resize(f.tasks.size() * stride);
  return f;
}

template <class Space>
Times timeSpace(SomInputs& s, ForestInputs& f) {
  Space const space;
  HostMatrix<float const> const x(s.x.data(), s.n, s.d), w(s.w.data(), s.k, s.d);
  HostVector<int> const bmu(s.bmu.data(), s.n);
  HostVector<float> const dist2(s.dist2.data(), s.n);
  Times t{};
  t.s[0] = seconds([&] { kernels::bmuSearch(space, x, w, bmu, dist2); });
  long const nSmall = s.n / 10 > 0 ? s.n / 10 : 1;
  HostMatrix<float const> const xSmall(s.x.data(), nSmall, s.d);
  t.s[1] =
      seconds([&] { kernels::bmuSearchKokkos(space, xSmall, w, bmu, dist2, bmu, dist2, false); });
  std::vector<std::int64_t> sums(s.k * s.d), counts(s.k);
  t.s[2] = seconds([&] {
    kernels::accumulateByNodeFixed(space, x, HostVector<int const>(s.bmu.data(), s.n), 1048576.,
                                   HostMatrix<std::int64_t>(sums.data(), s.k, s.d),
                                   HostVector<std::int64_t>(counts.data(), s.k));
  });
  t.s[3] = seconds([&] {
    kernels::buildClassHistograms(
        space, HostMatrix<std::uint8_t const>(f.binned.data(), f.features, f.rows),
        HostVector<int const>(f.positions.data(), f.rows),
        HostVector<std::uint8_t const>(f.labels.data(), f.rows),
        HostVector<std::uint32_t const>(f.weights.data(), f.rows),
        HostVector<kernels::ForestHistogramTask const>(f.tasks.data(), f.tasks.size()),
        HostVector<std::uint32_t>(f.hist.data(), f.hist.size()), f.bins, f.classes);
  });
  return t;
}

/// One line per space: best wall seconds of each kernel, its rate, and the spread
/// (worst / best - 1) over the repeats.
template <class Space>
void printSpace(std::vector<Times> const& runs, SomInputs const& s, ForestInputs const& f) {
  Times best = runs.front(), worst = runs.front();
  for (Times const& r : runs)
    for (int k = 0; k < Times::kKernels; ++k) {
      best.s[k] = r.s[k] < best.s[k] ? r.s[k] : best.s[k];
      worst.s[k] = r.s[k] > worst.s[k] ? r.s[k] : worst.s[k];
    }
  double const gemmFlops = 2. * double(s.n) * double(s.k) * double(s.d);
  double const rates[Times::kKernels] = {gemmFlops * 1e-9, gemmFlops * 1e-10, 0.,
                                         double(f.rows) * double(f.features) * 1e-6};
  std::printf("%-7s %7d", Space::name(), Space().concurrency());
  for (int k = 0; k < Times::kKernels; ++k) {
    std::printf(" | %8.4f s", best.s[k]);
    if (rates[k] > 0.) std::printf(" %7.2f", rates[k] / best.s[k]);
    std::printf(" %4.0f %%", (worst.s[k] / best.s[k] - 1.) * 100.);
  }
  std::printf("\n");
}

/// Repeats every kernel on every space in turn (interleaved, so that load on a shared
/// machine hits all spaces alike), then prints each space's line.
template <class... Space>
void benchSpaces(std::tuple<Space...>*, SomInputs& s, ForestInputs& f, int repeats) {
  std::vector<Times> runs[sizeof...(Space)];
  for (int r = 0; r < repeats; ++r) {
    int i = 0;
    ((runs[i++].push_back(timeSpace<Space>(s, f))), ...);
  }
  int i = 0;
  (printSpace<Space>(runs[i++], s, f), ...);
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  long const n = argc > 3 ? std::atol(argv[1]) : 20000;
  long const d = argc > 3 ? std::atol(argv[2]) : 500;
  long const k = argc > 3 ? std::atol(argv[3]) : 400;
  int const repeats = argc > 4 ? std::max(1, std::atoi(argv[4])) : 5;
  SomInputs som = makeSom(n, d, k);
  ForestInputs forest = makeForest();
  std::printf(
      "Kokkos %d, host SGEMM %s; BMU N %ld D %ld K %ld (portable path on N/10); "
      "histograms %zu rows x %zu features, %d bins, %d classes, %d nodes\n",
      KOKKOS_VERSION, kernels::hostGemmName(), n, d, k, forest.rows, forest.features, forest.bins,
      forest.classes, forest.nodes);
  std::printf(
      "space   threads | BMU host path, GFLOP/s, spread | BMU portable (N/10), GFLOP/s, "
      "spread | accumulate, spread | histograms, Mvalues/s, spread\n");
  benchSpaces(static_cast<vocloud::test::HostSpaces*>(nullptr), som, forest, repeats);
  return 0;
}
