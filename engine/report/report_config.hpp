#pragma once
// The `report` section as a plain struct.
#include "config/config.hpp"

#include <cstdint>

namespace vocloud::report {

struct ReportConfig {
  std::uint64_t outliers = 1000;       ///< ranked outliers listed (and included)
  std::uint64_t membersPerNode = 50;   ///< member sample of a SOM node, closest first
  std::uint64_t membersPerCell = 200;  ///< sample of a diagonal confusion cell
  std::uint64_t perShard = 50;         ///< spectra per spectra/shard-NNNNNN file
  std::uint64_t maxRejected = 100000;  ///< rejected spectra listed in rejected.js
};

/// Reads the `report` section (the schema has checked the ranges).
ReportConfig reportConfigFrom(config::Config const& config);

}  // namespace vocloud::report
