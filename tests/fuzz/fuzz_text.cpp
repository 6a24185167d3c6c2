// libFuzzer target: a CSV/TXT/ASC spectrum table, in memory (the text reader behind
// readSpectrum()).
#include "fuzz_support.hpp"
#include "io/layout_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const content(vocloud::fuzz::bytesOf(data, size));
  vocloud::fuzz::expectOnlyVocloudErrors([&] {
    vocloud::io::Spectrum out;
    vocloud::io::detail::readTextSpectrum("fuzz.csv", content, {}, out);
  });
  return 0;
}
