// Where the report tells SAMP clients a spectrum file is: file:// URLs (percent-encoding
// worked out by hand from RFC 3986 and the UTF-8 bytes) and /meta/path resolved against the
// base of knowledge, then the data set's folder, on files made here.
#include "report/spectrum_location.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace rp = vocloud::report;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(report_samp)

BOOST_AUTO_TEST_CASE(file_urls_percent_encode_all_but_unreserved_and_slash) {
  BOOST_TEST(rp::fileUrl("/data/x.fits") == "file:///data/x.fits");
  BOOST_TEST(rp::fileUrl("/a b/c#d?e%f") == "file:///a%20b/c%23d%3Fe%25f");
  // "é" is C3 A9 in UTF-8; '+' is 2B; '~', '-', '_', '.' stay.
  BOOST_TEST(rp::fileUrl("/d/\xC3\xA9+1~_-.fits") == "file:///d/%C3%A9%2B1~_-.fits");
}

BOOST_AUTO_TEST_CASE(paths_resolve_against_the_base_of_knowledge_then_the_data_set) {
  fs::path const root = fs::temp_directory_path() / ("vocloud-samp-" + std::to_string(::getpid()));
  fs::create_directories(root / "bok" / "files");
  fs::create_directories(root / "pre" / "local");
  std::ofstream(root / "bok" / "files" / "a b.fits") << "x";
  std::ofstream(root / "pre" / "local" / "c.fits") << "x";
  rp::DatasetInfo d;
  d.bok = (root / "bok").string();
  d.path = (root / "pre" / "dataset.h5").string();

  BOOST_TEST(rp::resolveSpectrumPath(d, "files/a b.fits") ==
             (root / "bok" / "files" / "a b.fits").string());
  BOOST_TEST(rp::resolveSpectrumPath(d, "local/c.fits") ==
             (root / "pre" / "local" / "c.fits").string());
  BOOST_TEST(rp::resolveSpectrumPath(d, "gone.fits") == "gone.fits");
  BOOST_TEST(rp::spectrumFileUrl(d, "files/a b.fits") ==
             "file://" + (root / "bok" / "files").string() + "/a%20b.fits");
  BOOST_TEST(rp::spectrumFileUrl(d, "gone.fits") == "");  // no such file here: no URL
  BOOST_TEST(rp::spectrumFileUrl(d, "") == "");
  fs::remove_all(root);
}

BOOST_AUTO_TEST_SUITE_END()
