#include "som/som_memory.hpp"

#include "kernels/som_bmu.hpp"

#include <algorithm>
#include <limits>

namespace vocloud::som {

double somBytesPerRank(SomGrid const& grid, std::uint64_t dims, std::uint64_t localRows,
                       int neighbours) {
  // In double: a 10^4 x 10^4 map of 10^4 values overflows no counter here.
  double const nodes = static_cast<double>(grid.rows) * static_cast<double>(grid.cols);
  double const d = static_cast<double>(dims), n = static_cast<double>(localRows);
  double const shard = n * d * 4.;
  double const codebook = nodes * d * 32.;
  // The host BMU search's block of products and centred rows (at most 2^21 products: fewer
  // rows on large maps), and its per-node bounds.
  double const blockRows = static_cast<double>(kernels::detail::bmuHostBlockRows(
      static_cast<int>(std::min(nodes, static_cast<double>(std::numeric_limits<int>::max())))));
  double const tile = blockRows * nodes * 4. + blockRows * d * 4. + 2. * nodes * 8.;
  double const perRow = n * 64.;
  double const perNode = nodes * (static_cast<double>(neighbours) * 4. + 128.);
  return shard + codebook + tile + perRow + perNode;
}

}  // namespace vocloud::som
