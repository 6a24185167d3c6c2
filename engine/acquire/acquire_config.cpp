#include "acquire/acquire_config.hpp"

#include "core/error.hpp"

namespace vocloud::acquire {

std::pair<std::string, std::string> splitParam(std::string const& text, std::string const& where) {
  auto const eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("config: " + where + ": expected KEY=VALUE, got '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

AcquireConfig acquireConfigFrom(config::Config const& config) {
  AcquireConfig out;
  out.parallelTransfers = static_cast<int>(config.getInt("acquire.parallel_transfers"));
  out.maxBytes = static_cast<std::uint64_t>(config.getInt("acquire.max_bytes"));
  out.http.connectTimeout = config.getDouble("acquire.connect_timeout");
  out.http.readTimeout = config.getDouble("acquire.read_timeout");
  out.http.retries = static_cast<int>(config.getInt("acquire.retries"));
  out.http.backoff = config.getDouble("acquire.retry_backoff");
  out.http.netrcFile = config.getString("acquire.credentials");

  std::size_t const n = config.count("acquire.sources");
  for (std::size_t i = 0; i < n; ++i) {
    std::string const p = "acquire.sources[" + std::to_string(i) + "].";
    auto str = [&](char const* key) { return config.getString(p + key); };
    Source s;
    s.where = config.where(p + "kind");
    std::string const kind = str("kind");
    s.kind = kind == "local" ? SourceKind::Local
             : kind == "http" ? SourceKind::Http
             : kind == "votable" ? SourceKind::VoTableList
                                 : SourceKind::Ssap;
    s.path = str("path");
    s.pattern = str("pattern");
    s.recursive = config.getBool(p + "recursive");
    std::string const mode = str("mode");
    s.mode = mode == "link" ? LocalMode::Link : mode == "symlink" ? LocalMode::Symlink : LocalMode::Copy;
    s.url = str("url");
    s.urls = config.getList(p + "urls");
    s.urlFile = str("url_file");
    s.followIndex = config.getBool(p + "follow_index");
    s.accessColumn = str("access_column");
    s.idColumn = str("id_column");
    s.labelColumn = str("label_column");
    s.label = str("label");
    s.pos = str("pos");
    s.size = config.getDouble(p + "size");
    s.band = str("band");
    s.time = str("time");
    s.format = str("format");
    s.maxrec = config.getInt(p + "maxrec");
    s.targetName = str("target_name");
    s.params = config.getList(p + "params");
    s.datalink = config.getBool(p + "datalink");
    s.datalinkParams = config.getList(p + "datalink_params");
    for (auto const& param : s.params) splitParam(param, config.where(p + "params"));
    for (auto const& param : s.datalinkParams) splitParam(param, config.where(p + "datalink_params"));

    std::string const item = "acquire.sources[" + std::to_string(i) + "] (" + kind + ")";
    auto need = [&](bool ok, std::string const& what) {
      if (!ok) throw UsageError("config: " + s.where + ": " + item + " needs " + what);
    };
    switch (s.kind) {
      case SourceKind::Local: need(!s.path.empty(), "'path'"); break;
      case SourceKind::Http:
        need(!s.url.empty() || !s.urls.empty() || !s.urlFile.empty(), "'url', 'urls' or 'url_file'");
        break;
      case SourceKind::VoTableList: need(!s.path.empty() || !s.url.empty(), "'path' or 'url'"); break;
      case SourceKind::Ssap: need(!s.url.empty(), "'url' (the service's base URL)"); break;
    }
    if (!s.url.empty() && s.kind == SourceKind::Http) s.urls.insert(s.urls.begin(), s.url);
    out.sources.push_back(std::move(s));
  }
  return out;
}

}  // namespace vocloud::acquire
