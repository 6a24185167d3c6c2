#pragma once
// The small-node phase of growTreesDistributed (tree_distributed.hpp): the nodes set aside
// below localNodeSamples are finished on one owner rank each.
#include "comm/comm.hpp"
#include "forest/tree_distributed.hpp"

#include <cstdint>
#include <vector>

namespace vocloud::forest::detail {

/// Finishes the small nodes of trees[0 .. count), tree by tree in the order they were set
/// aside, in batches: each rank sends every owner its rows of that owner's nodes (one
/// alltoallv); the owner merges them in global row order, grows the subtrees, and the
/// subtrees go to every rank (allgatherv) and are attached to their trees in queue order.
/// Collective over comm.
void finishSmallNodes(comm::Comm const& comm, GrowParams const& p, LocalGrower& grower,
                      ShardData const& shard, GrowingTree* trees, int count,
                      SmallNodeBuffers& buffers);

}  // namespace vocloud::forest::detail
