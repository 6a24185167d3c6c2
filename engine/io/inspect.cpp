#include "io/inspect.hpp"

#include "core/json.hpp"
#include "io/reader.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

namespace vocloud::io {

namespace {

// A file's spectrum, or the error that stopped it.
struct Entry {
  std::string path;
  std::optional<Spectrum> spectrum;
  std::string reason, message;
};

Entry inspectOne(std::string const& path) {
  Entry entry;
  entry.path = path;
  try {
    entry.spectrum = readSpectrum(path);
  } catch (ReadError const& e) {
    entry.reason = reasonName(e.reason());
    entry.message = e.what();
  }
  return entry;
}

// Smallest and largest finite wavelength (the file's order may be either way).
std::pair<double, double> waveRange(std::vector<double> const& wave) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (double w : wave)
    if (std::isfinite(w)) {
      low = std::min(low, w);
      high = std::max(high, w);
    }
  return {low, high};
}

std::string number(double value, char const* format) {
  if (!std::isfinite(value)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string orDash(std::string const& text) {
  return text.empty() ? "-" : text;
}

}  // namespace

std::string inspectText(std::vector<std::string> const& paths) {
  std::string out;
  for (auto const& path : paths) {
    Entry const entry = inspectOne(path);
    out += path + "\n";
    if (!entry.spectrum) {
      out += "  error:    " + entry.reason + "\n  message:  " + entry.message + "\n";
      continue;
    }
    Spectrum const& s = *entry.spectrum;
    auto const [low, high] = waveRange(s.wave);
    out += "  layout:   " + s.layout + "\n";
    out += "  id:       " + orDash(s.meta.id) + "\n";
    out += "  object:   " + orDash(s.meta.object) + "\n";
    out += "  class:    " + orDash(s.meta.cls) + "   subclass: " + orDash(s.meta.subclass) +
           "   z: " + number(s.meta.z, "%.6g") + "\n";
    out +=
        "  ra, dec:  " + number(s.meta.ra, "%.6f") + ", " + number(s.meta.dec, "%.6f") + " deg\n";
    out += "  points:   " + std::to_string(s.wave.size()) +
           "   wavelength: " + number(low, "%.3f") + " - " + number(high, "%.3f") + " A (" +
           frameName(s.frame) + ")\n";
    out += std::string("  ivar:     ") + (s.ivar.empty() ? "no" : "yes") +
           "   mask: " + (s.mask.empty() ? "no" : "yes") + "\n";
  }
  return out;
}

std::string inspectJson(std::vector<std::string> const& paths, bool withValues) {
  core::JsonWriter json;
  json.beginObject().key("files").beginArray();
  for (auto const& path : paths) {
    Entry const entry = inspectOne(path);
    json.beginObject().key("path").value(path);
    if (!entry.spectrum) {
      json.key("error").beginObject();
      json.key("reason").value(entry.reason).key("message").value(entry.message);
      json.endObject().endObject();
      continue;
    }
    Spectrum const& s = *entry.spectrum;
    auto const [low, high] = waveRange(s.wave);
    json.key("layout").value(s.layout);
    json.key("id").value(s.meta.id);
    json.key("object").value(s.meta.object);
    json.key("class").value(s.meta.cls);
    json.key("subclass").value(s.meta.subclass);
    json.key("ra").value(s.meta.ra);
    json.key("dec").value(s.meta.dec);
    json.key("z").value(s.meta.z);
    json.key("frame").value(frameName(s.frame));
    json.key("points").value(static_cast<std::uint64_t>(s.wave.size()));
    json.key("wave_min").value(low);
    json.key("wave_max").value(high);
    json.key("has_ivar").value(!s.ivar.empty());
    json.key("has_mask").value(!s.mask.empty());
    if (withValues) {
      json.key("wave").beginArray();
      for (double w : s.wave) json.value(w);
      json.endArray().key("flux").beginArray();
      for (float f : s.flux) json.value(static_cast<double>(f));
      json.endArray().key("ivar").beginArray();
      for (float v : s.ivar) json.value(static_cast<double>(v));
      json.endArray().key("mask").beginArray();
      for (std::uint32_t m : s.mask) json.value(static_cast<std::uint64_t>(m));
      json.endArray();
    }
    json.endObject();
  }
  json.endArray().endObject();
  return json.str() + "\n";
}

}  // namespace vocloud::io
