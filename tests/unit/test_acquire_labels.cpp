// Labels and duplicates of the data manager, by hand: the value pipeline (regular
// expression, transform, map with unlabelled / exclude / '*'), labels files (CSV with
// quoting, conflicting rows, missing columns), header keywords and the duplicate finder.
#include "acquire/duplicates.hpp"
#include "acquire/labels.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "io/fits_file.hpp"
#include "support/test_shell.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace vocloud;
using namespace vocloud::acquire;

namespace {

LabelRule mapped(std::vector<std::pair<std::string, std::string>> map) {
  LabelRule rule;
  rule.map = std::move(map);
  rule.where = "exp.yaml:3:5";
  return rule;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(acquire_labels)

BOOST_AUTO_TEST_CASE(the_map_gives_labels_unlabelled_and_exclusions) {
  Labeller const codes(mapped({{"0", "emission"}, {"2", "unlabelled"}, {"9", "exclude"}}));
  BOOST_TEST(codes.finish("0").label == "emission");
  BOOST_TEST(codes.finish("2").label == "");
  BOOST_TEST(!codes.finish("2").excluded);
  BOOST_TEST(codes.finish("9").excluded);
  BOOST_TEST(codes.finish("9").reason.find("exp.yaml:3:5") != std::string::npos);
  BOOST_TEST(codes.finish("4").label == "4");  // not in the map: kept as it is
  BOOST_TEST(codes.finish("").label == "");
  // '*' stands for every value the map does not name, wherever it is in the map.
  Labeller const other(mapped({{"*", "exclude"}, {"G", "sun_like"}}));
  BOOST_TEST(other.finish("G").label == "sun_like");
  BOOST_TEST(other.finish("K").excluded);
}

BOOST_AUTO_TEST_CASE(regex_then_transform_then_map) {
  LabelRule rule = mapped({{"G", "sun_like"}});
  rule.regex = "^([A-Z])[0-9]";
  rule.transform = LabelTransform::Upper;
  Labeller const l(rule);
  BOOST_TEST(l.finish("G7").label == "sun_like");
  BOOST_TEST(l.finish("K5").label == "K");
  BOOST_TEST(l.finish("gG").label == "");  // no match: unlabelled
  LabelRule letter;
  letter.transform = LabelTransform::FirstLetter;
  BOOST_TEST(Labeller(letter).finish("  dM2.5").label == "d");
  LabelRule whole;
  whole.regex = "[0-9]+";  // no group: the whole match
  BOOST_TEST(Labeller(whole).finish("type 42b").label == "42");
}

BOOST_AUTO_TEST_CASE(labels_files_join_on_the_id) {
  test::ScratchDir const dir("acquire-labels");
  std::string const csv = (dir.path / "labels.csv").string();
  core::writeFileAtomic(
      csv, "name,id,label\r\n\"a, b\",ivo://x/1,0\r\nc,ivo://x/2,\"3\"\r\nd,ivo://x/1,0\r\n");
  auto const table = readLabelsFile(csv, "id", "label");
  BOOST_TEST(table.size() == 2u);
  BOOST_TEST(table.at("ivo://x/1") == "0");
  BOOST_TEST(table.at("ivo://x/2") == "3");
  // The file's own column names; a missing one is named with the columns there are.
  BOOST_TEST(readLabelsFile(csv, "name", "id").at("a, b") == "ivo://x/1");
  try {
    readLabelsFile(csv, "id", "class");
    BOOST_FAIL("no error for a missing column");
  } catch (Error const& e) {
    BOOST_TEST(std::string(e.what()).find("no column 'class'") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("name, id, label") != std::string::npos);
  }
  // One id with two labels is an error naming the line.
  core::writeFileAtomic(csv, "id,label\nx,1\nx,2\n");
  BOOST_CHECK_THROW(readLabelsFile(csv, "id", "label"), Error);
  BOOST_CHECK_THROW(readLabelsFile((dir.path / "none.csv").string(), "id", "label"), Error);
}

BOOST_AUTO_TEST_CASE(header_keywords_from_the_first_hdu_that_has_them) {
  test::ScratchDir const dir("acquire-header");
  std::string const path = (dir.path / "h.fits").string();
  {
    auto file = io::FitsFile::create(path);
    int status = 0;
    long naxes[1] = {0};
    fits_create_img(file.get(), FLOAT_IMG, 0, naxes, &status);
    file.check(status, "primary");
    file.writeKey("OBJECT", "it's");
    fits_create_img(file.get(), FLOAT_IMG, 0, naxes, &status);
    file.check(status, "extension");
    file.writeKey("SUBCLASS", "G7  ");
    file.writeKey("SNR", 12.5);
    file.close();
  }
  BOOST_TEST(fitsHeaderValue(path, "OBJECT").value() == "it's");
  BOOST_TEST(fitsHeaderValue(path, "SUBCLASS").value() == "G7");
  BOOST_TEST(fitsHeaderValue(path, "SNR").value().rfind("12.5", 0) == 0);
  BOOST_TEST(!fitsHeaderValue(path, "CLASS").has_value());
  BOOST_TEST(!fitsHeaderValue((dir.path / "none.fits").string(), "CLASS").has_value());
  BOOST_TEST(folderName("/data/emission/x.fits") == "emission");
}

BOOST_AUTO_TEST_CASE(duplicates_by_id_and_by_bytes) {
  std::string const catalog =
      "id,path,format,label,sha256,object\n"
      "a,files/0/a.fits,x,,s1,alpha Lyr\n"
      "b,files/0/b.fits,x,,s2,\n"
      "a,files/1/a-raw.fits,x,,s3,alpha Lyr\n"
      "c,files/1/c.fits,x,,s2,\n";
  auto const found = findDuplicates(catalog, "catalog.csv");
  BOOST_TEST_REQUIRE(found.size() == 2u);
  BOOST_TEST(found[0].path == "files/1/a-raw.fits");
  BOOST_TEST(found[0].firstPath == "files/0/a.fits");
  BOOST_TEST(found[0].reason == "same id");
  BOOST_TEST(found[0].object == "alpha Lyr");
  BOOST_TEST(found[1].id == "c");
  BOOST_TEST(found[1].firstId == "b");
  BOOST_TEST(found[1].reason == "same bytes");
  BOOST_CHECK_THROW(findDuplicates("id,path\n", "catalog.csv"), Error);
}

BOOST_AUTO_TEST_SUITE_END()
