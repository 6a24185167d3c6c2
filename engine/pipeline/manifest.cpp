#include "pipeline/manifest.hpp"

#include "core/json.hpp"
#include "core/version.hpp"

#include <yaml-cpp/yaml.h>

#include <unistd.h>
#include <ctime>
#include <filesystem>

namespace vocloud::pipeline {

std::optional<Manifest> readManifest(std::string const& dir) {
  std::string const path = dir + "/" + kManifest;
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    YAML::Node const node = YAML::LoadFile(path);
    return Manifest{node["fingerprint"].as<std::string>(), node["summary"].as<std::string>("")};
  } catch (YAML::Exception const&) {
    return std::nullopt;  // unreadable: treated as absent, the stage is recomputed
  }
}

std::string manifestJson(ManifestRecord const& record) {
  core::JsonWriter json;
  // clang-format off
  json.beginObject()
      .key("stage").value(record.stage)
      .key("fingerprint").value(record.fingerprint)
      .key("engine_version").value(core::engineVersion())
      .key("inputs").beginObject();
  for (auto const& [name, fp] : record.inputs) json.key(name).value(fp);
  json.endObject()
      .key("ranks").value(record.ranks)
      .key("seconds").value(record.seconds)
      .key("summary").value(record.summary)
      .key("command_line").value(record.commandLine)
      .key("host").value(record.host)
      .key("started").value(isoUtc(record.started))
      .key("ended").value(isoUtc(record.ended))
      .endObject();
  // clang-format on
  return json.str() + "\n";
}

std::string isoUtc(std::chrono::system_clock::time_point time) {
  std::time_t const seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

}  // namespace vocloud::pipeline
