#include "report/report_selection.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace vocloud::report {

std::vector<NodeMembers> nodeMembers(std::size_t nodes, std::vector<std::int64_t> const& bmu,
                                     std::vector<double> const& distance, std::uint64_t perNode) {
  std::vector<std::vector<std::size_t>> members(nodes);
  for (std::size_t i = 0; i < bmu.size(); ++i) {
    if (bmu[i] < 0 || static_cast<std::size_t>(bmu[i]) >= nodes)
      throw Error("report: som.h5 /spectra/bmu[" + std::to_string(i) +
                  "] = " + std::to_string(bmu[i]) + " is not a node of the map");
    members[static_cast<std::size_t>(bmu[i])].push_back(i);
  }
  std::vector<NodeMembers> out(nodes);
  for (std::size_t k = 0; k < nodes; ++k) {
    auto& m = members[k];
    out[k].count = m.size();
    std::stable_sort(m.begin(), m.end(),
                     [&](std::size_t a, std::size_t b) { return distance[a] < distance[b]; });
    if (m.size() > perNode) m.resize(perNode);
    out[k].listed = std::move(m);
  }
  return out;
}

std::vector<Cell> confusionCells(std::size_t classes, std::vector<std::int64_t> const& label,
                                 std::vector<std::int64_t> const& prediction,
                                 std::uint64_t perCell) {
  std::vector<std::vector<std::size_t>> members(classes * classes);
  for (std::size_t i = 0; i < label.size() && i < prediction.size(); ++i) {
    if (label[i] < 0 || prediction[i] < 0) continue;  // unlabelled, or never out of fold
    auto const t = static_cast<std::size_t>(label[i]), p = static_cast<std::size_t>(prediction[i]);
    if (t < classes && p < classes) members[t * classes + p].push_back(i);
  }
  std::vector<Cell> out(classes * classes);
  for (std::size_t c = 0; c < members.size(); ++c) {
    auto const& m = members[c];
    out[c].count = m.size();
    bool const diagonal = c / classes == c % classes;
    if (!diagonal || m.size() <= perCell) {
      out[c].listed = m;
      continue;
    }
    for (std::uint64_t j = 0; j < perCell; ++j) out[c].listed.push_back(m[j * m.size() / perCell]);
  }
  return out;
}

std::vector<std::int32_t> assignShards(std::uint64_t rows,
                                       std::vector<std::vector<std::int64_t>> const& lists,
                                       std::uint64_t perShard, std::vector<std::int64_t>& order) {
  std::vector<std::int32_t> shard(rows, -1);
  order.clear();
  for (auto const& list : lists)
    for (std::int64_t row : list) {
      if (row < 0 || static_cast<std::uint64_t>(row) >= rows)
        throw Error("report: row " + std::to_string(row) + " is not a row of the data set (" +
                    std::to_string(rows) + " rows)");
      auto& s = shard[static_cast<std::size_t>(row)];
      if (s >= 0) continue;
      s = static_cast<std::int32_t>(order.size() / perShard);
      order.push_back(row);
    }
  return shard;
}

}  // namespace vocloud::report
