// libFuzzer target: a FITS file (any layout) through the reader entry points that inspect,
// acquire and preprocess use: detectLayout() and readSpectrum().
#include "fuzz_support.hpp"
#include "io/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  static vocloud::fuzz::ScratchFile file("fits");
  std::string const& path = file.write(vocloud::fuzz::bytesOf(data, size));
  vocloud::fuzz::expectOnlyVocloudErrors([&] { vocloud::io::detectLayout(path); });
  vocloud::fuzz::expectOnlyVocloudErrors([&] { vocloud::io::readSpectrum(path); });
  return 0;
}
