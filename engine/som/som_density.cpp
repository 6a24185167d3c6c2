#include "som/som_density.hpp"

#include "core/error.hpp"
#include "kernels/som_bmu.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>

namespace vocloud::som {

namespace {

using HostSpace = Kokkos::DefaultHostExecutionSpace;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
using HostMatrix = Kokkos::View<float const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>;

/// Cap of the density factor.
constexpr double kLargestFactor = 1e18;

/// (effective squared distance, node): ordered lexicographically, so ties go to the lower node.
using Neighbour = std::pair<double, int>;

/// What the neighbourhood search needs: the populated nodes, their hits and spreads, the mass.
struct MassSearch {
  std::vector<int> populated;
  std::vector<double> const* hits = nullptr;
  std::vector<double> const* spread2 = nullptr;
  double mass = 1.;
  std::size_t guess = 1;  ///< nodes sorted first when looking for the mass (keepMassPrefix)
};

/// Squared distance in double precision, summed in a fixed order that depends on nothing but
/// dims: four interleaved partial sums (dimension d goes to sum d % 4), then
/// (s0 + s1) + (s2 + s3). Independent sums do not wait on each other's latency; any fixed
/// order is as reproducible as index order, and double rounding stays far inside the
/// GEMM filter's bound.
double exactDistance2(float const* x, float const* w, std::size_t dims) {
  double lane[4] = {0., 0., 0., 0.};
  std::size_t d = 0;
  for (; d + 4 <= dims; d += 4)
    for (std::size_t l = 0; l < 4; ++l) {
      double const diff = static_cast<double>(x[d + l]) - static_cast<double>(w[d + l]);
      lane[l] += diff * diff;
    }
  for (std::size_t l = 0; d < dims; ++d, ++l) {
    double const diff = static_cast<double>(x[d]) - static_cast<double>(w[d]);
    lane[l] += diff * diff;
  }
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

/// Nodes per group of appendExact.
constexpr std::size_t kExactGroup = 4;

/// exactDistance2 of x to kExactGroup nodes at once: per node the same operations in the same
/// order (so the same bits), but kExactGroup independent chains of additions, so that their
/// latency overlaps and x is read once for all of them.
void exactDistance2Group(float const* x, float const* const* w, std::size_t dims, double* out) {
  double lane[kExactGroup][4] = {};
  std::size_t d = 0;
  for (; d + 4 <= dims; d += 4) {
    double xd[4];
    for (std::size_t l = 0; l < 4; ++l) xd[l] = static_cast<double>(x[d + l]);
    for (std::size_t j = 0; j < kExactGroup; ++j)
      for (std::size_t l = 0; l < 4; ++l) {
        double const diff = xd[l] - static_cast<double>(w[j][d + l]);
        lane[j][l] += diff * diff;
      }
  }
  for (std::size_t j = 0; j < kExactGroup; ++j) {
    for (std::size_t l = 0, e = d; e < dims; ++e, ++l) {
      double const diff = static_cast<double>(x[e]) - static_cast<double>(w[j][e]);
      lane[j][l] += diff * diff;
    }
    out[j] = (lane[j][0] + lane[j][1]) + (lane[j][2] + lane[j][3]);
  }
}

/// Appends (exactDistance2(x, w_k) + s_k^2, k) for the `count` nodes k of `nodes` to `out`,
/// in that order, kExactGroup nodes at a time.
void appendExact(float const* x, Codebook const& codebook, std::vector<double> const& spread2,
                 int const* nodes, std::size_t count, std::vector<Neighbour>& out) {
  std::size_t const dims = codebook.dims;
  std::size_t t = 0;
  for (; t + kExactGroup <= count; t += kExactGroup) {
    float const* w[kExactGroup];
    double d2[kExactGroup];
    for (std::size_t j = 0; j < kExactGroup; ++j) w[j] = codebook.node(nodes[t + j]);
    exactDistance2Group(x, w, dims, d2);
    for (std::size_t j = 0; j < kExactGroup; ++j)
      out.emplace_back(d2[j] + spread2[nodes[t + j]], nodes[t + j]);
  }
  for (; t < count; ++t)
    out.emplace_back(exactDistance2(x, codebook.node(nodes[t]), dims) + spread2[nodes[t]],
                     nodes[t]);
}

/// When the first `limit` candidates (sorted) reach the mass, keeps the shortest prefix that
/// does and returns true.
bool cutAtMass(std::vector<Neighbour>& candidates, MassSearch const& search, std::size_t limit) {
  double cumulative = 0.;
  for (std::size_t t = 0; t < limit; ++t) {
    cumulative += (*search.hits)[candidates[t].second];
    if (cumulative >= search.mass) {
      candidates.resize(t + 1);
      return true;
    }
  }
  return false;
}

/// Sorts the candidates and keeps the shortest prefix whose hits reach the mass (all of them
/// when they do not). The prefix is usually short: the nearest `guess` are sorted first, then
/// twice as many while those fall short. Each step is a selection then a sort of the newly
/// selected (pairs are distinct, so the order is total and the result is a full sort's
/// prefix whatever the guess, at O(K) per step instead of O(K log K)).
void keepMassPrefix(std::vector<Neighbour>& candidates, MassSearch const& search,
                    std::size_t guess) {
  std::size_t sorted = 0;
  std::size_t want = std::min(candidates.size(), std::max<std::size_t>(guess, 1));
  while (want > sorted) {
    auto const first = candidates.begin() + static_cast<std::ptrdiff_t>(sorted);
    auto const middle = candidates.begin() + static_cast<std::ptrdiff_t>(want);
    if (middle != candidates.end()) std::nth_element(first, middle - 1, candidates.end());
    std::sort(first, middle);
    if (cutAtMass(candidates, search, want)) return;
    sorted = want;
    want = std::min(candidates.size(), 2 * want);
  }
}

void keepMassPrefix(std::vector<Neighbour>& candidates, MassSearch const& search) {
  keepMassPrefix(candidates, search, search.guess);
}

/// The mass neighbourhood of every row from every populated node's exact distance.
template <class Visit>
void forEachNeighbourhoodExact(Codebook const& codebook, MassSearch const& search,
                               float const* rows, std::size_t n, Visit const& visit) {
  std::size_t const dims = codebook.dims;
  std::vector<Neighbour> neighbours;
  for (std::size_t i = 0; i < n; ++i) {
    neighbours.clear();
    appendExact(rows + i * dims, codebook, *search.spread2, search.populated.data(),
                search.populated.size(), neighbours);
    keepMassPrefix(neighbours, search);
    visit(i, neighbours);
  }
}

/// What one block of the filtered search keeps from row to row.
struct FilterScratch {
  std::vector<double> lowerOf, upperOf;  ///< bounds of the effective distances, per node
  std::vector<Neighbour> upper, candidates;
  std::vector<int> pending;            ///< nodes whose exact distance is needed next
  std::vector<std::uint8_t> measured;  ///< per node: its exact distance is in candidates
  std::size_t guess = 1;               ///< keepMassPrefix's first guess
};

/// upperMassPrefix takes the heap while the guess is at most this share of the nodes.
constexpr std::size_t kHeapShare = 8;

/// The nodes that hold the mass by upper bounds, into f.upper: the shortest prefix of
/// (upper bound, node) in order whose hits reach the mass, as keepMassPrefix finds it. The
/// f.guess smallest come from one pass with a bounded max-heap (most nodes fail a single
/// comparison with its top); only when they fall short are all nodes selected and sorted.
void upperMassPrefix(MassSearch const& search, FilterScratch& f) {
  std::size_t const keep = std::max<std::size_t>(f.guess, 1);
  auto& heap = f.upper;
  heap.clear();
  if (keep * kHeapShare > search.populated.size()) {  // a large share: select, then sort
    for (int const k : search.populated) heap.emplace_back(f.upperOf[k], k);
    keepMassPrefix(heap, search, keep);
    return;
  }
  // Nodes come in increasing index, so a node ties with none in the heap to its advantage:
  // it enters exactly when its bound is below the top's.
  double top = 0.;
  for (int const k : search.populated) {
    double const bound = f.upperOf[k];
    if (heap.size() < keep) {
      heap.emplace_back(bound, k);
      std::push_heap(heap.begin(), heap.end());
    } else if (bound < top) {
      std::pop_heap(heap.begin(), heap.end());
      heap.back() = Neighbour(bound, k);
      std::push_heap(heap.begin(), heap.end());
    } else {
      continue;
    }
    top = heap.front().first;
  }
  std::sort_heap(heap.begin(), heap.end());
  if (cutAtMass(heap, search, heap.size()) || heap.size() < keep) return;
  heap.clear();
  for (int const k : search.populated) heap.emplace_back(f.upperOf[k], k);
  keepMassPrefix(heap, search, 2 * keep);
}

/// The mass neighbourhood of row x (in scratch.candidates) from its bounds in scratch: the
/// nodes that surely hold the mass (by upper bounds), then their exact distances, whose mass
/// radius bounds the true one from above; then every other node whose lower bound is within
/// that radius, which may come before.
void filteredNeighbourhood(float const* x, Codebook const& codebook, MassSearch const& search,
                           FilterScratch& f) {
  upperMassPrefix(search, f);
  f.pending.clear();
  for (auto const& [bound, k] : f.upper) {
    f.pending.push_back(k);
    f.measured[k] = 1;
  }
  f.candidates.clear();
  appendExact(x, codebook, *search.spread2, f.pending.data(), f.pending.size(), f.candidates);
  std::sort(f.candidates.begin(), f.candidates.end());
  cutAtMass(f.candidates, search, f.candidates.size());
  double const radius2 = f.candidates.back().first;
  f.pending.clear();
  for (int const k : search.populated)
    if (f.lowerOf[k] <= radius2 && !f.measured[k]) f.pending.push_back(k);
  for (auto const& [bound, k] : f.upper) f.measured[k] = 0;
  appendExact(x, codebook, *search.spread2, f.pending.data(), f.pending.size(), f.candidates);
  keepMassPrefix(f.candidates, search, f.guess);
  // Neighbourhoods of nearby rows are alike in size: this one's, with some room, is the
  // next guess (it changes the work, never the result).
  f.guess = std::max(search.guess, f.candidates.size() + f.candidates.size() / 4 + 2);
}

/// The same neighbourhoods, with the BMU kernel's GEMM form as a filter: upper bounds of the
/// effective distances give a radius that surely holds the mass; only nodes whose lower bound
/// is within it get their exact distance.
template <class Visit>
void forEachNeighbourhood(Codebook const& codebook, MassSearch const& search, float const* rows,
                          std::size_t n, Visit const& visit) {
  if (n == 0) return;
  HostSpace const space;
  std::size_t const dims = codebook.dims;
  int const nodes = codebook.nodes();
  HostMatrix const w(codebook.weights.data(), nodes, dims);
  HostMatrix const x(rows, n, dims);
  auto const centred = kernels::detail::bmuCentreCodebook(space, w);
  space.fence();
  kernels::hostGemmThreadsPerRank();
  Eigen::Map<kernels::detail::BmuMatrixF const> const wc(centred.w.data(), nodes,
                                                         static_cast<Eigen::Index>(dims));
  kernels::detail::BmuErrorBound const bound = kernels::detail::bmuErrorBound(dims);
  kernels::detail::bmuForEachHostBlock(
      space, "vocloud::som::density_blocks", n, kernels::detail::bmuHostBlockRows(nodes), nodes,
      static_cast<int>(dims),
      [&](std::size_t const first, int const count, kernels::detail::BmuHostScratch& scratch) {
        kernels::detail::bmuCentredProduct(x, first, count, centred, wc, scratch);
        std::vector<double> const& xNorm2 = scratch.xNorm2;
        double const* norm2 = centred.norm2.data();
        double const* norm = centred.norm.data();
        double const* spread2 = search.spread2->data();
        FilterScratch f;
        f.measured.assign(static_cast<std::size_t>(nodes), 0);
        f.lowerOf.resize(static_cast<std::size_t>(nodes));
        f.upperOf.resize(static_cast<std::size_t>(nodes));
        f.guess = search.guess;
        for (int r = 0; r < count; ++r) {
          double const x2 = xNorm2[static_cast<std::size_t>(r)];
          double const xNorm = std::sqrt(x2);
          // Every node's bounds (those without hits are not read): one loop over
          // contiguous arrays, which the compiler vectorises.
          float const* dots = scratch.s.data() + static_cast<std::ptrdiff_t>(r) * nodes;
          for (int k = 0; k < nodes; ++k) {
            double const approx = x2 - 2. * static_cast<double>(dots[k]) + norm2[k];
            double const error = kernels::detail::bmuSlack(bound, xNorm, norm[k]);
            f.lowerOf[k] = std::max(0., approx - error) + spread2[k];
            f.upperOf[k] = approx + error + spread2[k];
          }
          std::size_t const i = first + static_cast<std::size_t>(r);
          filteredNeighbourhood(rows + i * dims, codebook, search, f);
          visit(i, f.candidates);
        }
      });
}

/// Floor of the reach distances, so that a map whose rows all coincide with their nodes
/// gives finite densities instead of 0 / 0: 1e-9 of the largest reach radius, or of the
/// codebook's largest coordinate when every radius is 0.
double reachFloor(Codebook const& codebook, DensityModel const& model) {
  double largest = 0.;
  for (double const r : model.reachRadius) largest = std::max(largest, r);
  if (largest == 0.)
    for (float const w : codebook.weights) largest = std::max(largest, std::abs(double(w)));
  return largest > 0. ? 1e-9 * largest : 1e-300;
}

/// lrd of a point from its neighbourhood: sum h / sum h reach.
double localDensity(std::vector<Neighbour> const& neighbours, DensityModel const& model,
                    double floor) {
  double hits = 0., weighted = 0.;
  for (auto const& [distance2, k] : neighbours) {
    double const reach = std::max({std::sqrt(distance2), model.reachRadius[k], floor});
    hits += model.hits[k];
    weighted += model.hits[k] * reach;
  }
  return hits / weighted;
}

float densityFactor(std::vector<Neighbour> const& neighbours, DensityModel const& model,
                    double floor) {
  double hits = 0., density = 0.;
  for (auto const& [distance2, k] : neighbours) {
    hits += model.hits[k];
    density += model.hits[k] * model.density[k];
  }
  // Capped, so that the float and its square (the histograms bin squares) stay finite.
  return static_cast<float>(
      std::min(density / hits / localDensity(neighbours, model, floor), kLargestFactor));
}

MassSearch massSearch(DensityModel const& model) {
  MassSearch search;
  for (std::size_t k = 0; k < model.hits.size(); ++k)
    if (model.hits[k] > 0.) search.populated.push_back(static_cast<int>(k));
  search.hits = &model.hits;
  search.spread2 = &model.spread2;
  search.mass = model.mass;
  // Enough nodes for the mass at the mean hits per node, with room for sparser ones.
  double const total = std::accumulate(model.hits.begin(), model.hits.end(), 0.);
  double const meanHits = search.populated.empty() ? 1. : total / search.populated.size();
  search.guess = static_cast<std::size_t>(std::ceil(2. * model.mass / meanHits)) + 8;
  return search;
}

void checkModel(Codebook const& codebook, DensityModel const& model) {
  auto const nodes = static_cast<std::size_t>(codebook.nodes());
  if (model.hits.size() != nodes || model.spread2.size() != nodes ||
      model.reachRadius.size() != nodes || model.density.size() != nodes)
    throw Error("som: the density model does not have one entry per node of the map");
  double const total = std::accumulate(model.hits.begin(), model.hits.end(), 0.);
  if (!(total > 0.) || !(model.mass >= 1.) || !(model.mass <= total))
    throw Error("som: the density model needs a node with hits and a mass within 1 .. " +
                std::to_string(total) + " rows");
}

/// The density factors of n rows, from the filtered search or the exact one.
std::vector<float> factorsOfRows(Codebook const& codebook, DensityModel const& model,
                                 float const* rows, std::size_t n, bool filtered) {
  checkModel(codebook, model);
  std::vector<float> out(n, 1.f);
  double const floor = reachFloor(codebook, model);
  auto const visit = [&](std::size_t i, std::vector<Neighbour> const& neighbours) {
    out[i] = densityFactor(neighbours, model, floor);
  };
  if (filtered) {
    forEachNeighbourhood(codebook, massSearch(model), rows, n, visit);
  } else {
    forEachNeighbourhoodExact(codebook, massSearch(model), rows, n, visit);
  }
  return out;
}

/// The density model from the filtered search or the exact one.
DensityModel modelOfNodes(Codebook const& codebook, std::vector<double> const& hits,
                          std::vector<double> const& nodeMedian, double mass, bool filtered) {
  auto const nodes = static_cast<std::size_t>(codebook.nodes());
  if (hits.size() != nodes || nodeMedian.size() != nodes)
    throw Error("som: the density model needs hits and a median distance for each of the " +
                std::to_string(nodes) + " nodes");
  DensityModel model;
  model.hits = hits;
  model.spread2.assign(nodes, 0.);
  double total = 0.;
  for (std::size_t k = 0; k < nodes; ++k) {
    if (!std::isfinite(hits[k]) || hits[k] < 0. || hits[k] != std::floor(hits[k]))
      throw Error("som: node " + std::to_string(k) + " has an invalid hit count");
    total += hits[k];
    if (hits[k] == 0.) continue;
    if (!std::isfinite(nodeMedian[k]) || nodeMedian[k] < 0.)
      throw Error("som: node " + std::to_string(k) + " has hits but no valid median distance");
    model.spread2[k] = nodeMedian[k] * nodeMedian[k];
  }
  if (!(total > 0.)) throw Error("som: the density model needs a node with hits");
  if (!std::isfinite(mass)) throw Error("som: the density model's mass is not finite");
  model.mass = std::clamp(mass, 1., total);  // total >= 1: whole hits
  model.reachRadius.assign(nodes, 0.);
  model.density.assign(nodes, 0.);

  // The nodes' own neighbourhoods: first every reach radius, then the densities (which read
  // the radii of other nodes).
  MassSearch const search = massSearch(model);
  std::vector<float> points;
  for (int const k : search.populated)
    points.insert(points.end(), codebook.node(k), codebook.node(k) + codebook.dims);
  std::vector<std::vector<Neighbour>> neighbourhoods(search.populated.size());
  auto const keep = [&](std::size_t p, std::vector<Neighbour> const& neighbours) {
    neighbourhoods[p] = neighbours;
  };
  if (filtered) {
    forEachNeighbourhood(codebook, search, points.data(), search.populated.size(), keep);
  } else {
    forEachNeighbourhoodExact(codebook, search, points.data(), search.populated.size(), keep);
  }
  for (std::size_t p = 0; p < search.populated.size(); ++p)
    model.reachRadius[search.populated[p]] = std::sqrt(neighbourhoods[p].back().first);
  double const floor = reachFloor(codebook, model);
  for (std::size_t p = 0; p < search.populated.size(); ++p)
    model.density[search.populated[p]] = localDensity(neighbourhoods[p], model, floor);
  return model;
}

}  // namespace

DensityModel densityModel(Codebook const& codebook, std::vector<double> const& hits,
                          std::vector<double> const& nodeMedian, double mass) {
  return modelOfNodes(codebook, hits, nodeMedian, mass, true);
}

DensityModel densityModelReference(Codebook const& codebook, std::vector<double> const& hits,
                                   std::vector<double> const& nodeMedian, double mass) {
  return modelOfNodes(codebook, hits, nodeMedian, mass, false);
}

std::vector<float> densityFactors(Codebook const& codebook, DensityModel const& model,
                                  float const* rows, std::size_t n) {
  return factorsOfRows(codebook, model, rows, n, true);
}

std::vector<float> densityFactorsReference(Codebook const& codebook, DensityModel const& model,
                                           float const* rows, std::size_t n) {
  return factorsOfRows(codebook, model, rows, n, false);
}

}  // namespace vocloud::som
