#include "report/spectra_shards.hpp"

#include "core/error.hpp"
#include "core/json.hpp"
#include "report/data_writer.hpp"
#include "report/spectrum_location.hpp"
#include "spectral/frames.hpp"
#include "spectral/process_spectrum.hpp"

#include <cmath>

namespace vocloud::report {

namespace {

// The PCA model of the data set, to reconstruct a row from its projections.
struct PcaModel {
  std::vector<double> mean, components;  // D, k x D
  std::size_t k = 0;
};

PcaModel readPca(io::H5File const& file) {
  PcaModel pca;
  if (!file.exists("/pca/components") || !file.exists("/features/pca")) return pca;
  std::vector<std::uint64_t> shape;
  pca.components = io::readSmall(file, "/pca/components", &shape);
  pca.mean = io::readSmall(file, "/pca/mean");
  pca.k = shape.empty() ? 0 : shape[0];
  return pca;
}

std::vector<float> reconstruct(io::H5File const& file, PcaModel const& pca, std::uint64_t row) {
  if (pca.k == 0) return {};
  std::vector<float> projection(pca.k);
  io::H5Rows::open(file, "/features/pca").read(row, 1, projection.data());
  std::vector<float> out(pca.mean.size());
  for (std::size_t j = 0; j < out.size(); ++j) {
    double v = pca.mean[j];
    for (std::size_t c = 0; c < pca.k; ++c) v += projection[c] * pca.components[c * out.size() + j];
    out[j] = static_cast<float>(v);
  }
  return out;
}

// A grid wavelength in the raw file's frame: processSpectrum()'s conversions undone.
double toFileFrame(double lambda, SpectralRecipe const& recipe, double z, io::WavelengthFrame raw) {
  if (recipe.options.restFrame && std::isfinite(z)) lambda *= 1 + z;
  if (recipe.options.frame == spectral::Frame::Vacuum && raw == io::WavelengthFrame::Air)
    return spectral::vacuumToAir(lambda);
  if (recipe.options.frame == spectral::Frame::Air && raw == io::WavelengthFrame::Vacuum)
    return spectral::airToVacuum(lambda);
  return lambda;
}

void rawStage(core::JsonWriter& json, spectral::SpectrumStages const& s,
              SpectralRecipe const& recipe, double z) {
  std::vector<std::uint8_t> mask(s.raw.flux.size(), 0);
  for (std::size_t i = 0; i < s.raw.mask.size() && i < mask.size(); ++i)
    mask[i] = s.raw.mask[i] != 0;
  json.key("raw").beginObject().key("wave");
  typedArray(json, s.raw.wave);
  json.key("flux");
  typedArray(json, s.raw.flux);
  json.key("mask");
  typedArray(json, mask);
  json.key("frame").value(io::frameName(s.raw.frame));
  json.key("cut_from").value(toFileFrame(recipe.grid.wave.front(), recipe, z, s.raw.frame));
  json.key("cut_to").value(toFileFrame(recipe.grid.wave.back(), recipe, z, s.raw.frame));
  json.endObject();
}

void stagesJson(core::JsonWriter& json, spectral::SpectrumStages const& s,
                spectral::ProcessedSpectrum const& p, DatasetRow const& row,
                std::vector<float> const& pca, SpectralRecipe const& recipe, double z) {
  json.key("stages").beginObject();
  if (s.read) rawStage(json, s, recipe, z);
  if (!s.cutWave.empty()) {
    json.key("cut").beginObject().key("wave");
    typedArray(json, s.cutWave);
    json.key("flux");
    typedArray(json, s.cutFlux);
    json.endObject();
  }
  if (!s.resampledFlux.empty()) {
    json.key("resampled").beginObject().key("flux");
    typedArray(json, s.resampledFlux);
    json.key("mask");
    typedArray(json, s.resampledMask);
    json.endObject();
  }
  if (!s.continuum.empty()) {
    json.key("continuum").beginObject().key("flux");
    typedArray(json, s.continuum);
    json.endObject();
  }
  // The recomputed row when the raw file still gives it, else the data set's.
  json.key("normalised").beginObject().key("flux");
  typedArray(json, p.accepted ? p.flux : row.flux);
  json.key("mask");
  typedArray(json, p.accepted ? p.mask : row.mask);
  json.endObject();
  if (!pca.empty()) {
    json.key("pca").beginObject().key("flux");
    typedArray(json, pca);
    json.endObject();
  }
  json.endObject();
}

void somForestJson(core::JsonWriter& json, ReportModel const& m, std::int64_t row) {
  auto const r = static_cast<std::size_t>(row);
  json.key("som");
  if (m.som && m.somIndex[r] >= 0) {
    auto const i = static_cast<std::size_t>(m.somIndex[r]);
    json.beginObject()
        .key("bmu")
        .value(m.som->bmu[i])
        .key("distance")
        .value(m.som->distance[i])
        .key("outlier_score")
        .value(m.som->outlierScore[i])
        .key("outlier_rank");
    if (m.outlierRank[r] > 0)
      json.value(m.outlierRank[r]);
    else
      json.null();
    json.endObject();
  } else {
    json.null();
  }
  json.key("forest");
  if (m.forest && !m.forest->fold.empty() && m.forestIndex[r] >= 0) {
    ForestInfo const& f = *m.forest;
    auto const i = static_cast<std::size_t>(m.forestIndex[r]);
    std::size_t const c = f.classes.size();
    auto name = [&](std::int64_t k) {
      return k >= 0 && static_cast<std::size_t>(k) < c ? f.classes[static_cast<std::size_t>(k)]
                                                       : std::string();
    };
    json.beginObject()
        .key("fold")
        .value(f.fold[i])
        .key("true")
        .value(name(f.label[i]))
        .key("predicted")
        .value(name(f.prediction[i]))
        .key("probability");
    jsonArray(json, std::vector<double>(f.probability.begin() + i * c,
                                        f.probability.begin() + (i + 1) * c));
    json.key("estimate").value("out of fold").endObject();
  } else {
    json.null();
  }
}

void spectrumJson(core::JsonWriter& json, ReportModel const& m, SpectralRecipe const& recipe,
                  io::H5File const& file, PcaModel const& pca, std::uint64_t position,
                  spectral::ProcessWorkspace& workspace) {
  DatasetInfo const& d = m.dataset;
  std::int64_t const row = m.order[position];
  auto const r = static_cast<std::size_t>(row);
  DatasetRow const stored = readDatasetRow(file, static_cast<std::uint64_t>(row));
  spectral::SpectrumSource source;
  source.path = resolveSpectrumPath(d, stored.path);
  source.label = d.label[r];
  source.ra = d.ra[r];
  source.dec = d.dec[r];
  source.z = d.z[r];
  spectral::SpectrumStages stages;
  spectral::ProcessedSpectrum const p =
      spectral::processSpectrum(source, recipe.options, recipe.grid, workspace, &stages);
  // The catalog's object name, else the one the file's header states.
  std::string const& object = m.object[position];
  json.beginObject().key("row").value(row).key("id").value(d.id[r]).key("object").value(
      object.empty() ? stages.raw.meta.object : object);
  json.key("ra").value(d.ra[r]).key("dec").value(d.dec[r]).key("z").value(d.z[r]);
  json.key("snr").value(d.snr[r]).key("label").value(d.label[r]).key("layout").value(d.layout[r]);
  json.key("path").value(stored.path).key("source_url").value(m.sourceUrl[position]);
  json.key("file_url").value(spectrumFileUrl(d, stored.path));
  stagesJson(json, stages, p, stored, reconstruct(file, pca, static_cast<std::uint64_t>(row)),
             recipe, d.z[r]);
  json.key("raw_error").value(stages.read ? "" : p.reason);
  somForestJson(json, m, row);
  json.endObject();
}

}  // namespace

std::string shardName(std::uint64_t shard) {
  char name[40];
  std::snprintf(name, sizeof name, "spectra/shard-%06llu", static_cast<unsigned long long>(shard));
  return name;
}

std::string spectraShardJson(ReportModel const& m, SpectralRecipe const& recipe,
                             std::uint64_t shard) {
  io::H5File const file = io::H5File::openSerial(m.inputs.datasetPath);
  PcaModel const pca = readPca(file);
  spectral::ProcessWorkspace workspace(recipe.options, recipe.grid);
  std::uint64_t const first = shard * m.config.perShard;
  std::uint64_t const last = std::min<std::uint64_t>(first + m.config.perShard, m.order.size());
  core::JsonWriter json;
  json.beginObject().key("spectra").beginArray();
  for (std::uint64_t i = first; i < last; ++i)
    spectrumJson(json, m, recipe, file, pca, i, workspace);
  json.endArray().endObject();
  return json.str();
}

std::uint64_t writeSpectraShards(ReportModel const& m, SpectralRecipe const& recipe,
                                 std::string const& dataDir, comm::Comm const& comm) {
  std::uint64_t written = 0;
  std::string failure;
  try {
    for (std::uint64_t s = static_cast<std::uint64_t>(comm.rank()); s < m.shards();
         s += static_cast<std::uint64_t>(comm.size())) {
      writeDataFile(dataDir, shardName(s), spectraShardJson(m, recipe, s));
      ++written;
    }
  } catch (Error const& e) {
    failure = e.what();
  }
  if (!comm.allOk(failure.empty()))
    throw Error(failure.empty() ? "report: another rank could not write its spectra shards"
                                : failure);
  return written;
}

}  // namespace vocloud::report
