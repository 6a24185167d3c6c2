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
  // A report opened from the job page loads its script and style as results too.
  if (ends(".js")) return "text/javascript";
  if (ends(".css")) return "text/css";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
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

namespace {

// Whether `path` is `root` or inside it, once every link is resolved.
bool insideFolder(fs::path const& path, fs::path const& root) {
  std::error_code ec;
  fs::path const real = fs::canonical(path, ec), top = fs::canonical(root, ec);
  if (ec) return false;
  auto const [r, t] = std::mismatch(real.begin(), real.end(), top.begin(), top.end());
  return t == top.end();
}

// The regular files under `dir`, as ids relative to `jobDir` through `shown` (the path the id
// names, which may go through a stage's link). Kept variants (`.variants/`) and locks are not
// results: each stage's link `<stage>` shows the variant this job computed. A link counts
// only when it leads to a folder inside the job's own output.
void collectResults(fs::path const& dir, fs::path const& shown, fs::path const& jobDir,
                    std::vector<std::string>& ids) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string const name = it->path().filename().string();
    if (name == ".variants" || name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0)
      continue;
    fs::path const path = shown / name;
    if (it->is_symlink()) {
      if (fs::is_directory(it->path(), ec) && insideFolder(it->path(), jobDir / "output"))
        collectResults(it->path(), path, jobDir, ids);
    } else if (it->is_directory()) {
      collectResults(it->path(), path, jobDir, ids);
    } else if (it->is_regular_file()) {
      ids.push_back(path.lexically_relative(jobDir).generic_string());
    }
  }
}

}  // namespace

std::vector<ResultRef> listResults(std::string const& jobDir, std::string const& jobUrl) {
  std::vector<ResultRef> out;
  fs::path const dir(jobDir);
  for (char const* name : {"stdout.log", "stderr.log", "results.tar.gz"})
    if (fs::is_regular_file(fs::symlink_status(dir / name))) addFile(out, dir / name, name, jobUrl);
  if (!fs::is_directory(fs::symlink_status(dir / "output"))) return out;
  std::vector<std::string> ids;
  collectResults(dir / "output", dir / "output", dir, ids);
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
