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

/// The rows of the tree on this rank: local row, label and weight per position; a node
/// owns a range of positions, kept in increasing row order.
struct Positions {
  std::vector<int> row;
  std::vector<std::uint8_t> label;
  std::vector<std::uint32_t> weight;
  std::vector<int> tmpRow;
  std::vector<std::uint8_t> tmpLabel;
  std::vector<std::uint32_t> tmpWeight;

  /// Stable partition of [begin, end) by bin(feature) <= bin; returns the split point.
  int partition(ShardData const& shard, int begin, int end, int feature, int bin) {
    std::uint8_t const* col = shard.bins + std::size_t(feature) * shard.rows;
    int mid = begin, spill = 0;
    for (int k = begin; k < end; ++k) {
      if (col[row[k]] <= bin) {
        row[mid] = row[k];
        label[mid] = label[k];
        weight[mid++] = weight[k];
      } else {
        tmpRow[spill] = row[k];
        tmpLabel[spill] = label[k];
        tmpWeight[spill++] = weight[k];
      }
    }
    std::copy_n(tmpRow.begin(), spill, row.begin() + mid);
    std::copy_n(tmpLabel.begin(), spill, label.begin() + mid);
    std::copy_n(tmpWeight.begin(), spill, weight.begin() + mid);
    return mid;
  }
};

/// Finishes the small nodes of a tree: in batches, each rank sends every owner its rows of
/// that owner's nodes (one alltoallv); the owner merges them in global row order, grows the
/// subtrees, and the subtrees go to every rank (allgatherv) and are attached to `out` in
/// queue order. Collective over comm.
void finishSmallNodes(comm::Comm const& comm, GrowParams const& p, LocalGrower& grower,
                      ShardData const& shard, Positions const& pos,
                      std::vector<SmallNode> const& queue, TreeNodes& out);

}  // namespace vocloud::forest::detail
