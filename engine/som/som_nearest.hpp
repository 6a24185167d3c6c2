#pragma once
// The nodes nearest to each node of a map in data space, for the manifold residual's patches.
//
// The exact answer needs all K^2 distances; at 10^4 nodes of 1000 values that is 10^11
// double operations. nearestNodes finds the same nodes with the BMU kernel's GEMM form as a
// filter (kernels/som_bmu.hpp): blocks of nodes times the centred codebook on the host
// SGEMM, a rigorous bound on each approximate distance, then exact distances only for the
// nodes whose lower bound is within the count-th smallest upper bound. Memory: the codebook
// plus one block of kNearestBlock x K floats.
#include "som/batch_som.hpp"

#include <vector>

namespace vocloud::som {

/// For each node, the `count` other nodes nearest to it in data space (squared distance
/// sum_d (double(w_jd) - double(w_kd))^2 in kernels::detail::bmuExactDistance2's order, ties
/// to the lower index), nearest
/// first; fewer when the map has fewer nodes. Throws vocloud::Error for an invalid codebook.
std::vector<std::vector<int>> nearestNodes(Codebook const& codebook, int count);

/// The same from all K^2 exact distances: the plain host reference of nearestNodes.
std::vector<std::vector<int>> nearestNodesReference(Codebook const& codebook, int count);

}  // namespace vocloud::som
