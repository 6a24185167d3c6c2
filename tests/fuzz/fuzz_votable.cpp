// libFuzzer target: a VOTable document, parsed (parseVoTable(), as for SSAP responses and
// VOTable lists) and read as a spectrum (voTableSpectrum()).
#include "fuzz_support.hpp"
#include "io/votable.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const xml(vocloud::fuzz::bytesOf(data, size));
  vocloud::io::looksLikeVoTable(xml);
  vocloud::fuzz::expectOnlyVocloudErrors([&] { vocloud::io::parseVoTable(xml, "fuzz.vot"); });
  vocloud::fuzz::expectOnlyVocloudErrors([&] { vocloud::io::voTableSpectrum("fuzz.vot", xml); });
  return 0;
}
