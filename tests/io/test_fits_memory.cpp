// The in-memory FITS parser (engine/io/fits_memory*) against astropy's reading of the same
// files: header cards (quotes, '' escapes, CONTINUE, D exponents, logicals, comments), HDU
// offsets and sizes, images of every BITPIX with BSCALE/BZERO/BLANK, binary tables with
// every TFORM type, repeats, TSCAL/TZERO and a heap, ASCII tables, gzip and pkzip, and
// truncated files. fits_memory_cases.py builds the files and writes what astropy reads.
#include "io/fits_memory.hpp"
#include "io/fits_read.hpp"
#include "io/reader.hpp"
#include "io_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace io = vocloud::io;
namespace detail = vocloud::io::detail;
using Reason = io::ReadError::Reason;

namespace {

// One line of reference.txt split at tabs.
using Fields = std::vector<std::string>;

struct HduFacts {
  std::string kind;
  std::size_t headerStart = 0, dataStart = 0;
  std::uint64_t dataBytes = 0;
};

// What astropy read, by file.
struct Reference {
  std::map<std::string, int> hduCount;
  std::map<std::string, std::vector<HduFacts>> hdus;
  std::vector<Fields> keys, images, columns, masks, texts;
};

Fields split(std::string const& line) {
  Fields fields;
  std::size_t start = 0;
  while (true) {
    std::size_t const tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

std::vector<double> numbers(std::string const& text) {
  std::vector<double> values;
  std::istringstream in(text);
  for (std::string word; in >> word;)
    values.push_back(word == "nan" ? std::nan("") : std::stod(word));
  return values;
}

// Builds the files once (astropy under /usr/bin/python3) and parses the reference.
Reference const& reference() {
  static Reference const ref = [] {
    std::string const dir = io::test::scratchDir() + "/fits_memory";
    char const* given = std::getenv("VOCLOUD_PYTHON");
    std::string const command = std::string(given != nullptr ? given : "/usr/bin/python3") + " '" +
                                VOCLOUD_IO_TEST_DIR + "/fits_memory_cases.py' '" + dir + "' '" +
                                io::test::realDataRoot() + "'";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
    Reference r;
    std::ifstream in(dir + "/reference.txt");
    for (std::string line; std::getline(in, line);) {
      Fields f = split(line);
      if (f[0] == "hdus") r.hduCount[f[1]] = std::stoi(f[2]);
      if (f[0] == "hdu")
        r.hdus[f[1]].push_back({f[3], std::stoul(f[4]), std::stoul(f[5]), std::stoull(f[6])});
      if (f[0] == "key") r.keys.push_back(f);
      if (f[0] == "image") r.images.push_back(f);
      if (f[0] == "column") r.columns.push_back(f);
      if (f[0] == "mask") r.masks.push_back(f);
      if (f[0] == "text") r.texts.push_back(f);
    }
    return r;
  }();
  return ref;
}

std::string casePath(std::string const& name) {
  reference();
  return io::test::scratchDir() + "/fits_memory/" + name;
}

detail::FitsMemory openFits(std::string const& name) {
  return detail::FitsMemory(detail::FileBytes::open(casePath(name)));
}

// The whole file in memory at once (as gzip content is), for comparison with the lazy path.
detail::FitsMemory loadWhole(std::string const& path) {
  detail::FileBytes bytes = detail::FileBytes::open(path);
  std::string_view const all = bytes.all();
  detail::ByteBuffer copy(all.size());
  std::copy(all.begin(), all.end(), copy.data());
  return detail::FitsMemory(path, std::move(copy));
}

bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b || std::abs(a - b) <= 2.3e-16 * std::abs(b);  // 1 ulp: uint64 + TZERO
}

template <typename T>
std::string firstDifference(std::vector<T> const& ours, std::vector<double> const& theirs) {
  if (ours.size() != theirs.size())
    return std::to_string(ours.size()) + " values, astropy " + std::to_string(theirs.size());
  for (std::size_t i = 0; i < ours.size(); ++i)
    if (!same(static_cast<double>(ours[i]), theirs[i]))
      return "[" + std::to_string(i) + "] " + std::to_string(static_cast<double>(ours[i])) +
             " != " + std::to_string(theirs[i]);
  return {};
}

// Runs body expecting ReadError(reason).
template <typename Body>
void expectReason(Reason reason, Body body) {
  try {
    body();
    BOOST_ERROR("no error; expected " << io::reasonName(reason));
  } catch (io::ReadError const& e) {
    BOOST_TEST(io::reasonName(e.reason()) == io::reasonName(reason), e.what());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fits_memory)

BOOST_AUTO_TEST_CASE(header_cards_match_astropy) {
  detail::FitsMemory const file = openFits("header.fits");
  detail::FitsHeader const& header = file.hdu(1).header;
  for (Fields const& f : reference().keys) {
    std::string const &key = f[3], &kind = f[4], &value = f[5], &comment = f[6];
    BOOST_TEST_CONTEXT(key) {
      BOOST_TEST(header.has(key));
      BOOST_TEST(header.comment(key) == comment);
      if (kind == "str") {
        // strings come trimmed at both ends (astropy keeps leading blanks)
        std::string trimmed = value;
        trimmed.erase(0, trimmed.find_first_not_of(' '));
        BOOST_TEST(header.string(key).value_or("<absent>") == trimmed);
        BOOST_TEST(!header.logical(key).has_value());
      } else if (kind == "int") {
        BOOST_TEST(header.integer(key).value_or(-1) == std::stoll(value));
        BOOST_TEST(header.number(key).value_or(-1) == std::stod(value));
        BOOST_TEST(header.string(key).value_or("") == value);  // a number as written
      } else if (kind == "float") {
        double const number = std::stod(value);
        BOOST_TEST(header.number(key).value_or(-1) == number);
        // integer() takes a number without a fraction ("3904.0", 1.25D+03), nothing else
        BOOST_TEST(header.integer(key).has_value() == (number == std::floor(number)));
      } else if (kind == "bool") {
        BOOST_TEST(header.logical(key).value_or(value != "T") == (value == "T"));
        BOOST_TEST(!header.number(key).has_value());
      } else {  // no value
        BOOST_TEST(header.string(key).value_or("<absent>") == "");
        BOOST_TEST(!header.number(key).has_value());
      }
    }
  }
  // A quoted number reads as a number too (astropy gives the string).
  BOOST_TEST(header.number("QNUM").value_or(0) == 12.5);
  BOOST_TEST(header.has("COMMENT"));
  BOOST_TEST(!header.string("COMMENT").has_value());  // commentary, no value
  BOOST_TEST(!header.has("NOSUCH"));
  BOOST_TEST(!header.has("LONGER_THAN_8"));
  BOOST_TEST(header.string("str").value_or("") == "plain text");  // keys are case-insensitive
}

// Yes/no keywords as pipelines write them (hand-made cards): logicals, the same quoted in
// any case, 1/0; nothing for anything else. lowerCaseWords/lowerCaseItems split row names
// written with commas and/or blanks.
BOOST_AUTO_TEST_CASE(flags_and_name_lists_as_written) {
  std::vector<std::pair<std::string, int>> const cards{
      {"LOGT    =                    T / logical", 1},
      {"LOGF    =                    F", 0},
      {"QT      = 'T       '", 1},
      {"QFALSE  = 'false'", 0},
      {"QTRUE   = 'True' / mixed case", 1},
      {"ONE     =                    1", 1},
      {"ZERO    =                  0.0", 0},
      {"QONE    = '1'", 1},
      {"TWO     =                    2", -1},
      {"YES     = 'yes'", -1},
      {"EMPTY   =", -1}};
  std::string block;
  for (auto const& [card, expected] : cards) block += card + std::string(80 - card.size(), ' ');
  detail::FitsHeader const header(block.data(), static_cast<int>(cards.size()));
  for (auto const& [card, expected] : cards) {
    std::string const key = card.substr(0, card.find(' '));
    auto const value = header.flag(key);
    BOOST_TEST(value.has_value() == (expected >= 0), card);
    if (value && expected >= 0) BOOST_TEST(*value == (expected == 1), card);
  }
  BOOST_TEST(!header.flag("ABSENT").has_value());

  using List = std::vector<std::string>;
  BOOST_TEST((detail::lowerCaseWords("Flux, Inverse,Wavelength  Andmask\tOrmask") ==
              List{"flux", "inverse", "wavelength", "andmask", "ormask"}));
  BOOST_TEST((detail::lowerCaseItems("Flux Inverse Subcontinuum") ==
              List{"flux", "inverse", "subcontinuum"}));
  BOOST_TEST((detail::lowerCaseItems(" Flux,  Inverse   Variance ,,Wavelength, ") ==
              List{"flux", "inverse variance", "wavelength"}));
}

BOOST_AUTO_TEST_CASE(hdu_structure_matches_astropy) {
  for (char const* name : {"header.fits", "images.fits", "tables.fits"}) {
    BOOST_TEST_CONTEXT(name) {
      detail::FitsMemory const file = openFits(name);
      auto const& facts = reference().hdus.at(name);
      BOOST_TEST(file.hduCount() == reference().hduCount.at(name));
      BOOST_TEST_REQUIRE(facts.size() == static_cast<std::size_t>(file.hduCount()));
      for (std::size_t k = 0; k < facts.size(); ++k) {
        detail::FitsHdu const& hdu = file.hdu(static_cast<int>(k + 1));
        std::string const kind = hdu.kind == detail::HduKind::Image         ? "image"
                                 : hdu.kind == detail::HduKind::BinaryTable ? "binary"
                                 : hdu.kind == detail::HduKind::AsciiTable  ? "ascii"
                                                                            : "other";
        BOOST_TEST(kind == facts[k].kind);
        BOOST_TEST(hdu.headerStart == facts[k].headerStart);
        BOOST_TEST(hdu.dataStart == facts[k].dataStart);
        BOOST_TEST(hdu.dataBytes == facts[k].dataBytes);
      }
      BOOST_TEST(file.find(file.hduCount() + 1) == nullptr);
      expectReason(Reason::UnknownLayout, [&] { file.hdu(file.hduCount() + 1); });
    }
  }
}

BOOST_AUTO_TEST_CASE(images_of_every_bitpix_match_astropy) {
  detail::FitsMemory const lazy = openFits("images.fits");
  detail::FitsMemory const whole = loadWhole(casePath("images.fits"));
  int checked = 0;
  for (Fields const& f : reference().images) {
    int const number = std::stoi(f[2]);
    std::vector<double> const expected = numbers(f[5]);
    BOOST_TEST_CONTEXT("HDU " << number << " BITPIX " << lazy.hdu(number).bitpix) {
      for (detail::FitsMemory const* file : {&lazy, &whole}) {
        detail::FitsHdu const& hdu = file->hdu(number);
        long long const n = hdu.pixels();
        auto const doubles = detail::readImageDoubles(*file, hdu, 0, n);
        BOOST_TEST(firstDifference(doubles, expected).empty(), firstDifference(doubles, expected));
        auto const floats = detail::readImageFloats(*file, hdu, 0, n);
        for (std::size_t i = 0; i < floats.size(); ++i)
          BOOST_TEST(same(floats[i], static_cast<float>(expected[i])), i);
        auto const mask = detail::readImageMask(*file, hdu, 0, n);
        for (std::size_t i = 0; i < mask.size(); ++i)
          BOOST_TEST(mask[i] == detail::maskFromNumber(expected[i]), i);
        // a range from the middle, as the LAMOST readers take one row
        auto const part = detail::readImageDoubles(*file, hdu, n / 3, n / 2);
        std::vector<double> const slice(expected.begin() + n / 3, expected.begin() + n / 3 + n / 2);
        BOOST_TEST(firstDifference(part, slice).empty());
      }
      ++checked;
    }
  }
  BOOST_TEST(checked == 9);  // u8, i16, i32, i64, f32, f64, u16, scaled + BLANK, BLANK
  detail::FitsHdu const& image = lazy.hdu(2);
  expectReason(Reason::WrongSizes, [&] { detail::readImageDoubles(lazy, image, 10, 100); });
}

BOOST_AUTO_TEST_CASE(table_columns_of_every_tform_match_astropy) {
  detail::FitsMemory const file = openFits("tables.fits");
  std::map<int, detail::FitsTable> tables;
  auto table = [&](int number) -> detail::FitsTable const& {
    auto it = tables.find(number);
    if (it == tables.end())
      it = tables.emplace(number, detail::FitsTable(file, file.hdu(number))).first;
    return it->second;
  };
  int columns = 0;
  for (Fields const& f : reference().columns) {
    BOOST_TEST_CONTEXT("HDU " << f[2] << " column " << f[3]) {
      detail::FitsTable const& t = table(std::stoi(f[2]));
      detail::FitsColumn const* column = t.find(f[3]);
      BOOST_TEST_REQUIRE(column != nullptr);
      std::vector<double> const expected = numbers(f[5]);
      auto const doubles = t.doubles(*column);
      BOOST_TEST(firstDifference(doubles, expected).empty(), firstDifference(doubles, expected));
      auto const floats = t.floats(*column);
      BOOST_TEST_REQUIRE(floats.size() == doubles.size());
      for (std::size_t i = 0; i < floats.size(); ++i)
        BOOST_TEST(floats[i] == static_cast<float>(doubles[i]), i);
      ++columns;
    }
  }
  BOOST_TEST(columns == 22);
  for (Fields const& f : reference().masks) {
    BOOST_TEST_CONTEXT("mask of HDU " << f[2] << " column " << f[3]) {
      detail::FitsTable const& t = table(std::stoi(f[2]));
      auto const mask = t.mask(*t.find(f[3]));
      std::vector<double> const expected = numbers(f[5]);
      BOOST_TEST(firstDifference(mask, expected).empty(), firstDifference(mask, expected));
    }
  }
  for (Fields const& f : reference().texts) {
    BOOST_TEST_CONTEXT("text of HDU " << f[2] << " column " << f[3] << " row " << f[4]) {
      detail::FitsTable const& t = table(std::stoi(f[2]));
      BOOST_TEST(t.text(*t.find(f[3]), std::stoll(f[4])) == f[5]);
    }
  }
  detail::FitsTable const& types = table(2);
  BOOST_TEST(types.find("d")->unit == "Angstrom");
  BOOST_TEST(types.find("VD")->descriptor == 'Q');
  BOOST_TEST(types.find("no_such_column") == nullptr);
  expectReason(Reason::UnknownLayout, [&] { types.doubles(*types.find("A")); });       // text
  expectReason(Reason::UnknownLayout, [&] { types.doubles(*types.find("C")); });       // complex
  expectReason(Reason::UnknownLayout, [&] { detail::FitsTable(file, file.hdu(1)); });  // image
}

BOOST_AUTO_TEST_CASE(ascii_table_implied_decimal_point) {
  // FITS standard: an Fw.d field without a decimal point has one d digits from the right.
  detail::FitsMemory const file = openFits("implied.fits");
  detail::FitsTable const table(file, file.hdu(2));
  auto const values = table.doubles(*table.find("IMP"));
  BOOST_TEST_REQUIRE(values.size() == 3u);
  BOOST_TEST(values[0] == 12.34);
  BOOST_TEST(values[1] == -2.25);
  BOOST_TEST(values[2] == 12.5);  // an explicit point wins
}

BOOST_AUTO_TEST_CASE(gzip_and_unix_compress_read_like_the_plain_file) {
  detail::FitsMemory const plain = openFits("tables.fits");
  detail::FileBytes packed = detail::FileBytes::open(casePath("tables.fits.gz"));
  detail::FitsMemory const inflated =
      detail::FitsMemory::fromGzip(casePath("tables.fits.gz"), packed.all());
  BOOST_TEST(inflated.size() == plain.size());
  BOOST_TEST(inflated.hduCount() == plain.hduCount());
  detail::FitsTable const a(plain, plain.hdu(2)), b(inflated, inflated.hdu(2));
  for (char const* name : {"E4", "VD", "U64", "X"})
    BOOST_TEST(a.doubles(*a.find(name)) == b.doubles(*b.find(name)), name);

  // unix compress (.Z): uncompressed by libarchive, then read by the same parser
  detail::FileBytes zBytes = detail::FileBytes::open(casePath("images.fits.Z"));
  detail::FitsMemory const unpacked =
      detail::FitsMemory::fromCompressed(casePath("images.fits.Z"), zBytes.all());
  detail::FitsMemory const images = openFits("images.fits");
  BOOST_TEST(unpacked.hduCount() == images.hduCount());
  for (int k = 2; k <= images.hduCount(); ++k) {
    detail::FitsHdu const &x = unpacked.hdu(k), &y = images.hdu(k);
    auto const u = detail::readImageDoubles(unpacked, x, 0, x.pixels());
    auto const v = detail::readImageDoubles(images, y, 0, y.pixels());
    BOOST_TEST(firstDifference(u, v).empty(), "HDU " << k);
  }
  // and through readSpectrum, as a real SDSS spectrum
  io::Spectrum const z = io::readSpectrum(casePath("sdss.fits.Z"));
  io::Spectrum const s =
      io::readSpectrum(io::test::realDataRoot() + "/sdss/spec-0266-51602-0107.fits");
  BOOST_TEST(z.layout == s.layout);
  BOOST_TEST(z.wave == s.wave);
  BOOST_TEST(z.ivar == s.ivar);
  BOOST_TEST(z.mask == s.mask);
  BOOST_TEST(z.meta.cls == s.meta.cls);

  // A cut stream gives the content up to the cut, judged as a cut plain file; a stream cut
  // before any content is truncated itself; content that is not FITS is refused.
  std::string_view const all = packed.all();
  detail::FitsMemory const half =
      detail::FitsMemory::fromGzip("cut.gz", all.substr(0, all.size() / 2));
  BOOST_TEST(half.size() < inflated.size());
  expectReason(Reason::Truncated, [&] {
    for (int k = 1; k <= half.hduCount(); ++k) half.requireData(half.hdu(k));
  });
  expectReason(Reason::Truncated,
               [&] { detail::FitsMemory::fromGzip("cut.gz", all.substr(0, 10)); });
  std::string const text = "\x1f\x8b" + std::string(all.substr(2, 8)) + "garbage";
  expectReason(Reason::Unreadable, [&] { detail::FitsMemory::fromGzip("bad.gz", text); });
}

BOOST_AUTO_TEST_CASE(truncated_files_give_truncated) {
  std::string const scratch = io::test::scratchDir();
  for (char const* name : {"images.fits", "tables.fits"}) {
    auto const& facts = reference().hdus.at(name);
    std::string const path = casePath(name);
    auto cutAt = [&](std::uintmax_t bytes) {
      std::string const cut = scratch + "/cut_" + name;
      io::test::copyPrefix(path, cut, bytes);
      return detail::FitsMemory(detail::FileBytes::open(cut));
    };
    for (std::size_t k = 1; k < facts.size(); ++k) {
      int const number = static_cast<int>(k + 1);
      HduFacts const& hdu = facts[k];
      BOOST_TEST_CONTEXT(name << " HDU " << number) {
        {  // inside the data: the header reads, the data is truncated, so is what follows
          detail::FitsMemory const file = cutAt(hdu.dataStart + hdu.dataBytes / 2);
          detail::FitsHdu const& cut = file.hdu(number);
          expectReason(Reason::Truncated, [&] { file.requireData(cut); });
          expectReason(Reason::Truncated, [&] { file.bytes(cut, 0, 1); });
          expectReason(Reason::Truncated, [&] { file.find(number + 1); });
        }
        {  // inside the header: no END card
          detail::FitsMemory const file = cutAt(hdu.headerStart + 100);
          BOOST_TEST(file.find(number - 1) != nullptr);
          expectReason(Reason::Truncated, [&] { file.find(number); });
        }
        {  // at the HDU boundary: a shorter, valid file
          detail::FitsMemory const file = cutAt(hdu.headerStart);
          BOOST_TEST(file.find(number) == nullptr);
          BOOST_TEST(file.hduCount() == number - 1);
        }
        {  // the last block's padding missing: complete
          detail::FitsMemory const file = cutAt(hdu.dataStart + hdu.dataBytes);
          BOOST_TEST(file.bytes(file.hdu(number), 0, hdu.dataBytes) != nullptr);
          BOOST_TEST(file.find(number + 1) == nullptr);
        }
      }
    }
  }
  // A heap cut short: the fixed part reads, the variable-length column does not.
  auto const& table = reference().hdus.at("tables.fits")[1];
  std::string const cut = scratch + "/cut_heap.fits";
  io::test::copyPrefix(casePath("tables.fits"), cut, table.dataStart + table.dataBytes - 10);
  detail::FitsMemory const file(detail::FileBytes::open(cut));
  detail::FitsTable const t(file, file.hdu(2));
  expectReason(Reason::Truncated, [&] { t.doubles(*t.find("VD")); });
}

BOOST_AUTO_TEST_SUITE_END()
