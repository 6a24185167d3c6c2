// Reading throughput: every rank reads its block of the given files (through the same
// io::readSpectrum a stage uses) `repeat` times; prints spectra/s and MB/s of the job.
// usage: mpirun -n P vocloud_bench_read REPEAT FILE... (or @LISTFILE)
#include "comm/comm.hpp"
#include "comm/shard.hpp"
#include "io/reader.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  vocloud::comm::Environment mpi(argc, argv);
  auto const comm = vocloud::comm::Comm::world();
  if (argc < 3) {
    if (comm.isRoot()) std::fprintf(stderr, "usage: vocloud_bench_read REPEAT FILE...\n");
    return 2;
  }
  int const repeat = std::stoi(argv[1]);
  // "@LIST" reads the paths from a file, one per line (long lists exceed argv limits).
  std::vector<std::string> files;
  for (int a = 2; a < argc; ++a) {
    std::string const arg = argv[a];
    if (arg.size() > 1 && arg[0] == '@') {
      std::ifstream list(arg.substr(1));
      for (std::string line; std::getline(list, line);)
        if (!line.empty()) files.push_back(line);
    } else {
      files.push_back(arg);
    }
  }
  auto const mine = vocloud::comm::blockRange(files.size(), comm.size(), comm.rank());
  double bytes = 0, points = 0;
  comm.barrier();
  auto const start = std::chrono::steady_clock::now();
  for (int r = 0; r < repeat; ++r) {
    for (auto i = mine.begin; i < mine.end; ++i) {
      auto const spectrum = vocloud::io::readSpectrum(files[i]);
      points += static_cast<double>(spectrum.flux.size());
      if (r == 0) bytes += static_cast<double>(std::filesystem::file_size(files[i]));
    }
  }
  comm.barrier();
  double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double const total = comm.allreduce(bytes, vocloud::comm::Op::Sum) * repeat;
  double const read = static_cast<double>(files.size()) * repeat;
  comm.allreduce(points, vocloud::comm::Op::Sum);
  if (comm.isRoot())
    std::printf("{\"ranks\": %d, \"spectra\": %.0f, \"seconds\": %.6f, \"spectra_per_s\": %.1f, \"mb_per_s\": %.2f}\n",
                comm.size(), read, seconds, read / seconds, total / 1e6 / seconds);
  return 0;
}
