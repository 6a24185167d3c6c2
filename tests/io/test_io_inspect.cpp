// `vocloud inspect` output: one entry per file, failures listed with their reason, values
// in the JSON equal to what readSpectrum() read.
#include "io/inspect.hpp"
#include "io/reader.hpp"
#include "io_test_support.hpp"

#include <yaml-cpp/yaml.h>
#include <boost/test/unit_test.hpp>

namespace io = vocloud::io;

BOOST_AUTO_TEST_SUITE(io_inspect)

BOOST_AUTO_TEST_CASE(json_lists_every_file_and_its_values) {
  std::string const root = io::test::realDataRoot();
  std::vector<std::string> const paths{root + "/sdss/spec-0266-51602-0107.fits",
                                       io::test::scratchDir() + "/missing.fits",
                                       root + "/formats/hd217476/spectrum.csv"};
  YAML::Node const doc = YAML::Load(io::inspectJson(paths, true));
  YAML::Node const files = doc["files"];
  BOOST_TEST_REQUIRE(files.size() == 3u);

  io::Spectrum const sdss = io::readSpectrum(paths[0]);
  YAML::Node const first = files[0];
  BOOST_TEST(first["path"].as<std::string>() == paths[0]);
  BOOST_TEST(first["layout"].as<std::string>() == "sdss");
  BOOST_TEST(first["class"].as<std::string>() == sdss.meta.cls);
  BOOST_TEST(first["subclass"].as<std::string>() == sdss.meta.subclass);
  BOOST_TEST(first["z"].as<double>() == sdss.meta.z);
  BOOST_TEST(first["frame"].as<std::string>() == "vacuum");
  BOOST_TEST(first["points"].as<std::size_t>() == sdss.wave.size());
  BOOST_TEST(first["has_ivar"].as<bool>());
  BOOST_TEST(first["has_mask"].as<bool>());
  BOOST_TEST(first["wave_min"].as<double>() == sdss.wave.front());
  BOOST_TEST(first["wave_max"].as<double>() == sdss.wave.back());
  BOOST_TEST_REQUIRE(first["wave"].size() == sdss.wave.size());
  for (std::size_t i = 0; i < sdss.wave.size(); i += 97) {
    BOOST_TEST(first["wave"][i].as<double>() == sdss.wave[i]);
    BOOST_TEST(static_cast<float>(first["flux"][i].as<double>()) == sdss.flux[i]);
    BOOST_TEST(static_cast<float>(first["ivar"][i].as<double>()) == sdss.ivar[i]);
    BOOST_TEST(first["mask"][i].as<std::uint32_t>() == sdss.mask[i]);
  }

  BOOST_TEST(files[1]["error"]["reason"].as<std::string>() == "not_found");
  BOOST_TEST(files[1]["error"]["message"].as<std::string>().find("missing.fits") !=
             std::string::npos);
  BOOST_TEST(files[2]["layout"].as<std::string>() == "text");
  BOOST_TEST(files[2]["ra"].IsNull());
  BOOST_TEST(files[2]["ivar"].size() == 0u);

  YAML::Node const brief = YAML::Load(io::inspectJson(paths, false))["files"];
  BOOST_TEST(!brief[0]["wave"].IsDefined());
  BOOST_TEST(brief[0]["points"].as<std::size_t>() == sdss.wave.size());
}

BOOST_AUTO_TEST_CASE(text_names_layout_and_errors) {
  std::string const root = io::test::realDataRoot();
  std::string const missing = io::test::scratchDir() + "/missing.fits";
  std::string const text =
      io::inspectText({root + "/lamost-dr1/spec-55862-B6212_sp06-003.fits", missing});
  io::Spectrum const lamost = io::readSpectrum(root + "/lamost-dr1/spec-55862-B6212_sp06-003.fits");
  BOOST_TEST(text.find("lamost_dr1") != std::string::npos);
  BOOST_TEST(text.find(lamost.meta.subclass) != std::string::npos);
  BOOST_TEST(text.find(missing) != std::string::npos);
  BOOST_TEST(text.find("not_found") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
