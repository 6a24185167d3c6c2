#pragma once
// Provenance of every HDF5 output (dataset.h5, som.h5, forest.h5, predictions.h5,
// candidates.h5): the same root attributes in each, written and read here only.
//   engine_version    the vocloud build that wrote the file ("0.1.0+abc1234")
//   effective_config  the experiment's effective YAML (secrets redacted)
//   fingerprint       the stage's fingerprint
//   inputs            the files the stage read, one path per line
//   created           when the file was written, UTC, ISO 8601 ("2026-12-07T12:00:00Z")
#include "comm/comm.hpp"
#include "io/h5_store.hpp"

#include <string>
#include <vector>

namespace vocloud::io {

struct Provenance {
  std::string engineVersion;
  std::string effectiveConfig;
  std::string fingerprint;
  std::vector<std::string> inputs;
  std::string created;
};

/// The provenance of a file written now by this build: engine_version, the current UTC time
/// (rank 0's, so that every rank writes the same value), the given config, fingerprint and
/// inputs. Collective over comm.
Provenance currentProvenance(std::string effectiveConfig, std::string fingerprint,
                             std::vector<std::string> inputs, comm::Comm const& comm);

/// Writes the five root attributes of `provenance` on `file`. Collective in parallel files
/// (same values on every rank).
void writeProvenance(H5File const& file, Provenance const& provenance);

/// Reads them back. Files written before the attributes were unified are read too
/// (vocloud_version for engine_version, config for effective_config); an attribute the file
/// lacks is read as empty.
Provenance readProvenance(H5File const& file);

/// The UTC time now, ISO 8601 to the second ("2026-12-07T12:00:00Z").
std::string utcNow();

}  // namespace vocloud::io
