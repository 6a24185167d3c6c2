#include "som/somoclu_files.hpp"

#include "core/error.hpp"

#include <cstdio>

namespace vocloud::som {

namespace {

std::string header(SomGrid const& grid) {
  return "%" + std::to_string(grid.rows) + " " + std::to_string(grid.cols) + "\n";
}

}  // namespace

std::string somocluWeights(Codebook const& codebook) {
  std::string out = header(codebook.grid) + "%" + std::to_string(codebook.dims) + "\n";
  char buffer[64];
  for (int k = 0; k < codebook.nodes(); ++k) {
    float const* w = codebook.node(k);
    for (std::size_t d = 0; d < codebook.dims; ++d) {
      // somoclu's own precision, so its readers see the same numbers.
      int const len = std::snprintf(buffer, sizeof buffer, "%0.10f ", static_cast<double>(w[d]));
      out.append(buffer, static_cast<std::size_t>(len));
    }
    out += '\n';
  }
  return out;
}

std::string somocluUMatrix(SomGrid const& grid, std::vector<double> const& uMatrix) {
  if (uMatrix.size() != static_cast<std::size_t>(nodeCount(grid)))
    throw Error("som: the U-matrix does not match the map");
  std::string out = header(grid);
  char buffer[64];
  for (int r = 0; r < grid.rows; ++r) {
    for (int c = 0; c < grid.cols; ++c) {
      int const len = std::snprintf(buffer, sizeof buffer, " %f",
                                    uMatrix[static_cast<std::size_t>(r) * grid.cols + c]);
      out.append(buffer, static_cast<std::size_t>(len));
    }
    out += '\n';
  }
  return out;
}

void writeSomocluBmus(std::string const& path, SomGrid const& grid, std::vector<int> const& bmu,
                      std::uint64_t firstRow, std::uint64_t totalRows, comm::Comm const& comm) {
  std::string text;
  if (comm.isRoot()) text = header(grid) + "%" + std::to_string(totalRows) + "\n";
  text.reserve(text.size() + bmu.size() * 16);
  char buffer[64];
  for (std::size_t i = 0; i < bmu.size(); ++i) {
    int const len = std::snprintf(buffer, sizeof buffer, "%llu %d %d\n",
                                  static_cast<unsigned long long>(firstRow + i), bmu[i] % grid.cols,
                                  bmu[i] / grid.cols);
    text.append(buffer, static_cast<std::size_t>(len));
  }
  comm.writeOrdered(path, text);
}

}  // namespace vocloud::som
