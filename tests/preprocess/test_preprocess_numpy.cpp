// The C++ operations against numpy_reference.py, an independent numpy implementation run
// in the test: (a) read + rebin onto a common log grid + fill + max normalisation of real
// LAMOST DR1 and SDSS spectra (the numpy side reads with astropy and rebins with a dense
// overlap matrix); (b) Haar and db2 multilevel DWTs of random signals by the textbook
// filter bank (pywt is not installed, so its filters and "periodization" layout are
// written out in numpy).
#include "io/reader.hpp"
#include "spectral/grid.hpp"
#include "spectral/normalise.hpp"
#include "spectral/resample.hpp"
#include "spectral/unusable.hpp"
#include "spectral/wavelet.hpp"
#include "support/test_shell.hpp"

#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace pre = vocloud::spectral;
namespace fs = std::filesystem;

namespace {

using vocloud::test::python;
using vocloud::test::quote;

std::string realData() {
  char const* shared = std::getenv("VOCLOUD_SHARED_DATA");
  std::string const root = shared != nullptr
                               ? std::string(shared)
                               : std::string(VOCLOUD_PREPROCESS_TEST_DIR) + "/../../../shared/data";
  return root + "/real";
}

// A scratch folder for this process, removed when the test ends.
struct Scratch : vocloud::test::ScratchDir {
  Scratch() : ScratchDir("preprocess-test") {}
};

void runReference(std::string const& arguments) {
  std::string const command =
      python() + " " + quote(std::string(VOCLOUD_PREPROCESS_TEST_DIR) + "/numpy_reference.py") +
      " " + arguments;
  int const rc = std::system(command.c_str());
  if (rc != 0)
    throw std::runtime_error("numpy reference failed (" + std::to_string(rc) + "): " + command);
}

// The blocks of the reference output: each starts with a header line ("file", "case")
// and holds named arrays until "end".
struct Block {
  std::string header;
  std::map<std::string, std::vector<double>> arrays;
  std::map<std::string, std::string> scalars;
};

std::vector<Block> readBlocks(fs::path const& path, std::vector<double>* grid = nullptr) {
  std::ifstream in(path);
  std::vector<Block> blocks;
  std::string line;
  while (std::getline(in, line)) {
    auto const tab = line.find('\t');
    std::string const tag = line.substr(0, tab);
    std::string const rest = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (tag == "grid" && grid != nullptr) {
      *grid = vocloud::test::parseValues<double>(rest);
    } else if (tag == "file" || tag == "case") {
      blocks.push_back({rest, {}, {}});
    } else if (tag == "end" || blocks.empty()) {
      continue;
    } else if (tag == "coverage") {
      blocks.back().scalars[tag] = rest;
    } else {
      blocks.back().arrays[tag] = vocloud::test::parseValues<double>(rest);
    }
  }
  return blocks;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(preprocess_numpy)

BOOST_AUTO_TEST_CASE(rebin_and_max_normalisation_of_real_spectra_match_numpy) {
  Scratch scratch;
  double const lambdaMin = 4000, lambdaMax = 8800, stepDex = 1e-4;
  std::vector<std::pair<std::string, std::string>> const files = {
      {"lamost_dr1", realData() + "/lamost-dr1/spec-55862-B6212_sp06-003.fits"},
      {"lamost_dr1", realData() + "/lamost-dr1/spec-55862-B6212_sp06-005.fits"},
      {"lamost_dr1", realData() + "/lamost-dr1/spec-55862-B6212_sp06-006.fits"},
      {"sdss", realData() + "/sdss/spec-0266-51602-0013.fits"},  // SDSS-I, many masked pixels
      {"sdss", realData() + "/sdss/spec-0266-51602-0107.fits"},
      {"sdss", realData() + "/sdss/spec-7338-57859-0739.fits"},  // BOSS, wider range
      {"sdss", realData() + "/sdss/spec-0269-51581-0003.fits"},  // every pixel has ivar 0
  };
  {
    std::ofstream list(scratch.path / "rebin.list");
    list << "grid\t" << lambdaMin << '\t' << lambdaMax << '\t' << stepDex << '\n';
    for (auto const& [layout, path] : files) list << layout << '\t' << path << '\n';
  }
  runReference("rebin " + quote((scratch.path / "rebin.list").string()) + " " +
               quote((scratch.path / "rebin.out").string()));
  std::vector<double> referenceGrid;
  auto const blocks = readBlocks(scratch.path / "rebin.out", &referenceGrid);
  BOOST_TEST_REQUIRE(blocks.size() == files.size());

  pre::Grid const grid = pre::makeGrid(lambdaMin, lambdaMax, true, 0, stepDex);
  BOOST_TEST_REQUIRE(grid.wave.size() == referenceGrid.size());
  for (std::size_t j = 0; j < grid.wave.size(); ++j)
    BOOST_TEST(std::abs(grid.wave[j] - referenceGrid[j]) <= 1e-12 * referenceGrid[j]);

  pre::NormaliseOptions maxNorm;
  maxNorm.kind = pre::Normalisation::Max;
  for (std::size_t f = 0; f < files.size(); ++f) {
    Block const& reference = blocks[f];
    BOOST_TEST_CONTEXT(files[f].second) {
      BOOST_TEST_REQUIRE(reference.header == files[f].second);
      auto const spectrum = vocloud::io::readSpectrum(files[f].second);
      BOOST_TEST(spectrum.layout == files[f].first);
      pre::Resampled out = pre::rebinFluxConserving(spectrum.wave, spectrum.flux, spectrum.ivar,
                                                    spectrum.mask, grid);
      double const referenceCoverage = std::stod(reference.scalars.at("coverage"));
      BOOST_TEST(std::abs(out.coverage - referenceCoverage) < 1e-12);
      if (referenceCoverage == 0) {
        BOOST_CHECK_EXCEPTION(pre::fillMissing(out), pre::Unusable,
                              [](pre::Unusable const& e) { return e.reason() == "no_coverage"; });
        continue;
      }
      pre::fillMissing(out);
      pre::normalise(out.flux, out.ivar, out.mask, grid.wave, maxNorm);

      auto const& flux = reference.arrays.at("flux");
      auto const& ivar = reference.arrays.at("ivar");
      auto const& mask = reference.arrays.at("mask");
      BOOST_TEST_REQUIRE(flux.size() == out.flux.size());
      double worstFlux = 0, worstIvar = 0;
      std::size_t maskDifferences = 0;
      for (std::size_t j = 0; j < flux.size(); ++j) {
        // max-normalised: |flux| <= 1, so an absolute 1e-6 is 1e-6 of the spectrum's scale
        // (float32 output rounds at ~6e-8)
        worstFlux = std::max(worstFlux, std::abs(out.flux[j] - flux[j]));
        if (ivar[j] != 0 || out.ivar[j] != 0)
          worstIvar = std::max(worstIvar, std::abs(out.ivar[j] - ivar[j]) / std::abs(ivar[j]));
        maskDifferences += out.mask[j] != static_cast<std::uint8_t>(mask[j]) ? 1 : 0;
      }
      BOOST_TEST(maskDifferences == 0u);
      BOOST_TEST(worstFlux <= 1e-6, "largest flux difference " << worstFlux);
      BOOST_TEST(worstIvar <= 1e-6, "largest relative ivar difference " << worstIvar);
      BOOST_TEST_MESSAGE(files[f].second << ": coverage " << out.coverage << ", max |Δflux| "
                                         << worstFlux << ", max rel Δivar " << worstIvar);
    }
  }
}

BOOST_AUTO_TEST_CASE(haar_and_db2_match_the_numpy_filter_bank) {
  Scratch scratch;
  runReference("wavelet " + quote((scratch.path / "wavelet.out").string()));
  auto const blocks = readBlocks(scratch.path / "wavelet.out");
  BOOST_TEST_REQUIRE(blocks.size() == 12u);
  for (Block const& block : blocks) {
    BOOST_TEST_CONTEXT(block.header) {
      auto const tab = block.header.find('\t');
      pre::Wavelet const wavelet = pre::parseWavelet(block.header.substr(0, tab));
      int const levels = std::stoi(block.header.substr(tab + 1));
      auto const& signal = block.arrays.at("signal");
      auto const& expected = block.arrays.at("coefficients");
      auto const coefficients = pre::dwtForward(signal, wavelet, levels);
      BOOST_TEST_REQUIRE(coefficients.size() == expected.size());
      double worst = 0, scale = 0;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        worst = std::max(worst, std::abs(coefficients[i] - expected[i]));
        scale = std::max(scale, std::abs(expected[i]));
      }
      BOOST_TEST(worst <= 1e-12 * scale, "largest coefficient difference " << worst);
      auto const back = pre::dwtInverse(expected, wavelet, levels);
      double worstBack = 0;
      for (std::size_t i = 0; i < signal.size(); ++i)
        worstBack = std::max(worstBack, std::abs(back[i] - signal[i]));
      BOOST_TEST(worstBack <= 1e-12 * scale, "largest inverse difference " << worstBack);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
