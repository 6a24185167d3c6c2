// Random forest training time on synthetic data; run on demand, not a test.
// Usage: [mpirun -n P] vocloud_bench_forest [N D classes trees permutation localNodeSamples]
// (default 100000 200 2 100 0 and the config's default localNodeSamples)
// Data: class c = global row % classes; every feature is Gaussian noise, and the first
// min(D, 10) features are shifted by 0.5 * c * (j + 1) / 10, so a few features carry the
// signal (the same data for any rank count: row values are hashes of the global row).
// Prints fit seconds (slowest rank), the fit's CPU seconds (summed over ranks: with other
// load on the machine, a steadier measure of the work than the wall time), node count, OOB
// error and the prediction time.
#include "comm/comm.hpp"
#include "comm/shard.hpp"
#include "forest/forest_train.hpp"

#include <Kokkos_Core.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

namespace {

double cpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double gaussianOf(std::uint64_t a, std::uint64_t b) {
  auto mix = [](std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  };
  std::uint64_t const h1 = mix(mix(a) ^ b), h2 = mix(h1);
  double const u1 = (double(h1 >> 11) + 0.5) * 0x1.0p-53, u2 = double(h2 >> 11) * 0x1.0p-53;
  return std::sqrt(-2. * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace

int main(int argc, char** argv) {
  vocloud::comm::Environment mpi(argc, argv);
  Kokkos::ScopeGuard kokkos(argc, argv);
  auto const comm = vocloud::comm::Comm::world();
  long const n = argc > 1 ? std::atol(argv[1]) : 100000;
  int const d = argc > 2 ? std::atoi(argv[2]) : 200;
  int const classes = argc > 3 ? std::atoi(argv[3]) : 2;
  int const trees = argc > 4 ? std::atoi(argv[4]) : 100;
  bool const permutation = argc > 5 ? std::atoi(argv[5]) != 0 : false;
  long long const localNodeSamples = argc > 6 ? std::atoll(argv[6]) : 0;

  std::uint64_t const begin = std::uint64_t(n) * comm.rank() / comm.size();
  std::uint64_t const end = std::uint64_t(n) * (comm.rank() + 1) / comm.size();
  std::size_t const rows = end - begin;
  std::vector<float> x(rows * d);
  std::vector<int> labels(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    std::uint64_t const g = begin + i;
    labels[i] = int(g % classes);
    for (int f = 0; f < d; ++f) {
      double v = gaussianOf(g, std::uint64_t(f));
      if (f < 10) v += 0.5 * labels[i] * (f + 1) / 10.;
      x[i * d + f] = float(v);
    }
  }
  vocloud::forest::ForestConfig config;
  config.trees = trees;
  config.seed = 7;
  config.permutationImportance = permutation;
  if (localNodeSamples > 0) config.localNodeSamples = std::uint64_t(localNodeSamples);
  vocloud::forest::ForestShard shard{x.data(), rows, d, begin, labels.data(), classes, nullptr};

  comm.barrier();
  auto const t0 = std::chrono::steady_clock::now();
  double const c0 = cpuSeconds();
  auto const result = vocloud::forest::trainForest(config, comm, shard);
  double const fitCpu = comm.allreduce(cpuSeconds() - c0, vocloud::comm::Op::Sum);
  double const fit =
      comm.allreduce(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                     vocloud::comm::Op::Max);
  auto const t1 = std::chrono::steady_clock::now();
  auto const proba = vocloud::forest::predictProba(result.model, x.data(), rows);
  double const predict =
      comm.allreduce(std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count(),
                     vocloud::comm::Op::Max);
  if (comm.isRoot())
    std::printf(
        "forest N=%ld D=%d classes=%d trees=%d ranks=%d permutation=%d: fit %.2f s (CPU %.2f s), "
        "%lld nodes, OOB error %.4f, predict (own rows) %.2f s\n",
        n, d, classes, trees, comm.size(), int(permutation), fit, fitCpu,
        (long long)result.model.nodes(), result.oobError, predict);
  return 0;
}
