#pragma once
// The lattice of a self-organising map: node positions, distances on the map (planar or
// toroidal, rectangular or hexagonal) and the grid neighbours the U-matrix and the
// topographic error use. Pure functions.
#include <vector>

namespace vocloud::som {

/// A rows x cols lattice. Node k sits at row k / cols, column k % cols (row-major).
/// Rectangular: node (r, c) at (x, y) = (c, r). Hexagonal (as somoclu): odd rows are shifted
/// right by half a spacing and rows are sqrt(3)/2 apart, so every node has six neighbours
/// at distance 1. Toroidal: the map wraps in x (period cols) and in y (period rows, or
/// rows sqrt(3)/2 when hexagonal, which then needs an even number of rows).
struct SomGrid {
  int rows = 0;
  int cols = 0;
  bool hexagonal = false;
  bool toroidal = false;
};

/// A node's position on the map, in units of the node spacing.
struct NodePosition {
  double x = 0.;
  double y = 0.;
};

/// Throws vocloud::Error ("som: ...") unless rows and cols are >= 1, rows * cols fits in an
/// int, and a toroidal hexagonal grid has an even number of rows.
void validateGrid(SomGrid const& grid);

/// rows * cols.
int nodeCount(SomGrid const& grid);

/// Position of node `node` (0 <= node < nodeCount) as described at SomGrid.
NodePosition nodePosition(SomGrid const& grid, int node);

/// Euclidean distance between nodes a and b on the map, in node spacings; on a toroidal
/// map the shortest over the wrapped images (minimum image in x and in y).
double nodeDistance(SomGrid const& grid, int a, int b);

/// nodeDistance for positions already computed with nodePosition (no index checks; for
/// loops over many node pairs).
double positionDistance(SomGrid const& grid, NodePosition const& a, NodePosition const& b);

/// nodePosition of every node, in node order.
std::vector<NodePosition> nodePositions(SomGrid const& grid);

/// The grid neighbours of `node`, ascending, without the node itself or duplicates:
/// rectangular: the 4 nodes at distance 1 (with `diagonal`, also the 4 at sqrt(2));
/// hexagonal: the 6 nodes at distance 1 (`diagonal` is ignored). On a planar map nodes on
/// the border have fewer; on a toroidal map the neighbours wrap around.
std::vector<int> gridNeighbours(SomGrid const& grid, int node, bool diagonal = false);

/// Whether a and b are grid neighbours in the sense of gridNeighbours (a != b).
bool areNeighbours(SomGrid const& grid, int a, int b, bool diagonal = false);

}  // namespace vocloud::som
