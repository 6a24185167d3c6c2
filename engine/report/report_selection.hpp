#pragma once
// Which spectra the report includes and in which shard (docs/report-data.md, "Which spectra
// are included"). Pure functions of the tables read from the HDF5 outputs.
#include <cstdint>
#include <vector>

namespace vocloud::report {

/// The members of one SOM node: how many, and the listed sample (indexes into som.h5's
/// /spectra arrays), closest to the node first.
struct NodeMembers {
  std::uint64_t count = 0;
  std::vector<std::size_t> listed;
};

/// The members of each of `nodes` nodes from each spectrum's `bmu` and `distance`: all of
/// them, or the `perNode` closest (ties: the lower index) when there are more.
std::vector<NodeMembers> nodeMembers(std::size_t nodes, std::vector<std::int64_t> const& bmu,
                                     std::vector<double> const& distance, std::uint64_t perNode);

/// The spectra of one confusion cell (indexes into forest.h5's /spectra arrays, in row order).
struct Cell {
  std::uint64_t count = 0;
  std::vector<std::size_t> listed;
};

/// The out-of-fold confusion cells [true * classes + predicted] of the labelled rows: every
/// spectrum off the diagonal; on the diagonal an evenly spaced sample of `perCell` (the first,
/// and every count/perCell-th after it) when there are more.
std::vector<Cell> confusionCells(std::size_t classes, std::vector<std::int64_t> const& label,
                                 std::vector<std::int64_t> const& prediction,
                                 std::uint64_t perCell);

/// Assigns shards: the rows of `lists`, in order, each row once (its first appearance), then
/// cut into shards of `perShard`. Returns per row of the data set (0..rows-1) its shard, -1
/// when not included; `order` receives the included rows in shard order.
std::vector<std::int32_t> assignShards(std::uint64_t rows,
                                       std::vector<std::vector<std::int64_t>> const& lists,
                                       std::uint64_t perShard, std::vector<std::int64_t>& order);

}  // namespace vocloud::report
