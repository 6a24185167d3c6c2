#pragma once
// stage.json: the manifest that marks a stage directory complete, with the fingerprint it
// was computed for and where, when and how it was computed.
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace vocloud::pipeline {

/// The manifest's file name inside a stage directory.
inline constexpr char kManifest[] = "stage.json";

/// What a later run needs from a manifest.
struct Manifest {
  std::string fingerprint;
  std::string summary;
};

/// Everything stage.json records.
struct ManifestRecord {
  std::string stage, fingerprint, summary;
  std::map<std::string, std::string> inputs;  ///< input name -> its fingerprint
  int ranks = 1;
  double seconds = 0;
  std::string commandLine;  ///< the command that ran the stage, arguments joined by spaces
  std::string host;         ///< rank 0's host name
  std::chrono::system_clock::time_point started, ended;
};

/// The manifest of a completed stage directory, if there is a readable one.
std::optional<Manifest> readManifest(std::string const& dir);

/// The JSON text of stage.json (times as ISO 8601 UTC, e.g. 2026-12-07T04:49:15Z).
std::string manifestJson(ManifestRecord const& record);

/// A time point as ISO 8601 UTC to the second ("2026-12-07T04:49:15Z").
std::string isoUtc(std::chrono::system_clock::time_point time);

/// This machine's host name ("" when it cannot be known).
std::string hostName();

}  // namespace vocloud::pipeline
