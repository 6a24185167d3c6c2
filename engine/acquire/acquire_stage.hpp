#pragma once
// `vocloud acquire`: builds a base of knowledge (files/ + catalog.csv) from the sources of
// the experiment. Ranks share the work; a re-run skips complete files and resumes partial
// ones; every failure is listed in catalog_rejects.csv and the run goes on.
#include "acquire/acquire_config.hpp"
#include "comm/comm.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"

#include <cstdint>
#include <string>

namespace vocloud::acquire {

struct AcquireResult {
  std::uint64_t planned = 0;            ///< items in the plan
  std::uint64_t acquired = 0;           ///< in catalog.csv
  std::uint64_t reused = 0;             ///< of those, already complete from an earlier run
  std::uint64_t rejected = 0;           ///< in catalog_rejects.csv
  std::uint64_t bytes = 0;              ///< size of the acquired files
  std::uint64_t excluded = 0;           ///< of the rejected, left out by label_map
  std::uint64_t unlabelledMissing = 0;  ///< no value in the labels file or header: unlabelled
  std::uint64_t duplicates = 0;  ///< catalog rows whose id an earlier row has (duplicates.csv)
};

/// The catalog.csv header line (with newline).
std::string acquireCatalogHeader();
/// The catalog_rejects.csv header line (with newline).
std::string rejectsHeader();

/// Acquires every source into `bokDir`. Collective over comm.
AcquireResult runAcquire(AcquireConfig const& config, std::string const& bokDir,
                         comm::Comm const& comm, core::Log const& log, core::Timers& timers);

/// One-line summary of a result.
std::string describe(AcquireResult const& result, std::string const& bokDir);

}  // namespace vocloud::acquire
