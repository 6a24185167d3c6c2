#include "io/dataset_shard.hpp"

#include "core/error.hpp"
#include "io/h5_store.hpp"

#include <algorithm>
#include <limits>

namespace vocloud::io {

std::string featureDataset(std::string const& features) {
  if (features == "flux") return "/flux";
  if (features == "pca" || features == "wavelet") return "/features/" + features;
  throw UsageError("dataset: unknown feature set '" + features + "' (flux, pca or wavelet)");
}

std::vector<std::uint64_t> shardStarts(std::uint64_t totalRows, ShardBalance balance,
                                       std::vector<std::uint8_t> const& labelled,
                                       comm::Comm const& comm) {
  auto const ranks = static_cast<std::uint64_t>(comm.size());
  std::vector<std::uint64_t> starts(ranks + 1);
  for (std::uint64_t r = 0; r <= ranks; ++r) starts[r] = totalRows * r / ranks;
  if (balance == ShardBalance::Rows) return starts;
  std::uint64_t const mine = static_cast<std::uint64_t>(comm.rank());
  if (labelled.size() != starts[mine + 1] - starts[mine])
    throw Error("dataset: shardStarts needs one labelled flag per row of the rank's block");
  unsigned long long local = 0;
  for (auto l : labelled) local += l ? 1 : 0;
  unsigned long long const before = comm.exscan<unsigned long long>(local);
  unsigned long long const total = comm.allreduce<unsigned long long>(local, comm::Op::Sum);
  if (total < ranks || totalRows < ranks) return starts;
  // Rank q starts at labelled row t_q = L q / P: the rank holding that labelled row names
  // its global index, the others add 0.
  std::vector<unsigned long long> at(ranks, 0);
  for (std::uint64_t q = 1; q < ranks; ++q) {
    unsigned long long const t =
        static_cast<unsigned long long>(static_cast<unsigned __int128>(total) * q / ranks);
    if (t < before || t >= before + local) continue;
    unsigned long long seen = before;
    for (std::size_t i = 0; i < labelled.size(); ++i) {
      if (!labelled[i]) continue;
      if (seen++ == t) {
        at[q] = starts[mine] + i;
        break;
      }
    }
  }
  comm.allreduce(at, comm::Op::Sum);
  // Within the memory bound and at least one row each: every start stays in reach of the
  // ranks after it (at most `cap` rows each) and leaves a row to each of them.
  std::uint64_t const cap = 2 * ((totalRows + ranks - 1) / ranks);
  for (std::uint64_t q = 1; q < ranks; ++q) {
    std::uint64_t const low = std::max<std::uint64_t>(
        {at[q], starts[q - 1] + 1,
         totalRows > (ranks - q) * cap ? totalRows - (ranks - q) * cap : 0});
    starts[q] = std::min<std::uint64_t>({low, starts[q - 1] + cap, totalRows - (ranks - q)});
  }
  return starts;
}

DatasetShard readDatasetShard(std::string const& path, std::string const& features,
                              comm::Comm const& comm, bool withRows, ShardBalance balance) {
  H5File const file = H5File::openParallel(path, comm, false);
  DatasetShard shard;
  shard.path = path;
  shard.name = featureDataset(features);
  if (!file.exists(shard.name))
    throw UsageError("dataset: " + path + " has no " + shard.name +
                     (features == "flux" ? "" : " (enable it in the preprocess section)"));
  H5Rows const set = H5Rows::open(file, shard.name);
  shard.totalRows = set.rows();
  shard.dims = set.cols();
  if (shard.totalRows == 0) throw UsageError("dataset: " + path + shard.name + " has no rows");
  if (shard.dims == 0)
    throw UsageError("dataset: " + path + shard.name + " is not a matrix of rows");
  auto const ranks = static_cast<std::uint64_t>(comm.size());
  auto const rank = static_cast<std::uint64_t>(comm.rank());
  shard.first = shard.totalRows * rank / ranks;
  shard.count = shard.totalRows * (rank + 1) / ranks - shard.first;
  bool const hasLabels = file.exists("/meta/label");
  if (balance != ShardBalance::Rows && hasLabels) {
    std::vector<std::uint8_t> labelled;
    for (auto const& label :
         H5Rows::open(file, "/meta/label").readStrings(shard.first, shard.count))
      labelled.push_back(label.empty() ? 0 : 1);
    std::vector<std::uint64_t> const starts = shardStarts(shard.totalRows, balance, labelled, comm);
    shard.first = starts[rank];
    shard.count = starts[rank + 1] - shard.first;
  }
  if (withRows) {
    shard.rows.resize(shard.count * shard.dims);
    set.read(shard.first, shard.count, shard.rows.data());
  }
  if (hasLabels)
    shard.labels = H5Rows::open(file, "/meta/label").readStrings(shard.first, shard.count);
  else
    shard.labels.assign(shard.count, std::string());
  if (features == "flux" && file.exists("/wave")) shard.wave = readSmall(file, "/wave");
  return shard;
}

ShardRows::ShardRows(DatasetShard const& shard)
    : _shard(shard), _file(H5File::openSerial(shard.path)), _set(H5Rows::open(_file, shard.name)) {}

float const* ShardRows::read(std::uint64_t first, std::uint64_t count) {
  if (first + count > _shard.count)
    throw Error("dataset: rows " + std::to_string(first) + ".." + std::to_string(first + count) +
                " are outside this rank's " + std::to_string(_shard.count) + " rows of " +
                _shard.path + _shard.name);
  _buffer.resize(count * _shard.dims);
  _set.read(_shard.first + first, count, _buffer.data());
  return _buffer.data();
}

std::vector<std::string> unionOfLabels(std::vector<std::string> const& local,
                                       comm::Comm const& comm) {
  std::vector<std::string> mine(local);
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  std::vector<char> packed;
  for (auto const& label : mine)
    if (!label.empty()) {
      packed.insert(packed.end(), label.begin(), label.end());
      packed.push_back('\0');
    }
  std::vector<char> const all = comm.allgatherv(packed);
  std::vector<std::string> labels;
  for (std::size_t start = 0; start < all.size();) {
    std::size_t end = start;
    while (end < all.size() && all[end] != '\0') ++end;
    labels.emplace_back(all.begin() + start, all.begin() + end);
    start = end + 1;
  }
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  return labels;
}

std::vector<int> classIndices(std::vector<std::string> const& labels,
                              std::vector<std::string> const& classes) {
  std::vector<int> out(labels.size(), -1);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto const it = std::lower_bound(classes.begin(), classes.end(), labels[i]);
    if (it != classes.end() && *it == labels[i] && !labels[i].empty())
      out[i] = static_cast<int>(it - classes.begin());
  }
  return out;
}

RowMeta readRowMeta(std::string const& path, std::vector<std::int64_t> const& rows) {
  H5File const file = H5File::openSerial(path);
  // A column the data set lacks (one made by another tool) reads as empty strings or NaN.
  auto strings = [&](std::string const& name) {
    std::vector<std::string> values;
    if (!file.exists(name)) return std::vector<std::string>(rows.size());
    H5Rows const set = H5Rows::open(file, name);
    for (std::int64_t const row : rows)
      values.push_back(set.readStrings(static_cast<std::uint64_t>(row), 1).at(0));
    return values;
  };
  auto numbers = [&](std::string const& name) {
    std::vector<double> values(rows.size(), std::numeric_limits<double>::quiet_NaN());
    if (!file.exists(name)) return values;
    H5Rows const set = H5Rows::open(file, name);
    for (std::size_t i = 0; i < rows.size(); ++i)
      set.read(static_cast<std::uint64_t>(rows[i]), 1, &values[i]);
    return values;
  };
  if (!file.exists("/meta/id")) throw Error("dataset: " + path + " has no /meta/id");
  RowMeta meta;
  meta.id = strings("/meta/id");
  meta.label = strings("/meta/label");
  meta.ra = numbers("/meta/ra");
  meta.dec = numbers("/meta/dec");
  meta.path = strings("/meta/path");
  return meta;
}

}  // namespace vocloud::io
