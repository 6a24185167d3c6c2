#pragma once
// Data-parallel growth of trees (LightGBM's data-parallel learner, adapted to random
// forests), a group of trees at a time. Every rank keeps its rows; for each tree of the
// group in turn, per level:
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
//   5. nodes with fewer than localNodeSamples bootstrap samples are set aside.
// Then the set-aside nodes of every tree of the group are finished, each on one rank, in
// one queue (tree_small_nodes.hpp): the ranks meet once per batch of the queue instead of
// once per tree, and the owners of more nodes balance better.
// Every decision depends only on integer counts summed over ranks and on hashes of global
// row indices and node paths, so each tree is bitwise the same for any number of ranks, any
// localNodeSamples and any group size.
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

struct SmallNode {
  int id = 0;
  std::uint64_t key = 0;
  int depth = 0;
  int begin = 0, end = 0;
  std::uint64_t samples = 0;
};

/// One tree of a group: the caller sets `tree` and `weights` (per local row, the bootstrap
/// weight); growth fills the rest and leaves the tree in `nodes`. Kept between groups, so
/// its arrays are reused.
struct GrowingTree {
  int tree = 0;
  std::vector<std::uint32_t> weights;
  Positions pos;                 ///< the rows with non-zero weight, by position
  std::vector<SmallNode> small;  ///< nodes set aside for the small-node phase
  TreeNodes nodes;
};

/// The buffers of the small-node phase's exchanges (rows sent and received, subtrees grown
/// here and everywhere), kept between groups so that each fill reuses their storage.
struct SmallNodeBuffers {
  std::vector<char> send, received;
  std::vector<double> mine, grown;
};

/// Grows trees[0 .. count) (params.tree is ignored: each tree's own is used). Collective
/// over comm.
void growTreesDistributed(comm::Comm const& comm, GrowParams const& params, SplitScorer& scorer,
                          ShardData const& shard, std::uint64_t localNodeSamples,
                          GrowingTree* trees, int count, SmallNodeBuffers& buffers);

}  // namespace vocloud::forest::detail
