// The report's data writer on hand-computed cases: base64 (RFC 4648 test vectors and the
// bytes of known floats), the typed-array JSON and the file wrapper; the selection rules
// (node samples, confusion cells, shard assignment) on small tables worked out by hand.
#include "report/data_writer.hpp"
#include "report/report_selection.hpp"
#include "report/report_stage.hpp"

#include "core/error.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace rp = vocloud::report;

BOOST_AUTO_TEST_SUITE(report_data)

BOOST_AUTO_TEST_CASE(base64_of_rfc4648_vectors) {
  auto b64 = [](std::string const& s) { return rp::base64(s.data(), s.size()); };
  BOOST_TEST(b64("") == "");
  BOOST_TEST(b64("f") == "Zg==");
  BOOST_TEST(b64("fo") == "Zm8=");
  BOOST_TEST(b64("foo") == "Zm9v");
  BOOST_TEST(b64("foob") == "Zm9vYg==");
  BOOST_TEST(b64("fooba") == "Zm9vYmE=");
  BOOST_TEST(b64("foobar") == "Zm9vYmFy");
  unsigned char const high[] = {0xff, 0xfe, 0xfd};
  BOOST_TEST(rp::base64(high, 3) == "//79");
}

BOOST_AUTO_TEST_CASE(typed_arrays_are_little_endian_base64) {
  // 1.0f = 0x3F800000 -> bytes 00 00 80 3F; -2.0f = 0xC0000000 -> 00 00 00 C0.
  vocloud::core::JsonWriter json;
  rp::typedArray(json, std::vector<float>{1.0f, -2.0f}, {1, 2});
  BOOST_TEST(json.str() == R"({"dtype":"f32","shape":[1,2],"b64":"AACAPwAAAMA="})");
  // 1.0 = 0x3FF0000000000000.
  vocloud::core::JsonWriter d;
  rp::typedArray(d, std::vector<double>{1.0});
  BOOST_TEST(d.str() == R"({"dtype":"f64","shape":[1],"b64":"AAAAAAAA8D8="})");
  vocloud::core::JsonWriter u;
  rp::typedArray(u, std::vector<std::uint8_t>{0, 1, 1});
  BOOST_TEST(u.str() == R"({"dtype":"u8","shape":[3],"b64":"AAEB"})");
}

BOOST_AUTO_TEST_CASE(plain_arrays_write_nan_as_null) {
  vocloud::core::JsonWriter json;
  rp::jsonArray(json, std::vector<double>{0.5, std::nan(""), 2});
  BOOST_TEST(json.str() == "[0.5,null,2]");
}

BOOST_AUTO_TEST_CASE(wrapper_is_one_fixed_line) {
  BOOST_TEST(rp::dataFileText("spectra/shard-000012", R"({"a":"\""})") ==
             "vocloudData(\"spectra/shard-000012\", {\"a\":\"\\\"\"});\n");
}

BOOST_AUTO_TEST_CASE(node_members_keep_the_closest) {
  // Node 0: indexes 0 (d 3), 2 (d 1), 3 (d 2); node 1: index 1; node 2: none.
  auto const m = rp::nodeMembers(3, {0, 1, 0, 0}, {3.0, 5.0, 1.0, 2.0}, 2);
  BOOST_TEST(m[0].count == 3u);
  BOOST_TEST(m[0].listed == (std::vector<std::size_t>{2, 3}));
  BOOST_TEST(m[1].count == 1u);
  BOOST_TEST(m[1].listed == (std::vector<std::size_t>{1}));
  BOOST_TEST(m[2].count == 0u);
  BOOST_CHECK_THROW(rp::nodeMembers(2, {0, 2}, {1.0, 1.0}, 5), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(confusion_cells_list_every_error_and_sample_the_diagonal) {
  // truth/prediction of 8 rows, 2 classes; row 7 is unlabelled.
  std::vector<std::int64_t> const truth{0, 0, 0, 0, 0, 1, 1, -1};
  std::vector<std::int64_t> const pred{0, 0, 0, 0, 1, 0, 1, 1};
  auto const cells = rp::confusionCells(2, truth, pred, 2);
  BOOST_TEST(cells[0].count == 4u);  // 0 -> 0: rows 0..3, sample of 2: indexes 0 and 2
  BOOST_TEST(cells[0].listed == (std::vector<std::size_t>{0, 2}));
  BOOST_TEST(cells[1].listed == (std::vector<std::size_t>{4}));
  BOOST_TEST(cells[2].listed == (std::vector<std::size_t>{5}));
  BOOST_TEST(cells[3].listed == (std::vector<std::size_t>{6}));
}

BOOST_AUTO_TEST_CASE(shards_follow_first_appearance) {
  std::vector<std::int64_t> order;
  auto const shard = rp::assignShards(6, {{4, 1}, {1, 5}, {0}}, 2, order);
  BOOST_TEST(order == (std::vector<std::int64_t>{4, 1, 5, 0}));
  BOOST_TEST(shard == (std::vector<std::int32_t>{1, 0, -1, -1, 0, 1}));
  BOOST_CHECK_THROW(rp::assignShards(3, {{3}}, 2, order), vocloud::Error);
}

BOOST_AUTO_TEST_CASE(bundle_copy_takes_page_assets_and_licenses) {
  namespace fs = std::filesystem;
  fs::path const root =
      fs::temp_directory_path() / ("vocloud-bundle-" + std::to_string(::getpid()));
  fs::create_directories(root / "ui/assets/fonts");
  fs::create_directories(root / "ui/licenses");
  fs::create_directories(root / "out");
  std::ofstream(root / "ui/index.html") << "<!doctype html>page";
  std::ofstream(root / "ui/assets/fonts/a.woff2") << "font";
  std::ofstream(root / "ui/licenses/uplot.txt") << "MIT";
  std::ofstream(root / "ui/stray.txt") << "not part of the report";
  rp::copyBundle((root / "ui").string(), (root / "out").string(), "preview.html");
  auto read = [](fs::path const& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  BOOST_TEST(read(root / "out/preview.html") == "<!doctype html>page");
  BOOST_TEST(read(root / "out/assets/fonts/a.woff2") == "font");
  BOOST_TEST(read(root / "out/licenses/uplot.txt") == "MIT");
  BOOST_TEST(!fs::exists(root / "out/stray.txt"));
  BOOST_CHECK_THROW(rp::copyBundle((root / "none").string(), (root / "out").string()),
                    vocloud::Error);
  fs::remove_all(root);
}

BOOST_AUTO_TEST_SUITE_END()
