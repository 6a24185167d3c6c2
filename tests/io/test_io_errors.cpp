// Bad files give a ReadError with the right reason and the path, never a crash or a hang.
#include "io/reader.hpp"
#include "io_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

namespace io = vocloud::io;
namespace fs = std::filesystem;
using Reason = io::ReadError::Reason;

namespace {

// Reads `path` expecting ReadError(reason); checks the path and the message's form.
void expectReason(std::string const& path, Reason reason, io::ReadOptions const& options = {}) {
  BOOST_TEST_CONTEXT(path) {
    try {
      io::readSpectrum(path, options);
      BOOST_ERROR("read without error; expected " << io::reasonName(reason));
    } catch (io::ReadError const& e) {
      BOOST_TEST(io::reasonName(e.reason()) == io::reasonName(reason), e.what());
      BOOST_TEST(e.path() == path);
      std::string const what = e.what();
      BOOST_TEST(what.rfind("io: " + path + ": " + io::reasonText(reason), 0) == 0u, what);
    }
  }
}

std::string cases(std::string const& name) {
  return io::test::casesDir() + "/" + name;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_errors)

BOOST_AUTO_TEST_CASE(missing_empty_and_not_files) {
  std::string const scratch = io::test::scratchDir();
  expectReason(scratch + "/no-such-spectrum.fits", Reason::NotFound);
  BOOST_CHECK_THROW(io::detectLayout(scratch + "/no-such-spectrum.fits"), io::ReadError);
  fs::create_directories(scratch + "/a-directory.fits");
  expectReason(scratch + "/a-directory.fits", Reason::Unreadable);
  std::ofstream(scratch + "/empty.fits").flush();
  expectReason(scratch + "/empty.fits", Reason::ZeroLength);
}

BOOST_AUTO_TEST_CASE(not_fits) {
  expectReason(cases("bad_binary.fits"), Reason::NotFits);
  // gzip content is judged as the same content uncompressed: text without numbers has no
  // data points; random bytes are neither FITS nor text.
  expectReason(cases("bad_gzip_text.fits"), Reason::ZeroLength);
  expectReason(cases("bad_gzip_binary.fits"), Reason::NotFits);
  expectReason(cases("bad_votable.xml"), Reason::UnknownLayout);
}

BOOST_AUTO_TEST_CASE(truncated_files) {
  std::string const root = io::test::realDataRoot();
  std::string const scratch = io::test::scratchDir();
  std::string const sdss = root + "/sdss/spec-0266-51602-0107.fits";
  std::string const lamost = root + "/lamost-dr1/spec-55862-B6212_sp06-003.fits";
  std::string const raw = root + "/ondrejov/raw/oe270005.fits";
  std::string const ssap = root + "/ondrejov/vo-table/ub240016.fits";
  io::test::copyPrefix(sdss, scratch + "/cut_in_coadd.fits", 30000);
  io::test::copyPrefix(sdss, scratch + "/cut_in_header.fits", 1000);
  io::test::copyPrefix(lamost, scratch + "/cut_lamost.fits", fs::file_size(lamost) / 2);
  io::test::copyPrefix(raw, scratch + "/cut_raw.fits", fs::file_size(raw) - 3000);
  io::test::copyPrefix(ssap, scratch + "/cut_ssap.fits", fs::file_size(ssap) - 5000);
  for (char const* name : {"cut_in_coadd.fits", "cut_in_header.fits", "cut_lamost.fits",
                           "cut_raw.fits", "cut_ssap.fits"})
    expectReason(scratch + "/" + name, Reason::Truncated);
  expectReason(cases("bad_truncated.fits.gz"), Reason::Truncated);
}

BOOST_AUTO_TEST_CASE(any_truncation_fails_cleanly) {
  // Cut one file of each layout at many places: each read either succeeds (the cut is past
  // the data the reader needs) or throws ReadError; nothing else escapes.
  std::string const root = io::test::realDataRoot();
  std::string const scratch = io::test::scratchDir();
  int refused = 0, read = 0;
  for (std::string const& file :
       {root + "/sdss/spec-7338-57859-0739.fits",
        root + "/lamost-dr2/spec-55916-B5591606_sp01-001.fits",
        root + "/ondrejov/raw/ua280060.fits", root + "/formats/hd217476/spectrum.fits",
        root + "/formats/hd217476/spectrum.asc", cases("lamost_dr8.fits"), cases("gz_sdss.fits")}) {
    auto const size = fs::file_size(file);
    for (std::uintmax_t cut :
         {std::uintmax_t{1}, std::uintmax_t{9}, std::uintmax_t{80}, std::uintmax_t{2879},
          std::uintmax_t{2880}, std::uintmax_t{2881}, size / 3, size / 2, size - 2880, size - 1}) {
      if (cut >= size) continue;
      std::string const path = scratch + "/cut.fits";
      io::test::copyPrefix(file, path, cut);
      BOOST_TEST_CONTEXT(file << " cut at " << cut) {
        try {
          io::Spectrum const s = io::readSpectrum(path);
          BOOST_TEST(!s.flux.empty());
          ++read;
        } catch (io::ReadError const& e) {
          BOOST_TEST(e.path() == path);
          ++refused;
        } catch (std::exception const& e) {
          BOOST_ERROR("not a ReadError: " << e.what());
        }
      }
    }
  }
  BOOST_TEST(refused > 0);
  BOOST_TEST_MESSAGE("truncated copies: " << refused << " refused, " << read
                                          << " read (cut past the data the reader needs)");
}

BOOST_AUTO_TEST_CASE(bad_contents) {
  expectReason(cases("bad_all_nan.fits"), Reason::AllNonFinite);
  expectReason(cases("bad_text_all_nan.csv"), Reason::AllNonFinite);
  expectReason(cases("bad_wrong_sizes.fits"), Reason::WrongSizes);
  expectReason(cases("bad_lamost_rows.fits"), Reason::WrongSizes);
  expectReason(cases("bad_ragged.csv"), Reason::WrongSizes);
  expectReason(cases("bad_missing_flux.fits"), Reason::MissingColumn);
  expectReason(cases("table_custom.fits"), Reason::MissingColumn);  // without options
  io::ReadOptions options;
  options.waveColumn = "x";
  options.fluxColumn = "no_such_column";
  expectReason(cases("table_custom.fits"), Reason::MissingColumn, options);
  expectReason(cases("bad_empty_table.fits"), Reason::ZeroLength);
  expectReason(cases("bad_no_data.txt"), Reason::ZeroLength);
  expectReason(cases("bad_image_2d.fits"), Reason::UnknownLayout);
  expectReason(cases("bad_one_column.txt"), Reason::UnknownLayout);
  expectReason(cases("bad_not_number.txt"), Reason::Unreadable);
}

// A file no layout fits says what it saw (EXTEN0, each HDU's name, kind and shape) and
// which layouts were tried.
BOOST_AUTO_TEST_CASE(unknown_layout_says_what_it_saw) {
  auto messageOf = [](std::string const& path) -> std::string {
    try {
      io::readSpectrum(path);
    } catch (io::ReadError const& e) {
      BOOST_TEST(io::reasonName(e.reason()) == "unknown_layout", e.what());
      return e.what();
    }
    BOOST_ERROR("read without error: " << path);
    return "";
  };
  std::string const exten0 = messageOf(cases("bad_exten0_no_flux.fits"));
  for (char const* part : {"EXTEN0 'Alpha, Beta, Gamma, Delta, Epsilon'", "HDU 1 'Flux' (primary)",
                           "3909x5 image", "layouts tried", "lamost_dr1/lamost_dr2", "fits_table"})
    BOOST_TEST(exten0.find(part) != std::string::npos, part << " in: " << exten0);
  std::string const image = messageOf(cases("bad_image_2d.fits"));
  for (char const* part : {"HDU 1 (primary): a 12x10 image", "layouts tried"})
    BOOST_TEST(image.find(part) != std::string::npos, part << " in: " << image);
  BOOST_TEST(io::detectLayout(cases("lamost_reordered.fits")) == "lamost_dr2");
  BOOST_CHECK_THROW(io::detectLayout(cases("bad_exten0_no_flux.fits")), io::ReadError);
}

BOOST_AUTO_TEST_CASE(reason_names) {
  std::vector<std::pair<Reason, std::string>> const names{
      {Reason::NotFound, "not_found"},           {Reason::NotFits, "not_fits"},
      {Reason::Truncated, "truncated"},          {Reason::MissingColumn, "missing_column"},
      {Reason::ZeroLength, "zero_length"},       {Reason::AllNonFinite, "all_non_finite"},
      {Reason::UnknownLayout, "unknown_layout"}, {Reason::WrongSizes, "wrong_sizes"},
      {Reason::Unreadable, "unreadable"},        {Reason::BadWavelength, "bad_wavelength"},
      {Reason::TooFewPoints, "too_few_points"},  {Reason::TooLarge, "too_large"}};
  for (auto const& [reason, name] : names) BOOST_TEST(io::reasonName(reason) == name);
  io::ReadError const error(Reason::Truncated, "/x/y.fits", "detail");
  BOOST_TEST(std::string(error.what()) == "io: /x/y.fits: truncated file: detail");
  vocloud::Error const& base = error;  // rejected lists catch it as a vocloud::Error too
  BOOST_TEST(std::string(base.what()).rfind("io: ", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
