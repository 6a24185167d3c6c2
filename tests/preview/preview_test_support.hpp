#pragma once
// Helpers of the preview tests: a scratch folder, shell quoting, running the independent
// Python checker (png_check.py, standard library only) and other commands.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace preview_test {

namespace fs = std::filesystem;

/// The interpreter of the checks: $VOCLOUD_PYTHON, else Debian's /usr/bin/python3.
inline std::string python() {
  char const* given = std::getenv("VOCLOUD_PYTHON");
  return given != nullptr ? given : "/usr/bin/python3";
}

/// `text` as one single-quoted shell word.
inline std::string quote(std::string const& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs `command` with /bin/sh; returns its exit status (0 = success).
inline int run(std::string const& command) {
  int const rc = std::system(command.c_str());
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/// Runs png_check.py with `arguments`; its exit status.
inline int check(std::string const& arguments) {
  return run(python() + " " + quote(std::string(VOCLOUD_PREVIEW_TEST_DIR) + "/png_check.py") + " " +
             arguments);
}

/// A folder for one test, removed at the end unless $VOCLOUD_TEST_KEEP is set (then its
/// path is printed, to look at the pictures).
struct Scratch {
  fs::path path;
  explicit Scratch(std::string const& name) {
    path =
        fs::temp_directory_path() / ("vocloud-preview-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() {
    if (std::getenv("VOCLOUD_TEST_KEEP") != nullptr) return;
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  Scratch(Scratch const&) = delete;
  Scratch& operator=(Scratch const&) = delete;
};

/// Writes `bytes` to `path` (binary).
inline void writeBytes(fs::path const& path, std::string const& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace preview_test
