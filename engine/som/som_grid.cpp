#include "som/som_grid.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vocloud::som {

namespace {

double const kRowSpacingHex = std::sqrt(3.) / 2.;

void checkNode(SomGrid const& grid, int node) {
  if (node < 0 || node >= nodeCount(grid))
    throw Error("som: node " + std::to_string(node) + " is outside the " +
                std::to_string(grid.rows) + " x " + std::to_string(grid.cols) + " map");
}

/// Shortest separation along one axis of period `period` (no wrap when period <= 0).
double axisSeparation(double a, double b, double period) {
  double d = std::abs(a - b);
  if (period > 0.) {
    d = std::fmod(d, period);
    d = std::min(d, period - d);
  }
  return d;
}

int wrapIndex(int i, int size) {
  return ((i % size) + size) % size;
}

}  // namespace

void validateGrid(SomGrid const& grid) {
  if (grid.rows < 1 || grid.cols < 1)
    throw Error("som: the map needs at least 1 row and 1 column, got " + std::to_string(grid.rows) +
                " x " + std::to_string(grid.cols));
  if (static_cast<long long>(grid.rows) * grid.cols > std::numeric_limits<int>::max())
    throw Error("som: a " + std::to_string(grid.rows) + " x " + std::to_string(grid.cols) +
                " map has too many nodes");
  if (grid.hexagonal && grid.toroidal && grid.rows % 2 != 0)
    throw Error("som: a toroidal hexagonal map needs an even number of rows (got " +
                std::to_string(grid.rows) + "), else the shifted rows do not meet across the wrap");
}

int nodeCount(SomGrid const& grid) {
  return grid.rows * grid.cols;
}

NodePosition nodePosition(SomGrid const& grid, int node) {
  checkNode(grid, node);
  int const r = node / grid.cols;
  int const c = node % grid.cols;
  NodePosition p;
  p.x = c;
  p.y = r;
  if (grid.hexagonal) {
    if (r % 2 == 1) p.x += 0.5;
    p.y = r * kRowSpacingHex;
  }
  return p;
}

double positionDistance(SomGrid const& grid, NodePosition const& a, NodePosition const& b) {
  double const periodX = grid.toroidal ? grid.cols : 0.;
  double const periodY = grid.toroidal ? grid.rows * (grid.hexagonal ? kRowSpacingHex : 1.) : 0.;
  double const dx = axisSeparation(a.x, b.x, periodX);
  double const dy = axisSeparation(a.y, b.y, periodY);
  return std::sqrt(dx * dx + dy * dy);
}

double nodeDistance(SomGrid const& grid, int a, int b) {
  return positionDistance(grid, nodePosition(grid, a), nodePosition(grid, b));
}

std::vector<NodePosition> nodePositions(SomGrid const& grid) {
  validateGrid(grid);
  std::vector<NodePosition> out(nodeCount(grid));
  for (int k = 0; k < nodeCount(grid); ++k) out[k] = nodePosition(grid, k);
  return out;
}

std::vector<int> gridNeighbours(SomGrid const& grid, int node, bool diagonal) {
  checkNode(grid, node);
  int const r = node / grid.cols;
  int const c = node % grid.cols;
  // (row, column) offsets; hexagonal offsets depend on whether the row is shifted.
  std::vector<std::pair<int, int>> offsets;
  if (grid.hexagonal) {
    int const shift = r % 2 == 1 ? 0 : -1;  // columns of the rows above and below
    offsets = {{0, -1}, {0, 1}, {-1, shift}, {-1, shift + 1}, {1, shift}, {1, shift + 1}};
  } else {
    offsets = {{-1, 0}, {0, -1}, {0, 1}, {1, 0}};
    if (diagonal) offsets.insert(offsets.end(), {{-1, -1}, {-1, 1}, {1, -1}, {1, 1}});
  }
  std::vector<int> out;
  for (auto const& [dr, dc] : offsets) {
    int rr = r + dr;
    int cc = c + dc;
    if (grid.toroidal) {
      rr = wrapIndex(rr, grid.rows);
      cc = wrapIndex(cc, grid.cols);
    } else if (rr < 0 || rr >= grid.rows || cc < 0 || cc >= grid.cols) {
      continue;
    }
    int const other = rr * grid.cols + cc;
    if (other != node) out.push_back(other);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool areNeighbours(SomGrid const& grid, int a, int b, bool diagonal) {
  checkNode(grid, b);
  std::vector<int> const n = gridNeighbours(grid, a, diagonal);
  return std::binary_search(n.begin(), n.end(), b);
}

}  // namespace vocloud::som
