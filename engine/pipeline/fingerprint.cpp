#include "pipeline/fingerprint.hpp"

#include "core/hash.hpp"

namespace vocloud::pipeline {

std::string stageFingerprint(std::string const& engineVersion, std::string const& stage,
                             config::Config const& config,
                             std::vector<std::string> const& sections,
                             std::map<std::string, std::string> const& inputFingerprints) {
  core::Sha256 hasher;
  hasher.update("vocloud stage fingerprint v1\nengine " + engineVersion + "\nstage " + stage + "\n");
  for (auto const& section : sections) {
    hasher.update("[" + section + "]\n");
    hasher.update(config.sectionText(section));
  }
  hasher.update("[inputs]\n");
  for (auto const& [name, fingerprint] : inputFingerprints)
    hasher.update(name + " " + fingerprint + "\n");
  return hasher.hexDigest();
}

}  // namespace vocloud::pipeline
