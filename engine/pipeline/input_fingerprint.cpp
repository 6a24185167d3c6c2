#include "pipeline/input_fingerprint.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "preprocess/catalog_reader.hpp"

#include <glob.h>
#include <algorithm>
#include <filesystem>
#include <optional>

namespace vocloud::pipeline {

namespace fs = std::filesystem;

namespace {

using Listed = core::ListedFile;  // name relative to the source (a glob's match: as matched)

std::string stampText(std::optional<core::FileStamp> const& stamp) {
  return stamp ? std::to_string(stamp->bytes) + " " + std::to_string(stamp->mtimeNs)
               : std::string("missing");
}

std::vector<Listed> listGlob(std::string const& pattern) {
  std::vector<Listed> files;
  glob_t matches{};
  if (glob(pattern.c_str(), 0, nullptr, &matches) == 0)
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
      std::error_code ec;
      if (!fs::is_regular_file(matches.gl_pathv[i], ec)) continue;
      if (auto const stamp = core::fileStamp(matches.gl_pathv[i]))
        files.push_back({matches.gl_pathv[i], *stamp});
    }
  globfree(&matches);
  return files;
}

// The content hash of a local file a source reads, or "none" when the key is empty.
std::string contentOf(std::string const& path) {
  return path.empty() ? std::string("none") : core::sha256File(path);
}

}  // namespace

InputCheck inputCheckFrom(std::string const& text, std::string const& key) {
  if (text == "stat") return InputCheck::Stat;
  if (text == "content") return InputCheck::Content;
  throw UsageError("config: " + key + " must be 'stat' or 'content', not '" + text + "'");
}

std::string localSourceFingerprint(acquire::Source const& source) {
  std::vector<Listed> files;
  std::error_code ec;
  if (fs::is_directory(source.path, ec)) {
    files = core::listFiles(source.path, source.pattern, source.recursive);
  } else if (fs::is_regular_file(source.path, ec)) {
    if (auto const stamp = core::fileStamp(source.path))
      files.push_back({fs::path(source.path).filename().string(), *stamp});
  } else {
    files = listGlob(source.path);
  }
  std::sort(files.begin(), files.end(),
            [](Listed const& a, Listed const& b) { return a.name < b.name; });
  core::Sha256 hasher;
  for (auto const& file : files) hasher.update(file.name + "\t" + stampText(file.stamp) + "\n");
  return hasher.hexDigest();
}

std::string acquireInputsFingerprint(acquire::AcquireConfig const& config) {
  core::Sha256 hasher;
  for (std::size_t i = 0; i < config.sources.size(); ++i) {
    acquire::Source const& source = config.sources[i];
    std::string text = "source " + std::to_string(i) + " ";
    switch (source.kind) {
      case acquire::SourceKind::Local:
        text += "listing " + localSourceFingerprint(source);
        break;
      case acquire::SourceKind::Http:
        text += "url_file " + contentOf(source.urlFile);
        break;
      case acquire::SourceKind::VoTableList:
        text += "path " + contentOf(source.path);
        break;
      case acquire::SourceKind::Ssap:
        text += "remote";
        break;
    }
    // A labels file is read too: an edited one relabels the base of knowledge.
    if (!source.labels.file.empty()) text += " labels_file " + contentOf(source.labels.file);
    hasher.update(text + "\n");
  }
  return hasher.hexDigest();
}

std::string bokFingerprint(std::string const& bokDir, InputCheck check) {
  core::Sha256 hasher;
  hasher.update("catalog " + core::sha256File(bokDir + "/catalog.csv") + "\n");
  preprocess::CatalogReader reader(bokDir);
  // A file under the base of knowledge counts by its path relative to it: the same output
  // kept in another variant folder of the upstream stage is the same input.
  std::string const prefix = bokDir + "/";
  while (!reader.done()) {
    auto const rows = reader.next(1 << 16);
    std::vector<std::string> lines(rows.size());
    // stat (or read) the batch's files on several threads: on a network file system each
    // call waits mostly on the server.
    core::forEachFileParallel(rows.size(), [&](std::size_t i) {
      std::string const& path = rows[i].path;
      std::optional<core::FileStamp> const stamp = core::fileStamp(path);
      std::string const named =
          path.compare(0, prefix.size(), prefix) == 0 ? path.substr(prefix.size()) : path;
      lines[i] = named + "\t" +
                 (check == InputCheck::Stat || !stamp ? stampText(stamp) : core::sha256File(path)) +
                 "\n";
    });
    for (auto const& line : lines) hasher.update(line);
  }
  return hasher.hexDigest();
}

}  // namespace vocloud::pipeline
