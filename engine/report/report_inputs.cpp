#include "report/report_inputs.hpp"

#include "core/error.hpp"

namespace vocloud::report {

namespace {

template <class T>
std::vector<T> column(io::H5File const& file, std::string const& name) {
  io::H5Rows const set = io::H5Rows::open(file, name);
  std::uint64_t const n = set.rows() * std::max<std::uint64_t>(set.cols(), 1);
  std::vector<T> values(n);
  if (set.rows()) set.read(0, set.rows(), values.data());
  return values;
}

template <class T>
std::vector<T> columnIf(io::H5File const& file, std::string const& name) {
  return file.exists(name) ? column<T>(file, name) : std::vector<T>{};
}

std::vector<std::string> strings(io::H5File const& file, std::string const& name) {
  io::H5Rows const set = io::H5Rows::open(file, name);
  return set.rows() ? set.readStrings(0, set.rows()) : std::vector<std::string>{};
}

std::string textAttribute(io::H5File const& file, std::string const& object,
                          std::string const& key) {
  return file.hasAttribute(object, key) ? file.stringAttribute(object, key) : std::string();
}

double numberAttribute(io::H5File const& file, std::string const& object, std::string const& key) {
  return file.hasAttribute(object, key) ? file.numberAttribute(object, key) : 0.0;
}

}  // namespace

DatasetInfo readDatasetInfo(std::string const& path) {
  io::H5File const file = io::H5File::openSerial(path);
  DatasetInfo d;
  d.path = path;
  d.provenance = io::readProvenance(file);
  d.wave = column<double>(file, "/wave");
  d.spacing = textAttribute(file, "/", "grid");
  d.frame = textAttribute(file, "/wave", "frame");
  d.bok = textAttribute(file, "/", "bok");
  d.id = strings(file, "/meta/id");
  d.rows = d.id.size();
  d.label = strings(file, "/meta/label");
  d.layout = strings(file, "/meta/layout");
  d.ra = column<double>(file, "/meta/ra");
  d.dec = column<double>(file, "/meta/dec");
  d.z = column<double>(file, "/meta/z");
  d.snr = column<double>(file, "/meta/snr");
  d.catalogRow = columnIf<std::int64_t>(file, "/meta/catalog_row");
  d.rejectedId = strings(file, "/rejected/id");
  d.rejectedPath = strings(file, "/rejected/path");
  d.rejectedReason = strings(file, "/rejected/reason");
  d.pcaRatio = columnIf<double>(file, "/pca/explained_variance_ratio");
  return d;
}

SomInfo readSomInfo(std::string const& path, std::uint64_t outliers) {
  io::H5File const file = io::H5File::openSerial(path);
  SomInfo s;
  s.provenance = io::readProvenance(file);
  s.rows = static_cast<int>(file.numberAttribute("/", "rows"));
  s.cols = static_cast<int>(file.numberAttribute("/", "cols"));
  s.grid = textAttribute(file, "/", "grid");
  s.topology = textAttribute(file, "/", "topology");
  s.quantisationError = numberAttribute(file, "/", "quantisation_error");
  s.topographicError = numberAttribute(file, "/", "topographic_error");
  s.epochQe = column<double>(file, "/epochs/quantisation_error");
  s.epochTe = column<double>(file, "/epochs/topographic_error");
  s.epochRadius = column<double>(file, "/epochs/radius");
  s.x = column<double>(file, "/nodes/x");
  s.y = column<double>(file, "/nodes/y");
  s.nodeRow = column<std::int64_t>(file, "/nodes/row");
  s.nodeCol = column<std::int64_t>(file, "/nodes/col");
  s.hits = column<std::int64_t>(file, "/nodes/hits");
  s.umatrix = column<double>(file, "/nodes/umatrix");
  s.density = columnIf<double>(file, "/nodes/density");
  s.sparse = column<std::int64_t>(file, "/nodes/sparse");
  s.classNames = strings(file, "/classes/name");
  s.classHits = column<std::int64_t>(file, "/classes/hits");
  s.row = column<std::int64_t>(file, "/spectra/row");
  s.bmu = column<std::int64_t>(file, "/spectra/bmu");
  s.distance = column<double>(file, "/spectra/distance");
  s.outlierScore = column<double>(file, "/spectra/outlier_score");
  io::H5Rows const rank = io::H5Rows::open(file, "/outliers/rank");
  s.outlierCount = rank.rows();
  std::uint64_t const n = std::min(outliers, s.outlierCount);
  auto part = [&](char const* name, auto& out) {
    out.resize(n);
    if (n) io::H5Rows::open(file, std::string("/outliers/") + name).read(0, n, out.data());
  };
  part("rank", s.outlierRank);
  part("row", s.outlierRow);
  part("bmu", s.outlierBmu);
  part("score", s.outlierScoreListed);
  s.points = io::H5Rows::open(file, "/codebook").cols();
  return s;
}

std::vector<float> readCodebook(std::string const& path, std::uint64_t first, std::uint64_t count,
                                std::uint64_t points) {
  io::H5File const file = io::H5File::openSerial(path);
  std::vector<float> values(count * points);
  if (count) io::H5Rows::open(file, "/codebook").read(first, count, values.data());
  return values;
}

ForestInfo readForestInfo(std::string const& path) {
  io::H5File const file = io::H5File::openSerial(path);
  ForestInfo f;
  f.provenance = io::readProvenance(file);
  f.classes = strings(file, "/classes/name");
  f.features = textAttribute(file, "/", "features");
  f.row = column<std::int64_t>(file, "/spectra/row");
  f.label = column<std::int64_t>(file, "/spectra/label");
  f.impurity = columnIf<double>(file, "/importance/impurity");
  f.permutation = columnIf<double>(file, "/importance/permutation");
  if (!file.exists("/cv/fold")) return f;
  f.folds = static_cast<int>(numberAttribute(file, "/cv", "folds"));
  f.groupBy = textAttribute(file, "/cv", "group_by");
  f.fold = column<std::int64_t>(file, "/cv/fold");
  f.prediction = column<std::int64_t>(file, "/cv/prediction");
  f.probability = column<double>(file, "/cv/probability");
  f.accuracy = column<double>(file, "/cv/accuracy");
  f.macroF1 = column<double>(file, "/cv/macro_f1");
  f.macroAuc = column<double>(file, "/cv/macro_auc");
  f.precision = column<double>(file, "/cv/precision");
  f.recall = column<double>(file, "/cv/recall");
  f.f1 = column<double>(file, "/cv/f1");
  f.auc = column<double>(file, "/cv/auc");
  f.confusion = column<std::int64_t>(file, "/cv/confusion");
  return f;
}

PredictInfo readPredictInfo(std::string const& path) {
  io::H5File const file = io::H5File::openSerial(path);
  PredictInfo p;
  p.provenance = io::readProvenance(file);
  p.targetClass = textAttribute(file, "/", "class");
  p.dataset = textAttribute(file, "/", "dataset");
  p.rank = column<std::int64_t>(file, "/rank");
  p.row = column<std::int64_t>(file, "/row");
  p.id = strings(file, "/id");
  p.label = strings(file, "/label");
  p.predicted = strings(file, "/predicted");
  p.estimate = strings(file, "/estimate");
  p.probability = column<double>(file, "/probability");
  return p;
}

DatasetRow readDatasetRow(io::H5File const& file, std::uint64_t row) {
  io::H5Rows const flux = io::H5Rows::open(file, "/flux");
  io::H5Rows const mask = io::H5Rows::open(file, "/mask");
  DatasetRow out;
  out.flux.resize(flux.cols());
  out.mask.resize(mask.cols());
  flux.read(row, 1, out.flux.data());
  mask.read(row, 1, out.mask.data());
  out.path = io::H5Rows::open(file, "/meta/path").readStrings(row, 1).at(0);
  return out;
}

}  // namespace vocloud::report
