#include "som/som_quality.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace vocloud::som {

double quantisationError(std::vector<float> const& dist2) {
  if (dist2.empty()) return 0.;
  double sum = 0.;
  for (float const d2 : dist2) sum += std::sqrt(static_cast<double>(d2));
  return sum / static_cast<double>(dist2.size());
}

double topographicErrorCount(SomGrid const& grid, std::vector<int> const& bmu,
                             std::vector<int> const& second, bool diagonal) {
  validateGrid(grid);
  if (bmu.size() != second.size())
    throw Error("som: topographic error of " + std::to_string(bmu.size()) + " BMUs and " +
                std::to_string(second.size()) + " second BMUs");
  int const nodes = nodeCount(grid);
  std::vector<std::vector<int>> neighbours(nodes);
  for (int k = 0; k < nodes; ++k) neighbours[k] = gridNeighbours(grid, k, diagonal);
  double count = 0.;
  for (std::size_t i = 0; i < bmu.size(); ++i) {
    if (second[i] < 0) continue;
    if (bmu[i] < 0 || bmu[i] >= nodes || second[i] >= nodes)
      throw Error("som: row " + std::to_string(i) + " has a BMU outside the map");
    auto const& n = neighbours[bmu[i]];
    if (!std::binary_search(n.begin(), n.end(), second[i])) count += 1.;
  }
  return count;
}

double topographicError(SomGrid const& grid, std::vector<int> const& bmu,
                        std::vector<int> const& second, bool diagonal) {
  if (bmu.empty()) return 0.;
  return topographicErrorCount(grid, bmu, second, diagonal) / static_cast<double>(bmu.size());
}

std::vector<double> hitsPerNode(std::vector<int> const& bmu, int nodes) {
  std::vector<double> hits(nodes > 0 ? nodes : 0, 0.);
  for (int const k : bmu)
    if (k >= 0 && k < nodes) hits[k] += 1.;
  return hits;
}

std::vector<double> uMatrix(Codebook const& codebook, bool diagonal) {
  validateGrid(codebook.grid);
  int const nodes = codebook.nodes();
  if (codebook.weights.size() != static_cast<std::size_t>(nodes) * codebook.dims)
    throw Error("som: the codebook's weights do not match its map and dimensions");
  std::vector<double> out(nodes, 0.);
  for (int k = 0; k < nodes; ++k) {
    std::vector<int> const n = gridNeighbours(codebook.grid, k, diagonal);
    if (n.empty()) continue;
    double total = 0.;
    for (int const j : n) {
      double d2 = 0.;
      for (std::size_t d = 0; d < codebook.dims; ++d) {
        double const diff =
            static_cast<double>(codebook.node(k)[d]) - static_cast<double>(codebook.node(j)[d]);
        d2 += diff * diff;
      }
      total += std::sqrt(d2);
    }
    out[k] = total / static_cast<double>(n.size());
  }
  return out;
}

}  // namespace vocloud::som
