#pragma once
// The small-node phase of growTreeDistributed (tree_distributed.hpp, step 5): the nodes set
// aside below localNodeSamples are finished on one owner rank each.
#include "comm/comm.hpp"
#include "forest/tree_distributed.hpp"

#include <cstdint>
#include <vector>

namespace vocloud::forest::detail {

struct SmallNode {
  int id = 0;
  std::uint64_t key = 0;
  int depth = 0;
  int begin = 0, end = 0;
  std::uint64_t samples = 0;
};

/// Finishes the small nodes of a tree: in batches, each rank sends every owner its rows of
/// that owner's nodes (one alltoallv); the owner merges them in global row order, grows the
/// subtrees, and the subtrees go to every rank (allgatherv) and are attached to `out` in
/// queue order. Collective over comm.
void finishSmallNodes(comm::Comm const& comm, GrowParams const& p, LocalGrower& grower,
                      ShardData const& shard, Positions const& pos,
                      std::vector<SmallNode> const& queue, TreeNodes& out);

}  // namespace vocloud::forest::detail
