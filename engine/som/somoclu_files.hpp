#pragma once
// somoclu's text outputs, so that scripts written for somoclu keep working:
//   .wts  "%rows cols", "%dims", then one line of weights per node (row-major: y, then x)
//   .bm   "%rows cols", "%vectors", then "i x y" per data row (x: column, y: row)
//   .umx  "%rows cols", then one line of U-matrix values per map row
// The .bm file is written by all ranks at their offsets (rows in global order).
#include "comm/comm.hpp"
#include "som/batch_som.hpp"

#include <string>
#include <vector>

namespace vocloud::som {

/// The .wts text of a codebook.
std::string somocluWeights(Codebook const& codebook);

/// The .umx text of a U-matrix of a rows x cols map.
std::string somocluUMatrix(SomGrid const& grid, std::vector<double> const& uMatrix);

/// Writes the .bm file of all ranks' BMUs: each rank's rows follow the previous ranks'
/// (firstRow is the global index of the local first row). Collective over comm.
void writeSomocluBmus(std::string const& path, SomGrid const& grid, std::vector<int> const& bmu,
                      std::uint64_t firstRow, std::uint64_t totalRows, comm::Comm const& comm);

}  // namespace vocloud::som
