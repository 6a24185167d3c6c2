#include "forest/forest_train.hpp"

#include "core/error.hpp"
#include "core/memory.hpp"
#include "forest/binning.hpp"
#include "forest/forest_random.hpp"
#include "forest/tree_distributed.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace vocloud::forest {

std::uint32_t bootstrapWeight(ForestConfig const& config, int tree, std::uint64_t row) {
  if (!config.bootstrap) return 1;
  return detail::poissonWeight(config.seed, tree, row, config.sampleFraction);
}

int permutedBin(std::uint64_t seed, int tree, int feature, std::uint64_t row,
                std::uint64_t const* cumulative, int bins) {
  std::uint64_t const total = cumulative[bins - 1];
  if (total == 0) return 0;
  std::uint64_t const h = detail::hash4(seed, detail::kPermuteStream ^ (std::uint64_t(tree) << 24),
                                        std::uint64_t(feature), row);
  auto target = static_cast<std::uint64_t>(detail::unitFromHash(h) * double(total));
  if (target >= total) target = total - 1;
  return static_cast<int>(std::upper_bound(cumulative, cumulative + bins, target) - cumulative);
}

namespace {

void checkShard(comm::Comm const& comm, BinnedShard const& s) {
  std::string problem;
  if (s.classes < 1 || s.classes > 256)
    problem = "classes must be in [1, 256] (got " + std::to_string(s.classes) + ")";
  else if (s.features < 1)
    problem = "no features";
  else if (s.rows > 0 && (s.bins == nullptr || s.labels == nullptr))
    problem = "rows without data or labels";
  for (std::size_t i = 0; problem.empty() && i < s.rows; ++i)
    if (s.labels[i] >= s.classes)
      problem = "label " + std::to_string(s.labels[i]) + " of global row " +
                std::to_string(s.globalOffset + i) + " is not below classes " +
                std::to_string(s.classes);
  bool const same =
      comm.allreduce(s.features, comm::Op::Min) == comm.allreduce(s.features, comm::Op::Max) &&
      comm.allreduce(s.classes, comm::Op::Min) == comm.allreduce(s.classes, comm::Op::Max);
  if (problem.empty() && !same) problem = "ranks disagree on the number of features or classes";
  if (!comm.allOk(problem.empty()))
    throw Error("forest: " +
                (problem.empty() ? std::string("invalid rows on another rank") : problem));
}

/// Fewest rows that a prediction gathers into a row-major tile: a tree walk then reads the
/// bytes of one row instead of one cache line of a feature column per level.
constexpr std::size_t kTileRows = 64;

/// Copies local rows rows[0 .. n) of feature-major bins (d x count) into `tile` (n x d,
/// row-major).
void gatherTile(std::uint8_t const* bins, std::size_t count, std::size_t d, std::size_t const* rows,
                std::size_t n, std::uint8_t* tile) {
  for (std::size_t f = 0; f < d; ++f) {
    std::uint8_t const* col = bins + f * count;
    for (std::size_t j = 0; j < n; ++j) tile[j * d + f] = col[rows[j]];
  }
}

/// Trees grown together: the small nodes of all of them are finished in one queue, so the
/// ranks meet once per group (and batch) rather than once per tree, and owners balance over
/// more nodes. Each tree is the same for any group size; a group keeps every tree's
/// weights, positions and nodes alive, about 20 bytes per local row and tree.
constexpr int kTreeGroup = 4;

/// Rows whose walks down a tree run side by side: a walk is a chain of dependent loads, and
/// several independent chains keep the core busy while each waits.
constexpr int kWalkGroup = 8;

/// A tree node as a walk reads it: the four fields a step needs in one 16-byte record
/// (ForestModel keeps them in four arrays, four cache lines apart).
struct WalkNode {
  std::int32_t feature, threshold, left, right;
};

/// Appends tree t of the model to `out` as WalkNodes (tree-local child indices).
void packTree(ForestModel const& m, int t, std::vector<WalkNode>& out) {
  for (std::int64_t k = m.treeOffsets[t]; k < m.treeOffsets[t + 1]; ++k)
    out.push_back({m.feature[k], m.thresholdBin[k], m.left[k], m.right[k]});
}

/// leaf[j] = the leaf (tree-local node index) of the packed tree `nodes` that row j (its
/// bins, row-major) reaches, for the n <= kWalkGroup rows, walked in lockstep: the same
/// leaves as leafOfBinned.
void leavesOf(WalkNode const* nodes, std::uint8_t const* const* rows, int n, std::int32_t* leaf) {
  std::int32_t node[kWalkGroup] = {};
  for (bool moved = true; moved;) {
    moved = false;
    for (int j = 0; j < n; ++j) {
      WalkNode const& w = nodes[node[j]];
      if (w.feature < 0) continue;
      moved = true;
      node[j] = int(rows[j][w.feature]) <= w.threshold ? w.left : w.right;
    }
  }
  for (int j = 0; j < n; ++j) leaf[j] = node[j];
}

/// The out-of-bag figures, one tree at a time: each row's sum of the leaf distributions of
/// the trees it is out of bag in and, with permutation importance, the accuracy drops.
class OutOfBag {
 public:
  OutOfBag(ForestConfig const& config, BinnedShard const& shard, std::uint8_t const* rowBins,
           std::vector<std::uint8_t> const& labels, std::vector<int> const& bins,
           std::vector<std::uint64_t> const& cumulative, ForestResult& result)
      : _config(config),
        _shard(shard),
        _rowBins(rowBins),
        _labels(labels),
        _bins(bins),
        _cumulative(cumulative),
        _r(result) {
    _r.oobProbabilitySums.assign(shard.rows * std::size_t(shard.classes), 0.);
    _r.oobTrees.assign(shard.rows, 0);
    if (permuting()) accuracyDrop.assign(std::size_t(shard.features), 0);
  }

  bool permuting() const { return _config.bootstrap && _config.permutationImportance; }

  /// Adds tree t of the model for the rows used (use[i]) and out of its bag (weight 0).
  void addTree(ForestModel const& m, int t, std::vector<std::uint8_t> const& use,
               std::vector<std::uint32_t> const& weights) {
    std::size_t const d = std::size_t(_shard.features);
    _walk.clear();
    packTree(m, t, _walk);
    std::int64_t const base = m.treeOffsets[t];
    std::size_t group[kWalkGroup];
    std::uint8_t const* rows[kWalkGroup];
    std::int32_t leaves[kWalkGroup];
    int n = 0;
    auto const flush = [&] {
      leavesOf(_walk.data(), rows, n, leaves);
      for (int j = 0; j < n; ++j) add(m, t, group[j], rows[j], base + leaves[j]);
      n = 0;
    };
    for (std::size_t i = 0; i < _shard.rows; ++i) {
      if (!use[i] || weights[i] != 0) continue;
      group[n] = i;
      rows[n++] = _rowBins + i * d;
      if (n == kWalkGroup) flush();
    }
    flush();
  }

  std::vector<long long> accuracyDrop;  ///< per feature, over this rank's OOB cases
  unsigned long long cases = 0;         ///< (row, tree) pairs out of bag

 private:
  /// Adds the leaf tree t routes local row i (bins `row`) to.
  void add(ForestModel const& m, int t, std::size_t i, std::uint8_t const* row, std::int64_t leaf) {
    int const k = _shard.classes;
    float const* v = m.value.data() + std::size_t(leaf) * k;
    for (int c = 0; c < k; ++c) _r.oobProbabilitySums[i * k + c] += v[c];
    ++_r.oobTrees[i];
    if (permuting()) permute(m, t, i, row, argmax(v, k) == _labels[i]);
  }

  /// Routes local row i again with each feature of its path replaced by its permuted bin.
  void permute(ForestModel const& m, int t, std::size_t i, std::uint8_t const* row, bool correct) {
    ++cases;
    int const label = _labels[i];
    int const k = _shard.classes;
    std::size_t const mb = _cumulative.size() / std::size_t(_shard.features);
    std::int64_t const base = m.treeOffsets[t];
    _path.clear();
    for (std::int64_t node = base; m.feature[node] >= 0;) {
      int const f = m.feature[node];
      if (std::find(_path.begin(), _path.end(), f) == _path.end()) _path.push_back(f);
      node = base + (row[f] <= m.thresholdBin[node] ? m.left[node] : m.right[node]);
    }
    std::uint64_t const g = _shard.globalOffset + i;
    for (int f : _path) {
      int const pb =
          permutedBin(_config.seed, t, f, g, _cumulative.data() + std::size_t(f) * mb, _bins[f]);
      auto const permuted = [&](int f2) { return f2 == f ? pb : int(row[f2]); };
      std::int64_t const leaf2 = leafOfBinned(m, t, permuted);
      bool const correct2 = argmax(m.value.data() + std::size_t(leaf2) * k, k) == label;
      accuracyDrop[f] += int(correct) - int(correct2);
    }
  }

  ForestConfig const& _config;
  BinnedShard const& _shard;
  std::uint8_t const* _rowBins;
  std::vector<std::uint8_t> const& _labels;
  std::vector<int> const& _bins;
  std::vector<std::uint64_t> const& _cumulative;
  ForestResult& _r;
  std::vector<int> _path;
  std::vector<WalkNode> _walk;  ///< the tree being added, packed
};

void appendTree(detail::TreeNodes const& t, BinEdges const& edges, ForestModel& m) {
  m.feature.insert(m.feature.end(), t.feature.begin(), t.feature.end());
  m.thresholdBin.insert(m.thresholdBin.end(), t.thresholdBin.begin(), t.thresholdBin.end());
  for (int k = 0; k < t.size(); ++k) {
    int const f = t.feature[k];
    m.threshold.push_back(f < 0 ? 0.f : edges.edges[edges.offsets[f] + t.thresholdBin[k]]);
  }
  m.left.insert(m.left.end(), t.left.begin(), t.left.end());
  m.right.insert(m.right.end(), t.right.begin(), t.right.end());
  m.samples.insert(m.samples.end(), t.samples.begin(), t.samples.end());
  m.impurityDecrease.insert(m.impurityDecrease.end(), t.gain.begin(), t.gain.end());
  m.value.insert(m.value.end(), t.value.begin(), t.value.end());
  m.treeOffsets.push_back(m.nodes());
}

/// Reserves the model's (still empty) arrays for `nodes` nodes and a quarter more: a forest
/// whose trees are about the size of the first then appends without moving the arrays (and
/// faulting in fresh pages) again and again, in huge pages where the kernel gives them.
/// Reserved storage that is never written costs address space only.
void reserveModel(ForestModel& m, std::size_t nodes) {
  for (auto* v : {&m.feature, &m.thresholdBin, &m.left, &m.right}) core::reserveAdvised(*v, nodes);
  core::reserveAdvised(m.threshold, nodes);
  core::reserveAdvised(m.samples, nodes);
  core::reserveAdvised(m.impurityDecrease, nodes);
  core::reserveAdvised(m.value, nodes * std::size_t(m.classes));
}

}  // namespace

ForestResult trainForest(ForestConfig const& config, comm::Comm const& comm,
                         ForestShard const& shard) {
  validateForestConfig(config);
  std::string problem;
  if (shard.rows > 0 && (shard.x == nullptr || shard.labels == nullptr))
    problem = "rows without data or labels";
  else if (shard.features < 1)
    problem = "no features";
  if (!comm.allOk(problem.empty()))
    throw Error("forest: " +
                (problem.empty() ? std::string("invalid rows on another rank") : problem));
  std::vector<std::uint8_t> use(shard.rows);
  for (std::size_t i = 0; i < shard.rows; ++i)
    use[i] = (shard.inTraining == nullptr || shard.inTraining[i]) && shard.labels[i] >= 0;
  BinEdges edges =
      computeBinEdges(comm, shard.x, shard.rows, shard.features, config.bins, use.data());
  std::vector<std::uint8_t> const bins = binFeatureMajor(edges, shard.x, shard.rows);
  BinnedShard const binned{bins.data(),  shard.rows,    shard.features,  shard.globalOffset,
                           shard.labels, shard.classes, shard.inTraining};
  return trainForestBinned(config, comm, binned, std::move(edges));
}

std::vector<double> predictProbaBinned(ForestModel const& model, std::uint8_t const* bins,
                                       std::size_t count, std::vector<std::size_t> const& rows) {
  std::size_t const d = std::size_t(model.features), k = std::size_t(model.classes);
  std::vector<double> out(rows.size() * k, 0.);
  // The trees packed for walking (16 bytes a node, once), then blocks of rows turned
  // row-major (about 256 KiB) walked tree by tree: a tree's nodes stay in cache while the
  // whole block walks it. Each row still sums in tree order.
  std::vector<WalkNode> walk;
  walk.reserve(std::size_t(model.nodes()));
  for (int t = 0; t < model.trees(); ++t) packTree(model, t, walk);
  std::size_t const block = std::max<std::size_t>(kTileRows, (std::size_t(1) << 18) / (d + 1));
  std::vector<std::uint8_t> tile(block * d);
  for (std::size_t r0 = 0; r0 < rows.size(); r0 += block) {
    std::size_t const n = std::min(block, rows.size() - r0);
    gatherTile(bins, count, d, rows.data() + r0, n, tile.data());
    std::uint8_t const* group[kWalkGroup];
    std::int32_t leaves[kWalkGroup];
    for (int t = 0; t < model.trees(); ++t) {
      std::int64_t const base = model.treeOffsets[t];
      for (std::size_t j0 = 0; j0 < n; j0 += kWalkGroup) {
        int const g = int(std::min<std::size_t>(kWalkGroup, n - j0));
        for (int j = 0; j < g; ++j) group[j] = tile.data() + (j0 + j) * d;
        leavesOf(walk.data() + base, group, g, leaves);
        for (int j = 0; j < g; ++j) {
          float const* v = model.value.data() + std::size_t(base + leaves[j]) * k;
          double* p = out.data() + (r0 + j0 + j) * k;
          for (std::size_t c = 0; c < k; ++c) p[c] += v[c];
        }
      }
    }
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t c = 0; c < k; ++c)
        out[(r0 + j) * k + c] /= model.trees() > 0 ? model.trees() : 1;
  }
  return out;
}

ForestResult trainForestBinned(ForestConfig const& config, comm::Comm const& comm,
                               BinnedShard const& shard, BinEdges edges) {
  validateForestConfig(config);
  checkShard(comm, shard);
  int const d = shard.features, k = shard.classes;
  std::size_t const rows = shard.rows;
  if (edges.features != d) throw Error("forest: bin edges of another number of features");
  std::vector<std::uint8_t> use(rows);
  for (std::size_t i = 0; i < rows; ++i)
    use[i] = (shard.inTraining == nullptr || shard.inTraining[i]) && shard.labels[i] >= 0;

  ForestResult r;
  ForestModel& m = r.model;
  m.classes = k;
  m.features = d;
  m.edges = std::move(edges);
  m.treeOffsets.push_back(0);

  detail::ShardData data;
  data.rows = static_cast<int>(rows);
  data.features = d;
  data.globalOffset = shard.globalOffset;
  data.bins = shard.bins;
  // Row-major too (one more byte per value): the out-of-bag walks and the rows sent to the
  // owners of small nodes read whole rows.
  std::vector<std::uint8_t> const rowBins = transposeBins(shard.bins, rows, d);
  data.rowBins = rowBins.data();
  data.labels.assign(rows, 0);
  std::vector<unsigned long long> classCounts(std::size_t(k), 0);
  for (std::size_t i = 0; i < rows; ++i) {
    if (!use[i]) continue;
    data.labels[i] = static_cast<std::uint8_t>(shard.labels[i]);
    ++classCounts[std::size_t(shard.labels[i])];
  }
  comm.allreduce(classCounts, comm::Op::Sum);
  r.classCounts.assign(classCounts.begin(), classCounts.end());
  std::uint64_t trainingRows = 0;
  for (auto c : r.classCounts) trainingRows += c;
  if (trainingRows == 0) throw Error("forest: no labelled training rows on any rank");
  r.classWeights.assign(std::size_t(k), 1.);
  if (config.classWeight == ClassWeight::Balanced)
    for (int c = 0; c < k; ++c)
      r.classWeights[c] =
          r.classCounts[c] ? double(trainingRows) / (double(k) * r.classCounts[c]) : 0.;

  detail::GrowParams p;
  p.seed = config.seed;
  p.features = d;
  p.classes = k;
  p.mtry = featuresPerSplit(config, d);
  p.maxDepth = config.maxDepth;
  p.minSamplesSplit = std::uint64_t(config.minSamplesSplit);
  p.minSamplesLeaf = std::uint64_t(config.minSamplesLeaf);
  for (int f = 0; f < d; ++f) p.bins.push_back(m.edges.bins(f));
  p.maxBins = m.edges.maxBins();
  p.gatherBatchBytes = config.gatherBatchBytes;
  detail::SplitScorer scorer(config.criterion, r.classWeights, p.minSamplesLeaf);

  // Global bin distribution of each feature over the training rows (permutation draws).
  bool const permute = config.bootstrap && config.permutationImportance;
  std::size_t const mb = std::size_t(p.maxBins);
  std::vector<std::uint64_t> cumulative;
  if (permute) {
    cumulative.assign(std::size_t(d) * mb, 0);
    for (int f = 0; f < d; ++f)
      for (std::size_t i = 0; i < rows; ++i)
        if (use[i]) ++cumulative[std::size_t(f) * mb + shard.bins[std::size_t(f) * rows + i]];
    comm.allreduce(reinterpret_cast<unsigned long long*>(cumulative.data()), cumulative.size(),
                   comm::Op::Sum);
    for (int f = 0; f < d; ++f)
      for (std::size_t b = 1; b < mb; ++b) cumulative[f * mb + b] += cumulative[f * mb + b - 1];
  }

  detail::PoissonWeights const poisson(config.sampleFraction);
  OutOfBag oob(config, shard, rowBins.data(), data.labels, p.bins, cumulative, r);
  std::vector<double> importance(std::size_t(d), 0.);
  std::vector<double> treeImportance(std::size_t(d), 0.);
  // Trees are grown kTreeGroup at a time: their small nodes share one queue.
  std::vector<detail::GrowingTree> group(std::size_t(std::min(kTreeGroup, config.trees)));
  detail::SmallNodeBuffers exchange;
  for (int t0 = 0; t0 < config.trees; t0 += kTreeGroup) {
    int const count = std::min(kTreeGroup, config.trees - t0);
    for (int g = 0; g < count; ++g) {
      int const t = t0 + g;
      std::vector<std::uint32_t>& weights = group[std::size_t(g)].weights;
      weights.resize(rows);
      group[std::size_t(g)].tree = t;
      for (std::size_t i = 0; i < rows; ++i)
        weights[i] = !use[i]            ? 0
                     : config.bootstrap ? poisson(config.seed, t, shard.globalOffset + i)
                                        : 1;
    }
    detail::growTreesDistributed(comm, p, scorer, data, config.localNodeSamples, group.data(),
                                 count, exchange);
    for (int g = 0; g < count; ++g) {
      int const t = t0 + g;
      detail::TreeNodes const& tree = group[std::size_t(g)].nodes;
      if (t == 0) reserveModel(m, std::size_t(tree.size()) * std::size_t(config.trees));
      appendTree(tree, m.edges, m);

      std::fill(treeImportance.begin(), treeImportance.end(), 0.);
      double treeTotal = 0.;
      for (int j = 0; j < tree.size(); ++j)
        if (tree.feature[j] >= 0) {
          treeImportance[std::size_t(tree.feature[j])] += tree.gain[j];
          treeTotal += tree.gain[j];
        }
      if (treeTotal > 0.)
        for (int f = 0; f < d; ++f) importance[f] += treeImportance[f] / treeTotal;
      if (config.bootstrap) oob.addTree(m, t, use, group[std::size_t(g)].weights);
    }
  }

  double importanceTotal = 0.;
  for (auto& v : importance) importanceTotal += (v /= config.trees);
  r.impurityImportance = importance;
  if (importanceTotal > 0.)
    for (auto& v : r.impurityImportance) v /= importanceTotal;

  unsigned long long wrong[2] = {0, 0};  // rows with an OOB vote, wrong ones among them
  for (std::size_t i = 0; i < rows; ++i) {
    if (r.oobTrees[i] == 0) continue;
    ++wrong[0];
    if (argmax(r.oobProbabilitySums.data() + i * k, k) != shard.labels[i]) ++wrong[1];
  }
  comm.allreduce(wrong, 2, comm::Op::Sum);
  r.oobRows = wrong[0];
  r.oobError =
      wrong[0] ? double(wrong[1]) / double(wrong[0]) : std::numeric_limits<double>::quiet_NaN();
  if (permute) {
    std::vector<long long>& accuracyDrop = oob.accuracyDrop;
    comm.allreduce(accuracyDrop, comm::Op::Sum);
    unsigned long long const oobCases = comm.allreduce(oob.cases, comm::Op::Sum);
    r.permutationImportance.assign(std::size_t(d), 0.);
    for (int f = 0; f < d; ++f)
      r.permutationImportance[f] = oobCases ? double(accuracyDrop[f]) / double(oobCases) : 0.;
  }
  return r;
}

}  // namespace vocloud::forest
