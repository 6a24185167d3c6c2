#pragma once
// Shared by the libFuzzer targets of tests/fuzz: the input as a string or a scratch file,
// and the rule every target checks: a reader either returns or throws vocloud::Error (the
// clear message a user sees); a crash, a sanitizer report, a hang or any other exception
// is a finding.
#include "core/error.hpp"

#include <unistd.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>

namespace vocloud::fuzz {

/// The fuzzer's input as bytes.
inline std::string_view bytesOf(std::uint8_t const* data, std::size_t size) {
  return {reinterpret_cast<char const*>(data), size};
}

/// A file holding one input, for readers that take a path. One per process (libFuzzer runs
/// inputs one after another); removed when the process ends normally.
class ScratchFile {
 public:
  /// A file named fuzz-<pid>.<extension> in $TMPDIR (or /tmp).
  explicit ScratchFile(std::string const& extension) {
    char const* tmp = std::getenv("TMPDIR");
    _path = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/vocloud-fuzz-" +
            std::to_string(::getpid()) + "." + extension;
  }
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(_path, ignored);
  }
  ScratchFile(ScratchFile const&) = delete;
  ScratchFile& operator=(ScratchFile const&) = delete;

  /// Replaces the file's content with `bytes` and returns its path.
  std::string const& write(std::string_view bytes) {
    std::ofstream out(_path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      std::fprintf(stderr, "fuzz: cannot write %s\n", _path.c_str());
      std::abort();
    }
    return _path;
  }

 private:
  std::string _path;
};

/// Runs `body`; vocloud::Error is the expected answer to bad input, anything else that
/// escapes (std::out_of_range, std::bad_alloc, ...) would reach the user as "internal
/// error", so it aborts and libFuzzer records the input.
template <typename Body>
void expectOnlyVocloudErrors(Body body) {
  try {
    body();
  } catch (vocloud::Error const&) {
  } catch (std::exception const& e) {
    std::fprintf(stderr, "fuzz: %s escaped: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
}

}  // namespace vocloud::fuzz
