// libFuzzer target: gzip data, inflated in memory (inflateGzip) and read as a spectrum file
// whose content is gzip-compressed FITS, VOTable or text (readSpectrum()).
#include "fuzz_support.hpp"
#include "io/fits_memory.hpp"
#include "io/reader.hpp"
#include "io/spectrum.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  static vocloud::fuzz::ScratchFile file("gz");
  std::string_view const bytes = vocloud::fuzz::bytesOf(data, size);
  // The same cap the readers use: never more than the limit + 1 bytes held.
  std::uint64_t const limit = vocloud::io::inflateLimit(vocloud::io::ReadOptions{}, bytes.size());
  vocloud::fuzz::expectOnlyVocloudErrors(
      [&] { vocloud::io::detail::inflateGzip(bytes, limit); });
  std::string const& path = file.write(bytes);
  vocloud::fuzz::expectOnlyVocloudErrors([&] { vocloud::io::readSpectrum(path); });
  return 0;
}
