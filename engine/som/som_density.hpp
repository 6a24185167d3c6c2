#pragma once
// The density factor of a spectrum against a trained map: a local outlier factor (Breunig et
// al. 2000) in which the map's nodes, weighted by their hits, stand in for the rows.
//
// A group of outliers that is alike (featureless spectra, the same wrong calibration) can
// capture a node of its own; its rows then lie close to their BMU and to the local surface
// of the map, and only the emptiness around the group gives it away. The density factor
// measures that emptiness relative to the density the neighbouring spectra see.
//
// Node k stands for its h_k rows, spread around w_k by s_k, the median BMU distance of those
// rows. The effective distance from a point p (a row or a node vector) to node k is
//   d(p, k) = sqrt(|p - w_k|^2 + s_k^2),
// about the root-mean-square distance from p to a row spread isotropically around w_k by
// s_k (exactly so if s_k were the rows' RMS distance rather than their median one).
// With the mass m (rows: a fraction of the data set, clamped to [1, all rows]):
//   N(p)      the nodes with hits taken in order of d(p, k) (ties: lower index) until their
//             hits add up to at least m;
//   r(p)      d(p, k) of the last node of N(p) (the reach radius);
//   reach(p, k) = max(d(p, k), r(w_k));
//   lrd(p)    = sum_{k in N(p)} h_k / sum_{k in N(p)} h_k reach(p, k);
//   LOF(p)    = [sum_{k in N(p)} h_k lrd(w_k) / sum_{k in N(p)} h_k] / lrd(p).
// A row whose neighbourhood is as dense as its neighbours' neighbourhoods scores about 1; a
// small group far from the rest scores well above 1 once m exceeds the group's size. Nodes
// without hits take no part. Reach distances have a floor of 1e-9 of the largest reach
// radius (or of the codebook's extent when every radius is 0), and factors are capped at
// 1e18, so that degenerate maps (rows identical to their nodes) give finite factors.
//
// Distances are double sums over dims in a fixed order, found with the BMU kernel's GEMM
// form and its rigorous error bound as a filter (the bound is stated for sums in index
// order; double rounding in any other fixed order is inside its margin), so each
// row's factor depends only on the row, the codebook, the hits and the spreads: the same
// for any number of ranks, and equal to the *Reference functions' bitwise. Hits must be
// whole numbers, so that their sums are exact in any order.
#include "som/batch_som.hpp"

#include <cstddef>
#include <vector>

namespace vocloud::som {

/// The nodes' part of the density factor: what every row's factor is computed against.
struct DensityModel {
  double mass = 0.;                 ///< m, in rows
  std::vector<double> hits;         ///< h_k, per node
  std::vector<double> spread2;      ///< s_k^2, per node (0 for nodes without hits)
  std::vector<double> reachRadius;  ///< r(w_k), per node (0 for nodes without hits)
  std::vector<double> density;      ///< lrd(w_k), per node (0 for nodes without hits)
};

/// The density model of a map from the global hits and median BMU distances per node (NaN
/// or anything for nodes without hits). mass: m in rows, clamped to [1, sum of hits].
/// Throws vocloud::Error when hits or medians do not have one entry per node, a hit count
/// is negative or not a whole number, a node with hits has no finite non-negative median,
/// the mass is not finite, or no node has hits.
DensityModel densityModel(Codebook const& codebook, std::vector<double> const& hits,
                          std::vector<double> const& nodeMedian, double mass);

/// The same from exact distances to every node, without the filter: the plain host
/// reference the tests compare densityModel with.
DensityModel densityModelReference(Codebook const& codebook, std::vector<double> const& hits,
                                   std::vector<double> const& nodeMedian, double mass);

/// LOF of n local rows (n x codebook.dims floats, finite) against the model (GEMM filter on
/// Kokkos' default host space, then exact distances of the candidates). Throws
/// vocloud::Error for a model that does not fit the map, has no node with hits or has a
/// mass outside [1, sum of hits].
std::vector<float> densityFactors(Codebook const& codebook, DensityModel const& model,
                                  float const* rows, std::size_t n);

/// The same from every node's exact distance, without the filter: the plain host
/// reference the tests compare densityFactors with.
std::vector<float> densityFactorsReference(Codebook const& codebook, DensityModel const& model,
                                           float const* rows, std::size_t n);

}  // namespace vocloud::som
