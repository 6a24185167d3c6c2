#pragma once
// Checkpoints of a SOM training: the codebook, the epochs done, the fixed-point exponent
// and the per-epoch measures, tagged with the fingerprint of the run that wrote them so
// that only the same training (same data, same parameters) continues from one. The file is
// written under a temporary name and renamed, so a kill leaves the previous checkpoint.
#include "comm/comm.hpp"
#include "som/som_distributed.hpp"

#include <optional>
#include <string>

namespace vocloud::som {

/// Writes `state` to `path` (HDF5: /codebook, /history/*, attributes). Rank 0 writes;
/// the others wait for it, and every rank throws when rank 0 fails. Collective over comm.
void writeCheckpoint(std::string const& path, TrainingState const& state,
                     std::string const& fingerprint, comm::Comm const& comm);

/// The state in `path` when the file exists and its fingerprint and map shape match;
/// otherwise nothing, with `why` saying what did not match. A file that cannot be read at all
/// (a corrupt checkpoint) is removed when `setAside` (the training then starts over) and
/// kept otherwise; `why` says which. Rank 0 reads and broadcasts. Collective over comm.
std::optional<TrainingState> readCheckpoint(std::string const& path, std::string const& fingerprint,
                                            SomGrid const& grid, std::size_t dims,
                                            bool setAside, comm::Comm const& comm,
                                            std::string& why);

}  // namespace vocloud::som
