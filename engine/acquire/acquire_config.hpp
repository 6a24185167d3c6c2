#pragma once
// The `acquire` section as plain structs.
#include "acquire/http_client.hpp"
#include "acquire/labels.hpp"
#include "config/config.hpp"
#include "io/spectrum.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::acquire {

enum class SourceKind { Local, Http, VoTableList, Ssap };
enum class LocalMode { Copy, Link, Symlink };

struct Source {
  SourceKind kind = SourceKind::Local;
  std::string where;  ///< "file:line:col" of the source in the experiment, for messages
  std::string path, pattern = "*", url, urlFile;
  bool recursive = true, followIndex = false;
  LocalMode mode = LocalMode::Copy;
  std::vector<std::string> urls;
  std::string accessColumn, idColumn;
  LabelRule labels;  ///< how the spectra of this source are labelled
  // SSAP query
  std::string pos, band, time, format, targetName;
  double size = 0;
  std::int64_t maxrec = 0;
  std::vector<std::string> params;  ///< KEY=VALUE
  bool datalink = false;
  std::vector<std::string> datalinkParams;  ///< KEY=VALUE
};

struct AcquireConfig {
  std::vector<Source> sources;
  HttpOptions http;
  int parallelTransfers = 4;
  std::uint64_t maxBytes = 0;  ///< 0 = no limit
  io::ReadOptions read;        ///< the `read` section: bounds on compressed files
};

/// Reads the `acquire` section. Throws vocloud::UsageError naming the item and key when a
/// source lacks what its kind needs (e.g. an ssap source without url), when a key given in
/// the file does not apply to the source's kind (e.g. label_folder on an ssap source) or
/// when two label sources are given; the message starts with the key's file:line:col.
AcquireConfig acquireConfigFrom(config::Config const& config);

/// Splits "KEY=VALUE"; throws vocloud::UsageError naming `where` otherwise.
std::pair<std::string, std::string> splitParam(std::string const& text, std::string const& where);

}  // namespace vocloud::acquire
