#pragma once
// The evaluation's BMU pass with a shortlist for the density factor, so that the density
// factor's search rarely needs a second GEMM pass over the rows.
//
// The density factor's filter (som_density.hpp) needs, per row, rigorous lower and upper
// bounds of the distance to every node; they come from the product x'.w'^T of the centred
// row and codebook, which the BMU pass has just computed. The density model (hits and
// spreads per node) is only known once every row has its BMU, so the bounds cannot be used
// at once; instead the BMU pass keeps, per row, the `width` nodes with the smallest lower
// bounds (their float products) and the smallest lower bound of the nodes it leaves out.
// The density search then works on the listed nodes alone whenever their hits reach the
// mass and the radius it finds among them is below every left-out node's lower bound; then
// no left-out node can be in the neighbourhood, and the neighbourhood, its exact distances
// and so the factor are bitwise those of the full search. Other rows go through the full
// search (a GEMM of those rows only).
#include "som/batch_som.hpp"

#include <cstddef>
#include <vector>

namespace vocloud::som {

/// Per row, the nodes the BMU pass's bounds place nearest.
struct DensityShortlist {
  std::size_t width = 0;        ///< nodes listed per row (0: none; every row takes the full search)
  std::vector<int> node;        ///< [n][width], by no particular order
  std::vector<float> dot;       ///< [n][width], x'.w'_k of the centred row and node
  std::vector<double> norm2;    ///< [n], |x'|^2 of the centred row
  std::vector<double> outside;  ///< [n], smallest lower bound of |x - w_k|^2 over the nodes
                                ///< not listed (+inf when every node is listed)
};

/// Nodes listed per row for a map of `nodes` nodes and rows of `dims` values: up to 32 when
/// dims >= 256 (at most 272 bytes a row against 1024 of the row itself), else 0 (the
/// second GEMM pass is cheap at small dims).
std::size_t shortlistWidth(int nodes, std::size_t dims);

/// findBmus with second BMUs (the same results) that also fills `shortlist` for the n rows.
/// Throws vocloud::Error like findBmus.
void findBmusWithShortlist(Codebook const& codebook, float const* rows, std::size_t n,
                           std::size_t dims, int* bmu, float* dist2, int* second,
                           float* secondDist2, DensityShortlist& shortlist);

}  // namespace vocloud::som
