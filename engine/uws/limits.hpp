#pragma once
// Per-user limits of the service that are not the scheduler's (running jobs per user are
// the scheduler's queue): the disk a user's job folders hold.
#include "uws/job_store.hpp"

#include <cstdint>
#include <string>

namespace vocloud::uws {

/// Bytes of the regular files below `dir` (symbolic links not followed; 0 when it is gone).
/// Files that vanish while it counts are skipped.
std::uintmax_t folderBytes(std::string const& dir);

/// Bytes of all of `owner`'s job folders in `store`.
std::uintmax_t userDiskBytes(JobStore const& store, std::string const& owner);

}  // namespace vocloud::uws
