#pragma once
// A scratch folder for one test: made with mkdtemp under /tmp, removed with everything in it
// when the test ends.
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace vocloud::test {

struct TempDir {
  std::filesystem::path path;
  /// `prefix` names the test in the folder's name (/tmp/<prefix>.XXXXXX).
  explicit TempDir(std::string const& prefix) {
    std::string pattern = "/tmp/" + prefix + ".XXXXXX";
    path = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(TempDir const&) = delete;
  TempDir& operator=(TempDir const&) = delete;
};

}  // namespace vocloud::test
