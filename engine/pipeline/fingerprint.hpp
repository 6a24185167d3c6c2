#pragma once
// Stage fingerprints: equal fingerprint = equal result, so the stage can be reused.
#include "config/config.hpp"

#include <map>
#include <string>
#include <vector>

namespace vocloud::pipeline {

/// SHA-256 (hex) of the engine version, the stage name, the effective text of the config
/// sections the stage depends on, and its inputs' fingerprints (name -> fingerprint).
std::string stageFingerprint(std::string const& engineVersion, std::string const& stage,
                             config::Config const& config,
                             std::vector<std::string> const& sections,
                             std::map<std::string, std::string> const& inputFingerprints);

}  // namespace vocloud::pipeline
