#pragma once
// What the tests that run an independent reference (astropy, numpy, scikit-learn, a PNG
// checker) share: the interpreter, shell quoting, running a command, a scratch folder,
// reading the values a reference printed.
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace vocloud::test {

/// The interpreter of the references: $VOCLOUD_PYTHON, else /usr/bin/python3 (Debian's
/// astropy, numpy, h5py and scikit-learn load only there).
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

/// Runs `command` with /bin/sh; its exit status (0 = success, -1 when it could not run).
inline int runStatus(std::string const& command) {
  int const rc = std::system(command.c_str());
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/// Runs `command` with /bin/sh; throws std::runtime_error naming it when it fails.
inline void run(std::string const& command) {
  int const rc = std::system(command.c_str());
  if (rc != 0) throw std::runtime_error("command failed (" + std::to_string(rc) + "): " + command);
}

/// A fresh folder vocloud-<name>-<pid> under the temporary directory, removed when the
/// object goes, unless $VOCLOUD_TEST_KEEP is set (to look at what a test wrote).
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(std::string const& name)
      : path(std::filesystem::temp_directory_path() /
             ("vocloud-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    if (std::getenv("VOCLOUD_TEST_KEEP") != nullptr) return;
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  ScratchDir(ScratchDir const&) = delete;
  ScratchDir& operator=(ScratchDir const&) = delete;
};

/// The values of a reference's output line "<n>\t<v1> <v2> ..." (exactly n of them);
/// throws std::runtime_error for a value that does not parse or a wrong count.
template <typename T>
std::vector<T> parseValues(std::string const& line) {
  std::vector<T> values;
  auto const tab = line.find('\t');
  std::size_t const n = std::stoull(line.substr(0, tab));
  values.reserve(n);
  char const* p = line.data() + tab + 1;
  char const* const end = line.data() + line.size();
  while (p < end) {
    while (p < end && *p == ' ') ++p;
    if (p >= end) break;
    char const* q = p;
    while (q < end && *q != ' ') ++q;
    T value{};
    auto const result = std::from_chars(p, q, value);
    if (result.ec != std::errc() || result.ptr != q)
      throw std::runtime_error("bad reference value '" + std::string(p, q) + "'");
    values.push_back(value);
    p = q;
  }
  if (values.size() != n) throw std::runtime_error("reference value count mismatch");
  return values;
}

}  // namespace vocloud::test
