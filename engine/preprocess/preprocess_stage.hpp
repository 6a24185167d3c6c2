#pragma once
// The distributed layer of preprocessing: the catalog is read in rounds by rank 0 and
// shared; inside a round each rank takes a contiguous part balanced by file bytes, processes
// its spectra, and all ranks write one HDF5 file collectively at offsets from an exclusive
// scan, so rows keep catalog order (minus rejects) for any number of ranks. A killed run
// continues after its last complete round.
#include "comm/comm.hpp"
#include "core/log.hpp"
#include "core/timers.hpp"
#include "preprocess/preprocess_config.hpp"

#include <cstdint>
#include <string>

namespace vocloud::preprocess {

struct PreprocessResult {
  std::uint64_t catalogRows = 0;
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t dims = 0;
  std::uint64_t resumedRounds = 0;  ///< rounds taken from an interrupted run
  int pcaComponents = 0;            ///< PCA components computed (0: PCA off or too few rows)
  double pcaVarianceExplained = 0;  ///< by the kept components
};

struct PreprocessRun {
  std::string bokDir;       ///< input base of knowledge (catalog.csv + files)
  std::string outputDir;    ///< where dataset.h5 (and exports) go
  std::string fingerprint;  ///< identifies the run, so only a matching run is resumed
  std::string provenance;   ///< effective configuration, stored as an attribute
  bool fresh = false;       ///< start from nothing even when an interrupted run could resume
  bool resume = false;      ///< --resume: continuing an interrupted run is required
};

/// Preprocesses the BoK into `run.outputDir`/dataset.h5. Collective over comm.
PreprocessResult runPreprocess(PreprocessConfig const& config, PreprocessRun const& run,
                               comm::Comm const& comm, core::Log const& log, core::Timers& timers);

/// One-line summary.
std::string describe(PreprocessResult const& result, std::string const& datasetPath);

}  // namespace vocloud::preprocess
