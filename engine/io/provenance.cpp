#include "io/provenance.hpp"

#include "core/version.hpp"

#include <ctime>
#include <sstream>

namespace vocloud::io {

namespace {

std::string joinLines(std::vector<std::string> const& lines) {
  std::string out;
  for (auto const& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

std::vector<std::string> splitLines(std::string const& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The first of `keys` the file's root carries, "" when none.
std::string firstAttribute(H5File const& file, std::initializer_list<char const*> keys) {
  for (char const* key : keys)
    if (file.hasAttribute("/", key)) return file.stringAttribute("/", key);
  return "";
}

}  // namespace

std::string utcNow() {
  std::time_t const now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Provenance currentProvenance(std::string effectiveConfig, std::string fingerprint,
                             std::vector<std::string> inputs, comm::Comm const& comm) {
  Provenance p;
  p.engineVersion = core::engineVersion();
  p.effectiveConfig = std::move(effectiveConfig);
  p.fingerprint = std::move(fingerprint);
  p.inputs = std::move(inputs);
  p.created = comm.bcast(utcNow(), 0);
  return p;
}

void writeProvenance(H5File const& file, Provenance const& provenance) {
  file.setAttribute("/", "engine_version", provenance.engineVersion);
  file.setAttribute("/", "effective_config", provenance.effectiveConfig);
  file.setAttribute("/", "fingerprint", provenance.fingerprint);
  file.setAttribute("/", "inputs", joinLines(provenance.inputs));
  file.setAttribute("/", "created", provenance.created);
}

Provenance readProvenance(H5File const& file) {
  Provenance p;
  p.engineVersion = firstAttribute(file, {"engine_version", "vocloud_version"});
  p.effectiveConfig = firstAttribute(file, {"effective_config", "config"});
  p.fingerprint = firstAttribute(file, {"fingerprint"});
  p.inputs = splitLines(firstAttribute(file, {"inputs"}));
  p.created = firstAttribute(file, {"created"});
  return p;
}

}  // namespace vocloud::io
