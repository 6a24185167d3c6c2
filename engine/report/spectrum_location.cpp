#include "report/spectrum_location.hpp"

#include <filesystem>

namespace vocloud::report {

namespace fs = std::filesystem;

std::string resolveSpectrumPath(DatasetInfo const& d, std::string const& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  for (fs::path const& base : {fs::path(d.bok), fs::path(d.path).parent_path()})
    if (!base.empty() && fs::exists(base / path)) return (base / path).string();
  return path;
}

std::string fileUrl(std::string const& absolutePath) {
  static char const kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : absolutePath) {
    bool const plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

std::string spectrumFileUrl(DatasetInfo const& d, std::string const& path) {
  std::string const resolved = resolveSpectrumPath(d, path);
  std::error_code error;
  if (resolved.empty() || !fs::is_regular_file(resolved, error)) return "";
  fs::path const absolute = fs::absolute(resolved, error).lexically_normal();
  return error ? "" : fileUrl(absolute.string());
}

}  // namespace vocloud::report
