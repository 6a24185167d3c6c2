#include "acquire/acquire_config.hpp"

#include "config/redact.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace vocloud::acquire {

namespace {

// The kinds each item key applies to; keys not listed apply to every kind.
std::set<std::string> kindsOf(std::string const& key) {
  static std::vector<std::pair<std::string, std::set<std::string>>> const table = {
      {"path", {"local", "votable"}},
      {"pattern", {"local", "http"}},
      {"recursive", {"local"}},
      {"mode", {"local"}},
      {"label_folder", {"local"}},
      {"url", {"http", "votable", "ssap"}},
      {"urls", {"http"}},
      {"url_file", {"http"}},
      {"follow_index", {"http"}},
      {"access_column", {"votable", "ssap"}},
      {"id_column", {"votable", "ssap"}},
      {"label_column", {"votable", "ssap"}},
      {"datalink", {"votable", "ssap"}},
      {"datalink_params", {"votable", "ssap"}},
      {"pos", {"ssap"}},
      {"size", {"ssap"}},
      {"band", {"ssap"}},
      {"time", {"ssap"}},
      {"format", {"ssap"}},
      {"maxrec", {"ssap"}},
      {"target_name", {"ssap"}},
      {"params", {"ssap"}}};
  for (auto const& [name, kinds] : table)
    if (name == key) return kinds;
  return {};
}

bool given(config::Config const& config, std::string const& path) {
  return config.has(path) && !config.isDefault(path);
}

// A key given in the file that does not apply to the source's kind is an error at the key.
void checkApplicable(config::Config const& config, std::string const& prefix,
                     std::string const& kind) {
  for (auto const* spec : config.schema().itemKeys("acquire.sources")) {
    std::string const key = spec->path.substr(spec->path.rfind('.') + 1);
    std::set<std::string> const kinds = kindsOf(key);
    if (kinds.empty() || kinds.count(kind) || !given(config, prefix + key)) continue;
    std::string list;
    for (auto const& k : kinds) list += (list.empty() ? "" : ", ") + k;
    throw UsageError("config: " + config.where(prefix + key) + ": " + prefix + key +
                     " does not apply to a " + kind + " source (only to: " + list + ")");
  }
}

// The label rule of one source: at most one label source, and the keys that shape a value
// only together with one.
LabelRule labelRuleFrom(config::Config const& config, std::string const& prefix,
                        std::string const& where) {
  LabelRule rule;
  rule.where = where;
  std::string first;  // the label source key seen first
  auto source = [&](char const* key, bool present, LabelFrom from) {
    if (!present) return;
    if (!first.empty())
      throw UsageError("config: " + config.where(prefix + key) + ": " + prefix + key + " and " +
                       prefix + first + " are two label sources; give one");
    first = key;
    rule.from = from;
  };
  rule.fixed = config.getString(prefix + "label");
  rule.column = config.getString(prefix + "label_column");
  rule.header = config.getString(prefix + "label_header");
  rule.file = config.getString(prefix + "labels_file");
  source("label", !rule.fixed.empty(), LabelFrom::Fixed);
  source("label_column", !rule.column.empty(), LabelFrom::Column);
  source("label_folder", config.getBool(prefix + "label_folder"), LabelFrom::Folder);
  source("label_header", !rule.header.empty(), LabelFrom::Header);
  source("labels_file", !rule.file.empty(), LabelFrom::File);
  rule.idColumn = config.getString(prefix + "labels_id_column");
  rule.labelColumn = config.getString(prefix + "labels_label_column");
  for (char const* key : {"labels_id_column", "labels_label_column"})
    if (rule.file.empty() && given(config, prefix + key))
      throw UsageError("config: " + config.where(prefix + key) + ": " + prefix + key + " needs " +
                       prefix + "labels_file");
  rule.regex = config.getString(prefix + "label_regex");
  std::string const transform = config.getString(prefix + "label_transform");
  rule.transform = transform == "first_letter" ? LabelTransform::FirstLetter
                   : transform == "upper"      ? LabelTransform::Upper
                   : transform == "lower"      ? LabelTransform::Lower
                                               : LabelTransform::None;
  for (auto const& entry : config.getList(prefix + "label_map"))
    rule.map.push_back(splitParam(entry, config.where(prefix + "label_map")));
  for (char const* key : {"label_regex", "label_transform", "label_map"})
    if (first.empty() && given(config, prefix + key))
      throw UsageError("config: " + config.where(prefix + key) + ": " + prefix + key +
                       " needs a label source (label, label_column, label_folder, label_header "
                       "or labels_file)");
  if (!rule.regex.empty()) {
    try {
      std::regex const check(rule.regex, std::regex::ECMAScript);
    } catch (std::regex_error const& e) {
      throw UsageError("config: " + config.where(prefix + "label_regex") + ": " + prefix +
                       "label_regex: not a valid regular expression: " + e.what());
    }
  }
  return rule;
}

// url and urls name http(s) resources: file:// or other schemes are refused here, where the
// user can fix them (local files are sources of kind local).
void checkSchemes(config::Config const& config, std::string const& prefix, Source const& s) {
  auto check = [&](std::string const& key, std::string const& url) {
    if (url.empty() || isFetchableUrl(url)) return;
    throw UsageError("config: " + config.where(prefix + key) + ": " + prefix + key + ": '" +
                     config::redactSecrets(url) +
                     "': only http and https URLs are fetched (local files: a source of kind "
                     "local, or path for a votable list)");
  };
  check("url", s.url);
  for (auto const& url : s.urls) check("urls", url);
}

}  // namespace

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
  out.http.minSpeed = config.getDouble("acquire.min_speed");
  out.http.transferTimeout = config.getDouble("acquire.transfer_timeout");
  out.http.maxResponseBytes =
      static_cast<std::uint64_t>(config.getInt("acquire.max_response_bytes"));
  out.http.retries = static_cast<int>(config.getInt("acquire.retries"));
  out.http.backoff = config.getDouble("acquire.retry_backoff");
  out.http.netrcFile = config.getString("acquire.credentials");
  out.read.maxInflateRatio = config.getDouble("read.max_inflate_ratio");
  out.read.maxInflatedBytes = static_cast<std::uint64_t>(config.getInt("read.max_inflated_bytes"));

  std::size_t const n = config.count("acquire.sources");
  for (std::size_t i = 0; i < n; ++i) {
    std::string const p = "acquire.sources[" + std::to_string(i) + "].";
    auto str = [&](char const* key) { return config.getString(p + key); };
    Source s;
    s.where = config.where(p + "kind");
    std::string const kind = str("kind");
    s.kind = kind == "local"     ? SourceKind::Local
             : kind == "http"    ? SourceKind::Http
             : kind == "votable" ? SourceKind::VoTableList
                                 : SourceKind::Ssap;
    s.path = str("path");
    s.pattern = str("pattern");
    s.recursive = config.getBool(p + "recursive");
    std::string const mode = str("mode");
    s.mode = mode == "link"      ? LocalMode::Link
             : mode == "symlink" ? LocalMode::Symlink
                                 : LocalMode::Copy;
    s.url = str("url");
    s.urls = config.getList(p + "urls");
    s.urlFile = str("url_file");
    s.followIndex = config.getBool(p + "follow_index");
    s.accessColumn = str("access_column");
    s.idColumn = str("id_column");
    checkApplicable(config, p, kind);
    s.labels = labelRuleFrom(config, p, s.where);
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
    for (auto const& param : s.datalinkParams)
      splitParam(param, config.where(p + "datalink_params"));

    std::string const item = "acquire.sources[" + std::to_string(i) + "] (" + kind + ")";
    auto need = [&](bool ok, std::string const& what) {
      if (!ok) throw UsageError("config: " + s.where + ": " + item + " needs " + what);
    };
    switch (s.kind) {
      case SourceKind::Local:
        need(!s.path.empty(), "'path'");
        break;
      case SourceKind::Http:
        need(!s.url.empty() || !s.urls.empty() || !s.urlFile.empty(),
             "'url', 'urls' or 'url_file'");
        break;
      case SourceKind::VoTableList:
        need(!s.path.empty() || !s.url.empty(), "'path' or 'url'");
        break;
      case SourceKind::Ssap:
        need(!s.url.empty(), "'url' (the service's base URL)");
        break;
    }
    checkSchemes(config, p, s);
    if (!s.url.empty() && s.kind == SourceKind::Http) s.urls.insert(s.urls.begin(), s.url);
    out.sources.push_back(std::move(s));
  }
  return out;
}

}  // namespace vocloud::acquire
