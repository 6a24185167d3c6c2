#pragma once
// The spectra shards (data/spectra/shard-NNNNNN.js): each included spectrum at every stage,
// recomputed from its raw file with the per-spectrum code preprocess uses (spectral/).
#include "comm/comm.hpp"
#include "report/report_model.hpp"
#include "spectral/grid.hpp"
#include "spectral/spectral_options.hpp"

#include <cstdint>
#include <string>

namespace vocloud::report {

/// How the data set's rows were made: the per-spectrum options of its recorded
/// configuration, and its grid.
struct SpectralRecipe {
  spectral::SpectralOptions options;
  spectral::Grid grid;
};

/// The name of spectra shard `shard` ("spectra/shard-000012").
std::string shardName(std::uint64_t shard);

/// The JSON of spectra shard `shard`. Serial.
std::string spectraShardJson(ReportModel const& m, SpectralRecipe const& recipe,
                             std::uint64_t shard);

/// Writes the spectra shards into `dataDir`, shard s by rank s % size. Returns how many this
/// rank wrote. Collective over comm (every rank returns only when all have written theirs,
/// or throws when one failed).
std::uint64_t writeSpectraShards(ReportModel const& m, SpectralRecipe const& recipe,
                                 std::string const& dataDir, comm::Comm const& comm);

}  // namespace vocloud::report
