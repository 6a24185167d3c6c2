#include "uws/results.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace vocloud::uws {

namespace fs = std::filesystem;

namespace {

std::string mimeOf(std::string const& name) {
  auto ends = [&](char const* suffix) {
    std::string const s(suffix);
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".log") || ends(".txt") || ends(".yaml")) return "text/plain";
  if (ends(".csv")) return "text/csv";
  if (ends(".json")) return "application/json";
  if (ends(".html")) return "text/html";
  if (ends(".xml") || ends(".vot")) return "application/x-votable+xml";
  if (ends(".tar.gz")) return "application/gzip";
  if (ends(".h5")) return "application/x-hdf5";
  return "application/octet-stream";
}

// Percent-encodes what is not safe in a URL path segment ('/' kept between segments).
std::string urlPath(std::string const& path) {
  static char const* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void addFile(std::vector<ResultRef>& out, fs::path const& file, std::string const& id,
             std::string const& jobUrl) {
  std::error_code ec;
  auto const size = fs::file_size(file, ec);
  out.push_back({id, jobUrl + "/results/" + urlPath(id), ec ? -1 : static_cast<std::int64_t>(size),
                 mimeOf(id)});
}

}  // namespace

std::vector<ResultRef> listResults(std::string const& jobDir, std::string const& jobUrl) {
  std::vector<ResultRef> out;
  fs::path const dir(jobDir);
  for (char const* name : {"stdout.log", "stderr.log", "results.tar.gz"})
    if (fs::is_regular_file(fs::symlink_status(dir / name))) addFile(out, dir / name, name, jobUrl);
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir / "output"))) return out;
  std::vector<std::string> ids;
  for (fs::recursive_directory_iterator it(dir / "output", ec), end; !ec && it != end;
       it.increment(ec)) {
    // Regular files only: a symbolic link could lead out of the job's folder.
    if (it->is_regular_file() && !it->is_symlink())
      ids.push_back(fs::relative(it->path(), dir).generic_string());
  }
  std::sort(ids.begin(), ids.end());
  for (auto const& id : ids) addFile(out, dir / id, id, jobUrl);
  return out;
}

std::optional<std::string> resultFile(std::string const& jobDir, std::string const& id) {
  for (auto const& r : listResults(jobDir, ""))
    if (r.id == id) return (fs::path(jobDir) / id).string();
  return std::nullopt;
}

}  // namespace vocloud::uws
