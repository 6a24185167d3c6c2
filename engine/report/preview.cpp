#include "report/preview.hpp"

#include "config/suggest.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/reason_tally.hpp"
#include "io/h5_store.hpp"
#include "io/reader.hpp"
#include "spectral/frames.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>

namespace vocloud::report {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kScanBlock = 65536;  // rows of /meta/id read at a time
constexpr std::uint64_t kNotFound = std::numeric_limits<std::uint64_t>::max();

std::string inQuotes(std::string const& text) {
  return "'" + text + "'";
}

std::string lowerExtension(std::string const& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// The preprocess settings that moved the raw wavelengths, from the run's effective config
// (absent in files not written by the preprocess stage: then nothing is undone).
void readFrameSettings(io::H5File const& file, PreviewData& data) {
  std::string text;
  try {
    text = file.stringAttribute("/", "effective_config");
  } catch (Error const&) {
    return;
  }
  try {
    YAML::Node const pre = YAML::Load(text)["preprocess"];
    if (pre && pre["frame"]) data.frame = pre["frame"].as<std::string>();
    if (pre && pre["rest_frame"]) data.restFrame = pre["rest_frame"].as<bool>();
  } catch (YAML::Exception const&) {
  }
}

// The grid wavelength `lambda` (Å) in the frame of the raw file: the steps of
// processSpectrum() undone in reverse order.
double toRawFrame(double lambda, PreviewData const& data, double z, io::WavelengthFrame raw) {
  if (data.restFrame && std::isfinite(z) && z > -1) lambda *= 1 + z;
  if (data.frame == "vacuum" && raw == io::WavelengthFrame::Air)
    return spectral::vacuumToAir(lambda);
  if (data.frame == "air" && raw == io::WavelengthFrame::Vacuum)
    return spectral::airToVacuum(lambda);
  return lambda;
}

// A relative /meta/path is relative to the base of knowledge the stage read (root
// attribute "bok"), else to the data set's folder, else to the working directory.
std::string resolveRawPath(io::H5File const& file, std::string const& datasetPath,
                           std::string const& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  std::vector<fs::path> candidates;
  try {
    candidates.push_back(fs::path(file.stringAttribute("/", "bok")) / path);
  } catch (Error const&) {
  }
  candidates.push_back(fs::path(datasetPath).parent_path() / path);
  for (fs::path const& c : candidates)
    if (fs::exists(c)) return c.string();
  return path;
}

// Explains why the ids in `missing` have no row: rejected (with the reason) or unknown
// (with a few valid ids and the closest one).
[[noreturn]] void failMissing(io::H5File const& file, std::string const& datasetPath,
                              std::vector<std::string> const& missing) {
  std::map<std::string, std::string> rejected;  // id -> "reason (file path)"
  if (file.exists("/rejected/id") && file.exists("/rejected/reason")) {
    io::H5Rows const ids = io::H5Rows::open(file, "/rejected/id");
    io::H5Rows const reasons = io::H5Rows::open(file, "/rejected/reason");
    bool const hasPath = file.exists("/rejected/path");
    for (std::uint64_t first = 0; first < ids.rows(); first += kScanBlock) {
      std::uint64_t const n = std::min(kScanBlock, ids.rows() - first);
      std::vector<std::string> const block = ids.readStrings(first, n);
      for (std::uint64_t i = 0; i < n; ++i)
        if (std::find(missing.begin(), missing.end(), block[i]) != missing.end() &&
            !rejected.count(block[i])) {
          std::string why = reasons.readStrings(first + i, 1).front();
          if (hasPath)
            why += " (file " +
                   io::H5Rows::open(file, "/rejected/path").readStrings(first + i, 1).front() + ")";
          rejected[block[i]] = why;
        }
    }
  }
  io::H5Rows const accepted = io::H5Rows::open(file, "/meta/id");
  std::vector<std::string> const firstIds =
      accepted.readStrings(0, std::min<std::uint64_t>(5, accepted.rows()));
  std::string message = "preview: " + datasetPath + ":";
  for (std::string const& id : missing) {
    auto const r = rejected.find(id);
    if (r != rejected.end()) {
      message += "\n  spectrum " + inQuotes(id) +
                 " was rejected by preprocessing, so it has no preprocessed row: " + r->second;
      continue;
    }
    // The closest accepted id, scanning the ids in blocks.
    std::string best;
    std::size_t bestDistance = std::numeric_limits<std::size_t>::max();
    for (std::uint64_t first = 0; first < accepted.rows(); first += kScanBlock) {
      std::string const m = config::closestMatch(
          id, accepted.readStrings(first, std::min(kScanBlock, accepted.rows() - first)));
      if (!m.empty() && config::editDistance(id, m) < bestDistance) {
        best = m;
        bestDistance = config::editDistance(id, m);
      }
    }
    message += "\n  no spectrum " + inQuotes(id) + " in /meta/id or /rejected/id";
    if (!best.empty()) message += " (did you mean " + inQuotes(best) + "?)";
  }
  if (rejected.size() < missing.size()) {
    message += "\n  the data set has " + core::countOf(accepted.rows(), "spectrum", "spectra");
    if (!firstIds.empty()) {
      message += ", e.g.";
      for (std::string const& id : firstIds) message += " " + id;
    }
  }
  throw UsageError(message);
}

// The row of each id (the first row with that id): one pass over /meta/id in blocks.
// Throws the UsageError of failMissing() for ids without a row.
std::vector<std::uint64_t> rowsOfIds(io::H5File const& file, std::string const& datasetPath,
                                     std::vector<std::string> const& ids) {
  io::H5Rows const idSet = io::H5Rows::open(file, "/meta/id");
  std::vector<std::uint64_t> rows(ids.size(), kNotFound);
  std::unordered_map<std::string, std::vector<std::size_t>> wanted;  // id -> places in `ids`
  for (std::size_t k = 0; k < ids.size(); ++k) wanted[ids[k]].push_back(k);
  for (std::uint64_t first = 0; first < idSet.rows(); first += kScanBlock) {
    std::vector<std::string> const block =
        idSet.readStrings(first, std::min(kScanBlock, idSet.rows() - first));
    for (std::size_t i = 0; i < block.size(); ++i) {
      auto const found = wanted.find(block[i]);
      if (found == wanted.end()) continue;
      for (std::size_t k : found->second)
        if (rows[k] == kNotFound) rows[k] = first + i;  // the first row with that id
    }
  }
  std::vector<std::string> missing;
  for (std::size_t k = 0; k < ids.size(); ++k)
    if (rows[k] == kNotFound && std::find(missing.begin(), missing.end(), ids[k]) == missing.end())
      missing.push_back(ids[k]);
  if (!missing.empty()) failMissing(file, datasetPath, missing);
  return rows;
}

}  // namespace

PreviewData loadPreview(std::string const& datasetPath, std::vector<std::string> const& ids) {
  if (ids.empty()) throw UsageError("preview: no spectrum ids given (--ids ID,ID,...)");
  if (ids.size() > kMaxPreviewSpectra)
    throw UsageError("preview: " + std::to_string(ids.size()) + " ids given, at most " +
                     std::to_string(kMaxPreviewSpectra) + " spectra fit in one preview");
  for (std::string const& id : ids)
    if (id.empty()) throw UsageError("preview: an empty spectrum id in --ids");
  if (!fs::is_regular_file(datasetPath))
    throw UsageError("preview: no data set file " + inQuotes(datasetPath));

  io::H5File const file = io::H5File::openSerial(datasetPath);
  for (char const* name : {"/wave", "/flux", "/mask", "/meta/id"})
    if (!file.exists(name))
      throw Error("preview: " + datasetPath + " has no " + name +
                  ": not a dataset.h5 written by the preprocess stage");
  PreviewData data;
  data.datasetPath = datasetPath;
  data.wave = io::readSmall(file, "/wave");
  readFrameSettings(file, data);

  std::vector<std::uint64_t> const rows = rowsOfIds(file, datasetPath, ids);

  io::H5Rows const flux = io::H5Rows::open(file, "/flux"), mask = io::H5Rows::open(file, "/mask");
  if (flux.cols() != data.wave.size() || mask.cols() != data.wave.size())
    throw Error("preview: " + datasetPath + ": /flux has " + std::to_string(flux.cols()) +
                " columns, /wave " + std::to_string(data.wave.size()) + " points");
  auto text = [&](char const* name, std::uint64_t row) {
    return file.exists(name) ? io::H5Rows::open(file, name).readStrings(row, 1).front()
                             : std::string();
  };
  auto number = [&](char const* name, std::uint64_t row) {
    double value = std::numeric_limits<double>::quiet_NaN();
    if (file.exists(name)) io::H5Rows::open(file, name).read(row, 1, &value);
    return value;
  };
  for (std::size_t k = 0; k < ids.size(); ++k) {
    PreviewSpectrum s;
    s.row = rows[k];
    s.id = ids[k];
    s.label = text("/meta/label", s.row);
    s.layout = text("/meta/layout", s.row);
    s.path = resolveRawPath(file, datasetPath, text("/meta/path", s.row));
    s.ra = number("/meta/ra", s.row);
    s.dec = number("/meta/dec", s.row);
    s.z = number("/meta/z", s.row);
    s.snr = number("/meta/snr", s.row);
    s.flux.resize(data.wave.size());
    s.mask.resize(data.wave.size());
    flux.read(s.row, 1, s.flux.data());
    mask.read(s.row, 1, s.mask.data());
    try {
      s.raw = io::readSpectrum(s.path);
      s.rawRead = true;
      s.gridFrom = toRawFrame(data.wave.front(), data, s.z, s.raw.frame);
      s.gridTo = toRawFrame(data.wave.back(), data, s.z, s.raw.frame);
    } catch (Error const& e) {
      s.rawRead = false;
      s.rawError = e.what();
    }
    data.spectra.push_back(std::move(s));
  }
  return data;
}

namespace detail {

std::vector<std::pair<double, double>> flaggedSpans(std::vector<double> const& wave,
                                                    std::vector<bool> const& flagged) {
  std::vector<std::pair<double, double>> spans;
  std::size_t const n = std::min(wave.size(), flagged.size());
  auto edge = [&](std::size_t i, bool after) {
    std::size_t const j = after ? i + 1 : i - 1;  // the neighbour (i is never past the ends)
    if ((after && i + 1 < n) || (!after && i > 0)) return 0.5 * (wave[i] + wave[j]);
    if (n < 2) return wave[i];
    double const step = after ? wave[i] - wave[i - 1] : wave[i + 1] - wave[i];
    return after ? wave[i] + 0.5 * step : wave[i] - 0.5 * step;
  };
  for (std::size_t i = 0; i < n;) {
    if (!flagged[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < n && flagged[j + 1]) ++j;
    double const a = edge(i, false), b = edge(j, true);
    if (std::isfinite(a) && std::isfinite(b)) spans.emplace_back(std::min(a, b), std::max(a, b));
    i = j + 1;
  }
  return spans;
}

std::string describeSpectrum(PreviewSpectrum const& s, std::string const& separator) {
  char text[64];
  std::vector<std::string> parts;
  if (!s.label.empty()) parts.push_back("label " + s.label);
  if (!s.layout.empty()) parts.push_back("layout " + s.layout);
  if (std::isfinite(s.snr)) {
    std::snprintf(text, sizeof text, "S/N %.1f", s.snr);
    parts.push_back(text);
  }
  if (std::isfinite(s.z)) {
    std::snprintf(text, sizeof text, "z %.6g", s.z);
    parts.push_back(text);
  }
  if (std::isfinite(s.ra) && std::isfinite(s.dec)) {
    std::snprintf(text, sizeof text, "RA %.5f Dec %+.5f", s.ra, s.dec);
    parts.push_back(text);
  }
  std::string out;
  for (std::string const& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

std::vector<bool> gridFlags(PreviewSpectrum const& s) {
  std::vector<bool> flags(s.mask.size());
  for (std::size_t i = 0; i < flags.size(); ++i) flags[i] = s.mask[i] != 0;
  return flags;
}

std::vector<bool> rawFlags(PreviewSpectrum const& s) {
  // The pixels the resampling leaves out (resample.cpp): a nonzero mask, or an inverse
  // variance that is not a positive number.
  std::vector<bool> flags(s.raw.wave.size(), false);
  for (std::size_t i = 0; i < flags.size(); ++i) {
    bool const masked = i < s.raw.mask.size() && s.raw.mask[i] != 0;
    bool const noWeight =
        i < s.raw.ivar.size() && !(std::isfinite(s.raw.ivar[i]) && s.raw.ivar[i] > 0);
    flags[i] = masked || noWeight;
  }
  return flags;
}

}  // namespace detail

bool writePreview(std::string const& datasetPath, std::vector<std::string> const& ids,
                  std::string const& outPath, SpectralRecipe const& recipe,
                  std::string const& bundleDir) {
  std::string const ext = lowerExtension(outPath);
  bool const png = ext == ".png";
  if (!png && ext != ".html" && ext != ".htm")
    throw UsageError("preview: --out " + inQuotes(outPath) + " must end in .png or .html");
  PreviewData const data = loadPreview(datasetPath, ids);
  if (!png) return writePreviewReport(data, recipe, outPath, bundleDir);
  writePreviewPng(data, outPath);
  return true;
}

}  // namespace vocloud::report
