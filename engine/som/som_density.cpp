#include "som/som_density.hpp"

#include "core/error.hpp"
#include "kernels/som_bmu.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace vocloud::som {

namespace {

using HostSpace = Kokkos::DefaultHostExecutionSpace;
using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
using HostMatrix = Kokkos::View<float const**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>;
using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Rows per GEMM block of the filtered search.
constexpr std::size_t kBlockRows = 256;

/// (effective squared distance, node): ordered lexicographically, so ties go to the lower node.
using Neighbour = std::pair<double, int>;

/// What the neighbourhood search needs: the populated nodes, their hits and spreads, the mass.
struct MassSearch {
  std::vector<int> populated;
  std::vector<double> const* hits = nullptr;
  std::vector<double> const* spread2 = nullptr;
  double mass = 1.;
};

double exactDistance2(float const* x, float const* w, std::size_t dims) {
  double sum = 0.;
  for (std::size_t d = 0; d < dims; ++d) {
    double const diff = static_cast<double>(x[d]) - static_cast<double>(w[d]);
    sum += diff * diff;
  }
  return sum;
}

/// Sorts the candidates and keeps the shortest prefix whose hits reach the mass.
void keepMassPrefix(std::vector<Neighbour>& candidates, MassSearch const& search) {
  std::sort(candidates.begin(), candidates.end());
  double cumulative = 0.;
  std::size_t keep = candidates.size();
  for (std::size_t t = 0; t < candidates.size(); ++t) {
    cumulative += (*search.hits)[candidates[t].second];
    if (cumulative >= search.mass) {
      keep = t + 1;
      break;
    }
  }
  candidates.resize(keep);
}

/// The mass neighbourhood of every row from every populated node's exact distance.
template <class Visit>
void forEachNeighbourhoodExact(Codebook const& codebook, MassSearch const& search,
                               float const* rows, std::size_t n, Visit const& visit) {
  std::size_t const dims = codebook.dims;
  std::vector<Neighbour> neighbours;
  for (std::size_t i = 0; i < n; ++i) {
    neighbours.clear();
    for (int const k : search.populated)
      neighbours.emplace_back(
          exactDistance2(rows + i * dims, codebook.node(k), dims) + (*search.spread2)[k], k);
    keepMassPrefix(neighbours, search);
    visit(i, neighbours);
  }
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
  auto const centred = kernels::detail::bmuCentreCodebook(space, w);
  space.fence();
  Eigen::Map<MatrixF const> const wc(centred.w.data(), nodes, static_cast<Eigen::Index>(dims));
  double const errorFactor = kernels::detail::bmuErrorFactor(dims);
  std::size_t const blocks = (n + kBlockRows - 1) / kBlockRows;
  Kokkos::parallel_for(
      "vocloud::som::density_blocks", Kokkos::RangePolicy<HostSpace>(space, 0, blocks),
      [&](std::size_t const block) {
        std::size_t const first = block * kBlockRows;
        auto const count = static_cast<Eigen::Index>(std::min(kBlockRows, n - first));
        MatrixF xc(count, static_cast<Eigen::Index>(dims));
        std::vector<double> xNorm2(static_cast<std::size_t>(count));
        for (Eigen::Index r = 0; r < count; ++r) {
          float const* x = rows + (first + static_cast<std::size_t>(r)) * dims;
          double sum = 0.;
          for (std::size_t d = 0; d < dims; ++d) {
            float const v = x[d] - centred.mean(d);
            xc(r, static_cast<Eigen::Index>(d)) = v;
            sum += static_cast<double>(v) * static_cast<double>(v);
          }
          xNorm2[static_cast<std::size_t>(r)] = sum;
        }
        MatrixF s(count, nodes);
        s.noalias() = xc * wc.transpose();
        std::vector<Neighbour> upper, candidates;
        for (Eigen::Index r = 0; r < count; ++r) {
          std::size_t const i = first + static_cast<std::size_t>(r);
          double const x2 = xNorm2[static_cast<std::size_t>(r)];
          double const xNorm = std::sqrt(x2);
          auto const bounds = [&](int k) {
            double const approx = x2 - 2. * static_cast<double>(s(r, k)) + centred.norm2(k);
            double const radius = xNorm + centred.norm(k);
            double const error = errorFactor * radius * radius;
            double const spread2 = (*search.spread2)[k];
            return std::make_pair(std::max(0., approx - error) + spread2, approx + error + spread2);
          };
          upper.clear();
          for (int const k : search.populated) upper.emplace_back(bounds(k).second, k);
          keepMassPrefix(upper, search);
          double const radius2 = upper.back().first;
          candidates.clear();
          for (int const k : search.populated)
            if (bounds(k).first <= radius2)
              candidates.emplace_back(
                  exactDistance2(rows + i * dims, codebook.node(k), dims) + (*search.spread2)[k],
                  k);
          keepMassPrefix(candidates, search);
          visit(i, candidates);
        }
      });
  space.fence();
}

/// Floor of the reach distances, so that a map whose rows all coincide gives finite
/// densities (and factors of 1) instead of 0 / 0.
double reachFloor(DensityModel const& model) {
  double largest = 0.;
  for (double const r : model.reachRadius) largest = std::max(largest, r);
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
  return static_cast<float>(density / hits / localDensity(neighbours, model, floor));
}

MassSearch massSearch(DensityModel const& model) {
  MassSearch search;
  for (std::size_t k = 0; k < model.hits.size(); ++k)
    if (model.hits[k] > 0.) search.populated.push_back(static_cast<int>(k));
  search.hits = &model.hits;
  search.spread2 = &model.spread2;
  search.mass = model.mass;
  return search;
}

void checkModel(Codebook const& codebook, DensityModel const& model) {
  auto const nodes = static_cast<std::size_t>(codebook.nodes());
  if (model.hits.size() != nodes || model.spread2.size() != nodes ||
      model.reachRadius.size() != nodes || model.density.size() != nodes)
    throw Error("som: the density model does not have one entry per node of the map");
}

}  // namespace

DensityModel densityModel(Codebook const& codebook, std::vector<double> const& hits,
                          std::vector<double> const& nodeMedian, double mass) {
  auto const nodes = static_cast<std::size_t>(codebook.nodes());
  if (hits.size() != nodes || nodeMedian.size() != nodes)
    throw Error("som: the density model needs hits and a median distance for each of the " +
                std::to_string(nodes) + " nodes");
  DensityModel model;
  model.hits = hits;
  model.spread2.assign(nodes, 0.);
  double total = 0.;
  for (std::size_t k = 0; k < nodes; ++k) {
    if (!std::isfinite(hits[k]) || hits[k] < 0.)
      throw Error("som: node " + std::to_string(k) + " has an invalid hit count");
    total += hits[k];
    if (hits[k] > 0. && std::isfinite(nodeMedian[k]))
      model.spread2[k] = nodeMedian[k] * nodeMedian[k];
  }
  if (!(total > 0.)) throw Error("som: the density model needs a node with hits");
  model.mass = std::clamp(mass, 1., total);
  model.reachRadius.assign(nodes, 0.);
  model.density.assign(nodes, 0.);

  // The nodes' own neighbourhoods: first every reach radius, then the densities (which read
  // the radii of other nodes).
  MassSearch const search = massSearch(model);
  std::vector<float> points;
  for (int const k : search.populated)
    points.insert(points.end(), codebook.node(k), codebook.node(k) + codebook.dims);
  std::vector<std::vector<Neighbour>> neighbourhoods(search.populated.size());
  forEachNeighbourhood(codebook, search, points.data(), search.populated.size(),
                       [&](std::size_t p, std::vector<Neighbour> const& neighbours) {
                         neighbourhoods[p] = neighbours;
                       });
  for (std::size_t p = 0; p < search.populated.size(); ++p)
    model.reachRadius[search.populated[p]] = std::sqrt(neighbourhoods[p].back().first);
  double const floor = reachFloor(model);
  for (std::size_t p = 0; p < search.populated.size(); ++p)
    model.density[search.populated[p]] = localDensity(neighbourhoods[p], model, floor);
  return model;
}

std::vector<float> densityFactors(Codebook const& codebook, DensityModel const& model,
                                  float const* rows, std::size_t n) {
  checkModel(codebook, model);
  std::vector<float> out(n, 1.f);
  double const floor = reachFloor(model);
  forEachNeighbourhood(codebook, massSearch(model), rows, n,
                       [&](std::size_t i, std::vector<Neighbour> const& neighbours) {
                         out[i] = densityFactor(neighbours, model, floor);
                       });
  return out;
}

std::vector<float> densityFactorsReference(Codebook const& codebook, DensityModel const& model,
                                           float const* rows, std::size_t n) {
  checkModel(codebook, model);
  std::vector<float> out(n, 1.f);
  double const floor = reachFloor(model);
  forEachNeighbourhoodExact(codebook, massSearch(model), rows, n,
                            [&](std::size_t i, std::vector<Neighbour> const& neighbours) {
                              out[i] = densityFactor(neighbours, model, floor);
                            });
  return out;
}

}  // namespace vocloud::som
