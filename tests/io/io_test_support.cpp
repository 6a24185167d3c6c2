#include "io_test_support.hpp"

#include "io/reader.hpp"

#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <charconv>
#include "support/test_shell.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vocloud::io::test {

namespace fs = std::filesystem;

namespace {

using vocloud::test::python;
using vocloud::test::quote;
using vocloud::test::run;

using vocloud::test::parseValues;

bool sameDouble(double a, double b, double relative) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::abs(a - b) <= relative * std::abs(b);
}

double number(std::string const& text) {
  if (text == "nan") return std::nan("");
  return std::stod(text);
}

std::string frameText(WavelengthFrame frame) {
  return frame == WavelengthFrame::Vacuum ? "vacuum"
         : frame == WavelengthFrame::Air  ? "air"
                                          : "unknown";
}

}  // namespace

std::string realDataRoot() {
  char const* shared = std::getenv("VOCLOUD_SHARED_DATA");
  std::string const root = shared != nullptr
                               ? std::string(shared)
                               : std::string(VOCLOUD_IO_TEST_DIR) + "/../../../shared/data";
  return root + "/real";
}

std::string scratchDir() {
  // Removed when the test process ends.
  static vocloud::test::ScratchDir scratch("io-test");
  return scratch.path.string();
}

std::string casesDir() {
  static std::string const dir = [] {
    std::string const out = scratchDir() + "/cases";
    run(python() + " " + quote(std::string(VOCLOUD_IO_TEST_DIR) + "/make_cases.py") + " " +
        quote(out) + " " + quote(realDataRoot()));
    return out;
  }();
  return dir;
}

std::map<std::string, Reference> astropyReference(std::vector<ReferenceRequest> const& files) {
  static int calls = 0;
  std::string const stem = scratchDir() + "/reference" + std::to_string(++calls);
  {
    std::ofstream list(stem + ".list");
    for (auto const& f : files) list << f.layout << '\t' << f.path << '\t' << f.hints << '\n';
  }
  run(python() + " " + quote(std::string(VOCLOUD_IO_TEST_DIR) + "/astropy_reference.py") + " " +
      quote(stem + ".list") + " " + quote(stem + ".out"));

  std::map<std::string, Reference> references;
  std::ifstream in(stem + ".out");
  std::string line, path;
  while (std::getline(in, line)) {
    auto const tab = line.find('\t');
    std::string const tag = line.substr(0, tab);
    std::string const rest = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (tag == "file") {
      path = rest;
      references[path] = Reference{};
      continue;
    }
    Reference& r = references.at(path);
    if (tag == "error") {
      r.error = rest;
    } else if (tag == "meta") {
      auto const split = rest.find('\t');
      r.meta[rest.substr(0, split)] = split == std::string::npos ? "" : rest.substr(split + 1);
    } else if (tag == "wave") {
      r.wave = parseValues<double>(rest);
    } else if (tag == "flux") {
      r.flux = parseValues<double>(rest);
    } else if (tag == "ivar") {
      r.ivar = parseValues<double>(rest);
    } else if (tag == "mask") {
      r.mask = parseValues<std::uint32_t>(rest);
    }
  }
  return references;
}

std::string compareWithReference(Spectrum const& s, Reference const& r) {
  std::ostringstream out;
  if (!r.error.empty()) return "astropy could not read it: " + r.error;
  auto sizes = [&](char const* name, std::size_t ours, std::size_t theirs) {
    if (ours != theirs) out << name << " has " << ours << " values, astropy " << theirs << "; ";
    return ours == theirs;
  };
  if (sizes("wave", s.wave.size(), r.wave.size()))
    for (std::size_t i = 0; i < r.wave.size(); ++i)
      if (!sameDouble(s.wave[i], r.wave[i], 1e-12)) {
        out << "wave[" << i << "] " << s.wave[i] << " != " << r.wave[i] << "; ";
        break;
      }
  if (sizes("flux", s.flux.size(), r.flux.size()))
    for (std::size_t i = 0; i < r.flux.size(); ++i)
      if (!sameDouble(s.flux[i], static_cast<float>(r.flux[i]), 0)) {
        out << "flux[" << i << "] " << s.flux[i] << " != " << r.flux[i] << "; ";
        break;
      }
  if (sizes("ivar", s.ivar.size(), r.ivar.size()))
    for (std::size_t i = 0; i < r.ivar.size(); ++i)
      if (!sameDouble(s.ivar[i], static_cast<float>(r.ivar[i]), 1e-6)) {
        out << "ivar[" << i << "] " << s.ivar[i] << " != " << r.ivar[i] << "; ";
        break;
      }
  if (sizes("mask", s.mask.size(), r.mask.size()))
    for (std::size_t i = 0; i < r.mask.size(); ++i)
      if (s.mask[i] != r.mask[i]) {
        out << "mask[" << i << "] " << s.mask[i] << " != " << r.mask[i] << "; ";
        break;
      }
  auto text = [&](char const* key, std::string const& ours) {
    if (ours != r.meta.at(key)) out << key << " '" << ours << "' != '" << r.meta.at(key) << "'; ";
  };
  text("id", s.meta.id);
  text("object", s.meta.object);
  text("cls", s.meta.cls);
  text("subclass", s.meta.subclass);
  text("frame", frameText(s.frame));
  auto value = [&](char const* key, double ours, double relative) {
    double const theirs = number(r.meta.at(key));
    bool const close = sameDouble(ours, theirs, relative) || std::abs(ours - theirs) < 1e-9;
    if (!close) out << key << " " << ours << " != " << theirs << "; ";
  };
  value("ra", s.meta.ra, 1e-12);
  value("dec", s.meta.dec, 1e-12);
  value("z", s.meta.z, 1e-9);
  return out.str();
}

std::vector<std::string> filesIn(std::string const& folder,
                                 std::vector<std::string> const& extensions, bool recursive) {
  std::vector<std::string> files;
  auto take = [&](fs::directory_entry const& entry) {
    if (!entry.is_regular_file()) return;
    std::string const name = entry.path().filename().string();
    for (auto const& ext : extensions)
      if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
        files.push_back(entry.path().string());
  };
  if (recursive)
    for (auto const& entry : fs::recursive_directory_iterator(folder)) take(entry);
  else
    for (auto const& entry : fs::directory_iterator(folder)) take(entry);
  std::sort(files.begin(), files.end());
  return files;
}

void copyPrefix(std::string const& from, std::string const& to, std::uintmax_t bytes) {
  std::ifstream in(from, std::ios::binary);
  std::string data(static_cast<std::size_t>(bytes), '\0');
  in.read(data.data(), static_cast<std::streamsize>(bytes));
  data.resize(static_cast<std::size_t>(in.gcount()));
  std::ofstream(to, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

}  // namespace vocloud::io::test
