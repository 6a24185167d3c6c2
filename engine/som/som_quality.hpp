#pragma once
// Measures of a trained map: quantisation and topographic errors, hits per node and the
// U-matrix. Functions of local rows return sums or counts that add over ranks; the
// "fraction" forms are for one process.
#include "som/batch_som.hpp"

#include <cstddef>
#include <vector>

namespace vocloud::som {

/// Mean Euclidean distance of rows to their BMU: mean of sqrt(dist2) (0 for no rows).
double quantisationError(std::vector<float> const& dist2);

/// Rows whose best and second-best nodes are not grid neighbours (gridNeighbours with
/// `diagonal`), as a count that adds over ranks; rows with second < 0 (a 1-node map) count
/// as ordered. bmu and second: one entry per row (findBmus with `second`).
double topographicErrorCount(SomGrid const& grid, std::vector<int> const& bmu,
                             std::vector<int> const& second, bool diagonal = false);

/// topographicErrorCount / rows (0 for no rows): the fraction of rows whose two nearest
/// nodes are not adjacent on the map.
double topographicError(SomGrid const& grid, std::vector<int> const& bmu,
                        std::vector<int> const& second, bool diagonal = false);

/// Rows per node: out[k] = number of i with bmu[i] == k (doubles, to add over ranks);
/// entries outside [0, nodes) are ignored.
std::vector<double> hitsPerNode(std::vector<int> const& bmu, int nodes);

/// U-matrix: for each node, the mean Euclidean distance between its weights and those of its
/// grid neighbours (gridNeighbours with `diagonal`); 0 for a node without neighbours.
std::vector<double> uMatrix(Codebook const& codebook, bool diagonal = false);

}  // namespace vocloud::som
