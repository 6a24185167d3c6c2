// Times the input fingerprints of the pipeline on a base of knowledge: the listing of its
// files/ directory as an acquire local source sees it, and the catalog plus every file it
// names (stat and content modes). Prints one JSON object.
//   vocloud_bench_fingerprint BOK_DIR
#include "core/error.hpp"
#include "pipeline/input_fingerprint.hpp"

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

namespace {

double secondsOf(std::function<void()> const& work) {
  auto const start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: vocloud_bench_fingerprint BOK_DIR\n");
    return 2;
  }
  using namespace vocloud;
  std::string const bok = argv[1];
  try {
    acquire::Source source;
    source.path = bok + "/files";
    double const listing = secondsOf([&] { pipeline::localSourceFingerprint(source); });
    double const stat =
        secondsOf([&] { pipeline::bokFingerprint(bok, pipeline::InputCheck::Stat); });
    double const content =
        secondsOf([&] { pipeline::bokFingerprint(bok, pipeline::InputCheck::Content); });
    std::printf("{\"acquire_listing_s\": %.3f, \"bok_stat_s\": %.3f, \"bok_content_s\": %.3f}\n",
                listing, stat, content);
  } catch (Error const& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
