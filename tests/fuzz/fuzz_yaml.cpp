// libFuzzer target: an experiment file, parsed and validated against the experiment schema
// (loadConfigText(), what every command does with its YAML).
#include "config/config.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const text(vocloud::fuzz::bytesOf(data, size));
  vocloud::fuzz::expectOnlyVocloudErrors(
      [&] { vocloud::config::loadConfigText(text, "fuzz.yaml"); });
  return 0;
}
