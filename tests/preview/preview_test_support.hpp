#pragma once
// Helpers of the preview tests: a scratch folder, shell quoting, running the independent
// Python checker (png_check.py, standard library only; view_check.py, h5py) and other commands.
#include "support/test_shell.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace preview_test {

namespace fs = std::filesystem;

using vocloud::test::python;
using vocloud::test::quote;

using vocloud::test::runStatus;

/// Runs png_check.py with `arguments`; its exit status.
inline int check(std::string const& arguments) {
  return runStatus(python() + " " + quote(std::string(VOCLOUD_PREVIEW_TEST_DIR) + "/png_check.py") +
                   " " + arguments);
}

/// Runs view_check.py (h5py, numpy) with `arguments`; its exit status.
inline int viewCheck(std::string const& arguments) {
  return runStatus(python() + " " +
                   quote(std::string(VOCLOUD_PREVIEW_TEST_DIR) + "/view_check.py") + " " +
                   arguments);
}

/// A folder for one test, removed at the end unless $VOCLOUD_TEST_KEEP is set (then look
/// at the pictures there).
struct Scratch : vocloud::test::ScratchDir {
  explicit Scratch(std::string const& name) : ScratchDir("preview-" + name) {}
};

/// Writes `bytes` to `path` (binary).
inline void writeBytes(fs::path const& path, std::string const& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace preview_test
