#pragma once
// Data-parallel growth of one tree (LightGBM's data-parallel learner, adapted to random
// forests). Every rank keeps its rows; per level:
//   1. each open node draws its next features (nextFeatures, keyed by its path);
//   2. for a pair of siblings, the child with fewer samples builds the histograms of its
//      own features plus the features of its sibling that the parent has histograms of,
//      and the larger child takes those as parent - smaller child; everything else is built
//      directly (with per-node random features, the overlap is small unless max_features is
//      large; with all features it is LightGBM's scheme);
//   3. the local histograms (kernels/forest_histogram.hpp) of all nodes of the level are
//      summed over ranks in one allreduce of integer counts;
//   4. every rank scans the same reduced histograms and takes the same decisions; a node
//      whose examined features were constant stays open and draws more next level;
//   5. nodes with fewer than localNodeSamples bootstrap samples are set aside; when no open
//      node is left, each is finished on one rank: owners are assigned largest node first
//      to the least loaded rank, each rank sends its rows of the node to the owner only
//      (alltoallv in batches of at most 64 MiB), the owner puts them in global row order
//      and grows them with LocalGrower, and the subtrees are shared with every rank and
//      attached in the order the nodes were set aside.
// Every decision depends only on integer counts summed over ranks and on hashes of global
// row indices and node paths, so the tree is bitwise the same for any number of ranks and
// for any localNodeSamples.
#include "comm/comm.hpp"
#include "forest/tree_nodes.hpp"

#include <cstdint>
#include <vector>

namespace vocloud::forest::detail {

/// One rank's binned training data.
struct ShardData {
  int rows = 0;
  int features = 0;
  std::uint64_t globalOffset = 0;         ///< global index of local row 0
  std::uint8_t const* bins = nullptr;     ///< features x rows (feature-major), not owned
  std::uint8_t const* rowBins = nullptr;  ///< the same, rows x features (row-major), not owned
  std::vector<std::uint8_t> labels;
};

/// Grows tree params.tree from the rows with non-zero `weights` (per local row, the
/// bootstrap weight) into `out` (cleared first). Collective over comm.
void growTreeDistributed(comm::Comm const& comm, GrowParams const& params, SplitScorer& scorer,
                         ShardData const& shard, std::vector<std::uint32_t> const& weights,
                         std::uint64_t localNodeSamples, TreeNodes& out);

}  // namespace vocloud::forest::detail
