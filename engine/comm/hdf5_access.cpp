#include "comm/hdf5_access.hpp"

#include "core/error.hpp"

#include <hdf5.h>
#include <mpi.h>

namespace vocloud::comm {

std::int64_t hdf5FileAccess(Comm const& comm) {
  hid_t const fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0) throw Error("hdf5: cannot create a file-access property list");
  if (H5Pset_fapl_mpio(fapl, *static_cast<MPI_Comm*>(comm.handle()), MPI_INFO_NULL) < 0) {
    H5Pclose(fapl);
    throw Error("hdf5: H5Pset_fapl_mpio failed (is this a parallel HDF5?)");
  }
  return fapl;
}

std::int64_t hdf5CollectiveTransfer() {
  hid_t const dxpl = H5Pcreate(H5P_DATASET_XFER);
  if (dxpl < 0 || H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0)
    throw Error("hdf5: cannot create a collective transfer property list");
  return dxpl;
}

}  // namespace vocloud::comm
