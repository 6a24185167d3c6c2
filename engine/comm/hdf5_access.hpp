#pragma once
// The MPI side of parallel HDF5: property lists that need an MPI communicator live here,
// so that engine/io can write one HDF5 file from all ranks without including mpi.h.
#include "comm/comm.hpp"

#include <cstdint>

namespace vocloud::comm {

/// A new file-access property list (an hid_t) that opens files with MPI-IO over `comm`.
/// The caller closes it (H5Pclose).
std::int64_t hdf5FileAccess(Comm const& comm);

/// A new data-transfer property list (an hid_t) for collective MPI-IO reads and writes.
/// The caller closes it (H5Pclose).
std::int64_t hdf5CollectiveTransfer();

}  // namespace vocloud::comm
