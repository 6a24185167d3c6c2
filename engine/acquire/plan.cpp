#include "acquire/plan.hpp"

#include "config/redact.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "core/reason_tally.hpp"
#include "core/records.hpp"

#include <fnmatch.h>
#include <glob.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

namespace vocloud::acquire {

namespace fs = std::filesystem;

std::string safeName(std::string const& text) {
  std::string out;
  for (char c : text)
    out.push_back(
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ? c : '_');
  while (!out.empty() && out.front() == '.') out.erase(out.begin());  // no hidden files
  return out.empty() ? "spectrum" : out;
}

std::string knownExtension(std::string const& location) {
  std::string path = location.substr(0, location.find_first_of("?#"));
  std::transform(path.begin(), path.end(), path.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (char const* ext : {".fits.gz", ".fit.gz", ".fts.gz", ".fits", ".fit", ".fts", ".vot", ".xml",
                          ".csv", ".txt", ".asc", ".dat", ".gz"})
    if (path.size() > std::strlen(ext) &&
        path.compare(path.size() - std::strlen(ext), std::string::npos, ext) == 0)
      return ext;
  return "";
}

std::string detail::stemOf(std::string const& location) {
  std::string path = location.substr(0, location.find_first_of("?#"));
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::string base = path.substr(path.find_last_of('/') + 1);
  std::string const ext = knownExtension(base);
  return ext.empty() ? base : base.substr(0, base.size() - ext.size());
}

std::string detail::escapedSegment(std::string const& segment) {
  // Injective: kept characters stand for themselves and every other byte (and '%') is
  // %XX, so two different segments never give one name. A leading '.' is escaped too (no
  // hidden files, no "." or "..").
  std::string out;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    unsigned char const c = static_cast<unsigned char>(segment[i]);
    bool const keep = std::isalnum(c) || c == '-' || c == '_' || (c == '.' && i > 0);
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

std::string detail::remoteName(std::string const& id, std::string const& location,
                               std::string const& extension, int occurrence) {
  // "ivo://authority/path/name": the last part keeps the name readable; the digest of the
  // whole id and URL makes it unique.
  std::string stem = safeName(id.substr(id.find_last_of('/') + 1));
  if (stem.size() > 80) stem.resize(80);
  std::string key = id + "\n" + location;
  if (occurrence > 1) key += "\n" + std::to_string(occurrence);
  return stem + "-" + core::sha256Hex(key).substr(0, 16) + extension;
}

namespace {

using detail::stemOf;

// The folder a local source's relative paths start from: the directory itself, the
// folder of a single file, or the part of a glob before its first wildcard.
fs::path localRoot(Source const& s) {
  std::error_code ec;
  if (fs::is_directory(s.path, ec)) return fs::path(s.path);
  if (fs::is_regular_file(s.path, ec)) return fs::path(s.path).parent_path();
  fs::path root;
  for (auto const& part : fs::path(s.path).parent_path()) {
    if (part.string().find_first_of("*?[") != std::string::npos) break;
    root /= part;
  }
  return root;
}

// A local file's stored name: its path inside the source, each part escaped. Two files of
// one source never share it, whatever their names.
std::string localName(fs::path const& root, std::string const& path) {
  std::string name;
  fs::path relative = fs::path(path).lexically_relative(root);
  if (relative.empty() || *relative.begin() == "..") relative = fs::path(path).filename();
  for (auto const& part : relative)
    name += (name.empty() ? "" : "/") + detail::escapedSegment(part.string());
  return name;
}

std::vector<Item> planLocal(Source const& s, std::size_t index) {
  std::vector<std::string> paths;
  std::error_code ec;
  if (fs::is_directory(s.path, ec)) {
    auto add = [&](fs::directory_entry const& e) {
      if (e.is_regular_file() && fnmatch(s.pattern.c_str(), e.path().filename().c_str(), 0) == 0)
        paths.push_back(e.path().string());
    };
    if (s.recursive)
      for (auto const& e : fs::recursive_directory_iterator(s.path)) add(e);
    else
      for (auto const& e : fs::directory_iterator(s.path)) add(e);
  } else if (fs::is_regular_file(s.path, ec)) {
    paths.push_back(s.path);
  } else {
    glob_t matches{};
    if (glob(s.path.c_str(), 0, nullptr, &matches) == 0)
      for (std::size_t i = 0; i < matches.gl_pathc; ++i)
        if (fs::is_regular_file(matches.gl_pathv[i], ec)) paths.push_back(matches.gl_pathv[i]);
    globfree(&matches);
  }
  if (paths.empty())
    throw Error("acquire: " + s.where + ": local source '" + s.path + "' matches no file");
  std::sort(paths.begin(), paths.end());
  fs::path const root = localRoot(s);
  std::vector<Item> items;
  for (auto const& p : paths) {
    Item item;
    item.source = index;
    item.name = localName(root, p);
    item.location = fs::absolute(p).lexically_normal().string();
    item.id = stemOf(p);
    item.label = s.labels.from == LabelFrom::Folder ? folderName(item.location) : s.labels.fixed;
    item.mode = s.mode;
    items.push_back(item);
  }
  return items;
}

std::vector<Item> planHttp(Source const& s, std::size_t index, HttpOptions const& http) {
  struct Line {
    std::string url;
    std::int64_t size = -1;
    std::string sha;
  };
  std::vector<Line> lines;
  for (auto const& u : s.urls) lines.push_back({u, -1, ""});
  if (!s.urlFile.empty()) {
    std::istringstream in(core::readFile(s.urlFile));
    std::string text;
    int number = 0;
    while (std::getline(in, text)) {
      ++number;
      auto const hash = text.find('#');
      if (hash == 0) continue;
      std::istringstream fields(text);
      Line line;
      if (!(fields >> line.url)) continue;
      std::string size;
      if (fields >> size) {
        try {
          line.size = std::stoll(size);
        } catch (std::exception const&) {
          throw Error("acquire: " + s.urlFile + ":" + std::to_string(number) +
                      ": expected 'URL [SIZE [SHA256]]', got '" + config::redactSecrets(text) +
                      "'");
        }
      }
      fields >> line.sha;
      lines.push_back(line);
    }
  }
  std::vector<Item> items;
  for (auto const& line : lines) {
    std::vector<std::string> targets = {line.url};
    if (s.followIndex) {
      targets.clear();
      for (auto const& link : detail::htmlLinks(fetchText(line.url, http), line.url)) {
        std::string const file = stemOf(link) + knownExtension(link);
        if (!link.empty() && link.back() != '/' && fnmatch(s.pattern.c_str(), file.c_str(), 0) == 0)
          targets.push_back(link);
      }
    }
    for (auto const& url : targets) {
      Item item;
      item.source = index;
      item.remote = true;
      item.location = url;
      item.id = stemOf(url);
      item.label = s.labels.fixed;
      if (!s.followIndex) {
        item.expectedSize = line.size;
        item.expectedSha256 = line.sha;
      }
      items.push_back(item);
    }
  }
  return items;
}

std::string ssapQueryUrl(Source const& s) {
  std::string url =
      s.url + (s.url.find('?') == std::string::npos ? "?" : "&") + "REQUEST=queryData";
  auto add = [&](char const* key, std::string const& value) {
    if (!value.empty()) url += std::string("&") + key + "=" + urlEncode(value);
  };
  add("POS", s.pos);
  if (s.size > 0) {
    std::ostringstream size;
    size.precision(17);
    size << s.size;
    add("SIZE", size.str());
  }
  add("BAND", s.band);
  add("TIME", s.time);
  add("FORMAT", s.format);
  if (s.maxrec > 0) add("MAXREC", std::to_string(s.maxrec));
  add("TARGETNAME", s.targetName);
  for (auto const& p : s.params) {
    auto const [key, value] = splitParam(p, s.where);
    url += "&" + urlEncode(key) + "=" + urlEncode(value);
  }
  return url;
}

// Stored names of remote items (local ones have theirs), unique by construction; ids stay
// as the source gave them: the same spectrum may come twice (two formats, two sources).
// The check at the end guards against what construction rules out.
void nameRemoteItems(std::vector<Item>& items) {
  std::map<std::tuple<std::size_t, std::string, std::string>, int> seen;
  std::set<std::pair<std::size_t, std::string>> names;
  for (auto& item : items) {
    if (item.remote) {
      int const n = ++seen[{item.source, item.id, item.location}];
      std::string ext = knownExtension(item.location);
      if (ext.empty()) ext = item.extension.empty() ? ".dat" : item.extension;
      item.name = detail::remoteName(item.id, item.location, ext, n);
    }
    if (!names.insert({item.source, item.name}).second)
      throw Error("acquire: two spectra of source " + std::to_string(item.source) +
                  " would be stored as '" + item.name + "'");
  }
}

}  // namespace

std::vector<std::string> detail::htmlLinks(std::string const& html, std::string const& base) {
  static std::regex const href(R"(href\s*=\s*["']([^"'#]+)["'])", std::regex::icase);
  std::vector<std::string> links;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it) {
    std::string const target = (*it)[1].str();
    if (target.rfind("?", 0) == 0 || target.rfind("mailto:", 0) == 0 ||
        target.rfind("javascript:", 0) == 0)
      continue;
    std::string const resolved = resolveUrl(base, target);
    if (std::find(links.begin(), links.end(), resolved) == links.end()) links.push_back(resolved);
  }
  return links;
}

namespace {

// Keeps the user's own VOTable list file in the BoK, as a fetched one is kept.
void copyListFile(std::string const& path, std::string const& kept) {
  std::error_code error;
  std::filesystem::copy_file(path, kept, std::filesystem::copy_options::overwrite_existing, error);
  if (error) throw Error("acquire: cannot copy " + path + " to " + kept + ": " + error.message());
}

}  // namespace

std::vector<Item> planItems(AcquireConfig const& config, std::string const& bokDir,
                            core::Log const& log) {
  std::vector<Item> items;
  for (std::size_t i = 0; i < config.sources.size(); ++i) {
    Source const& s = config.sources[i];
    std::vector<Item> more;
    switch (s.kind) {
      case SourceKind::Local:
        more = planLocal(s, i);
        break;
      case SourceKind::Http:
        more = planHttp(s, i, config.http);
        break;
      case SourceKind::VoTableList: {
        std::string const origin = config::redactSecrets(s.path.empty() ? s.url : s.path);
        std::string const kept = detail::keptListPath(bokDir, i);
        if (s.path.empty())
          fetchToFile(s.url, kept, config.http);
        else
          copyListFile(s.path, kept);
        more = detail::itemsFromVoTable(kept, origin, s, i, log);
        break;
      }
      case SourceKind::Ssap: {
        std::string const url = ssapQueryUrl(s);
        std::string const shown = config::redactSecrets(url);
        log.info("acquire: source " + std::to_string(i) + ": SSAP queryData " + shown);
        std::string const kept = detail::keptListPath(bokDir, i);
        fetchToFile(url, kept, config.http);  // streamed to disk: never held whole
        more = detail::itemsFromVoTable(kept, shown, s, i, log);
        break;
      }
    }
    log.info("acquire: source " + std::to_string(i) + " (" + s.where +
             "): " + core::countOf(more.size(), "spectrum", "spectra"));
    items.insert(items.end(), more.begin(), more.end());
  }
  nameRemoteItems(items);
  return items;
}

std::string encodePlan(std::vector<Item> const& items) {
  std::vector<std::vector<std::string>> records;
  for (auto const& i : items)
    records.push_back({std::to_string(i.source), i.remote ? "1" : "0", i.location, i.name, i.id,
                       i.label, core::recordNumber(i.ra), core::recordNumber(i.dec),
                       core::recordNumber(i.z), std::to_string(i.expectedSize), i.expectedSha256,
                       std::to_string(static_cast<int>(i.mode)), i.extension});
  return core::packRecords(records);
}

std::vector<Item> decodePlan(std::string const& text) {
  std::vector<Item> items;
  for (auto const& f : core::unpackRecords(text, 13)) {
    Item i;
    i.source = std::stoul(f[0]);
    i.remote = f[1] == "1";
    i.location = f[2];
    i.name = f[3];
    i.id = f[4];
    i.label = f[5];
    i.ra = std::stod(f[6]);
    i.dec = std::stod(f[7]);
    i.z = std::stod(f[8]);
    i.expectedSize = std::stoll(f[9]);
    i.expectedSha256 = f[10];
    i.mode = static_cast<LocalMode>(std::stoi(f[11]));
    i.extension = f[12];
    items.push_back(i);
  }
  return items;
}

}  // namespace vocloud::acquire
