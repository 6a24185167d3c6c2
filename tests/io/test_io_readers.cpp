// Every real spectrum in shared/data/real (and every layout that has no real sample, built
// by make_cases.py with astropy) must read exactly as astropy reads it, in the layout the
// data's README names, detected from content alone.
#include "io/reader.hpp"
#include "io_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace io = vocloud::io;
namespace fs = std::filesystem;
using io::test::ReferenceRequest;

namespace {

// Reads every request, compares with astropy and counts matches per layout.
std::map<std::string, std::pair<int, int>> checkAgainstAstropy(
    std::vector<ReferenceRequest> const& requests, io::ReadOptions const& options = {}) {
  auto const references = io::test::astropyReference(requests);
  std::map<std::string, std::pair<int, int>> counts;  // layout -> (matched, total)
  for (auto const& request : requests) {
    BOOST_TEST_CONTEXT(request.path) {
      auto& count = counts[request.layout];
      ++count.second;
      io::Spectrum spectrum;
      try {
        spectrum = io::readSpectrum(request.path, options);
      } catch (io::ReadError const& e) {
        BOOST_ERROR(e.what());
        continue;
      }
      BOOST_TEST(spectrum.layout == request.layout);
      BOOST_TEST(io::detectLayout(request.path) == request.layout);
      BOOST_TEST(spectrum.path == request.path);
      std::string const differences =
          io::test::compareWithReference(spectrum, references.at(request.path));
      BOOST_TEST(differences.empty(), differences);
      if (differences.empty() && spectrum.layout == request.layout) ++count.first;
    }
  }
  for (auto const& [layout, count] : counts)
    BOOST_TEST_MESSAGE(layout << ": " << count.first << " of " << count.second
                              << " files match astropy");
  return counts;
}

std::vector<ReferenceRequest> folder(std::string const& layout, std::string const& dir,
                                     bool recursive, std::vector<std::string> const& ext) {
  std::vector<ReferenceRequest> requests;
  for (auto const& path : io::test::filesIn(io::test::realDataRoot() + "/" + dir, ext, recursive))
    requests.push_back({layout, path, ""});
  BOOST_TEST_REQUIRE(!requests.empty(), "no files in " << dir);
  return requests;
}

void append(std::vector<ReferenceRequest>& to, std::vector<ReferenceRequest> const& more) {
  to.insert(to.end(), more.begin(), more.end());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_readers)

BOOST_AUTO_TEST_CASE(every_real_file_matches_astropy) {
  std::string const formats = io::test::realDataRoot() + "/formats/hd217476/";
  std::vector<ReferenceRequest> requests;
  append(requests, folder("sdss", "sdss", false, {".fits"}));
  append(requests, folder("lamost_dr1", "lamost-dr1", false, {".fits"}));
  append(requests, folder("lamost_dr2", "lamost-dr2", true, {".fits"}));
  append(requests, folder("ondrejov_raw", "ondrejov/raw", false, {".fits"}));
  append(requests, folder("ondrejov_ssap", "ondrejov/vo-table", false, {".fits"}));
  // formats/hd217476: raw 1-D image, SSAP table and three text tables (.vot: VOTable task)
  requests.push_back({"ondrejov_raw", formats + "spectrum.fit", ""});
  requests.push_back({"ondrejov_ssap", formats + "spectrum.fits", ""});
  for (char const* ext : {"csv", "txt", "asc"})
    requests.push_back({"text", formats + "spectrum." + ext, ""});

  auto const counts = checkAgainstAstropy(requests);
  int matched = 0;
  for (auto const& [layout, count] : counts) {
    BOOST_TEST(count.first == count.second, layout);
    matched += count.first;
  }
  BOOST_TEST(matched == static_cast<int>(requests.size()));
  BOOST_TEST_MESSAGE(matched << " of " << requests.size() << " real files match astropy");
}

BOOST_AUTO_TEST_CASE(layouts_without_real_samples_match_astropy) {
  std::string const d = io::test::casesDir() + "/";
  std::vector<ReferenceRequest> requests{
      {"lamost_dr8", d + "lamost_dr8.fits", ""},
      {"fits_image_linear", d + "image_linear.fits", ""},
      {"fits_image_loglinear", d + "image_loglinear.fits", ""},
      {"fits_table", d + "table_generic.fits", "wave=LAMBDA,flux=FLUX,err=ERR"},
      {"fits_table", d + "table_vector.fits", "wave=WAVE,flux=FLUX"},
      {"ondrejov_ssap", d + "ssap_nm.fits", ""},
      {"sdss", d + "sdss_named.csv", ""},
      {"sdss", d + "sdss_vacuum_text.fits", ""},
      {"text", d + "text_header.csv", "wave=wavelength,flux=flux,ivar=ivar"},
      {"text", d + "text_comments.txt", "wave=wave,flux=flux,err=err,format=basic"},
      {"text", d + "text_quoted.csv", "wave=wavelength,flux=flux,err=err,format=csv"},
  };
  auto const counts = checkAgainstAstropy(requests);
  for (auto const& [layout, count] : counts) BOOST_TEST(count.first == count.second, layout);
  // VACUUM = 'F' written as a string: the frame follows it
  BOOST_TEST((io::readSpectrum(d + "sdss_vacuum_text.fits").frame == io::WavelengthFrame::Air));
}

// LAMOST DR3-DR7 write EXTEN0 = 'Flux, Inverse, Wavelength, Andmask, Ormask': every real
// DR1 and DR2 file rewritten (by astropy) with commas reads as astropy reads it, as do other
// spellings of the header (case, order, 'Inverse Variance', CDELT1, numbers and flags
// written as strings).
BOOST_AUTO_TEST_CASE(lamost_comma_exten0_matches_astropy) {
  std::string const d = io::test::casesDir() + "/";
  std::vector<ReferenceRequest> requests;
  for (auto const& [layout, folder] :
       {std::pair<std::string, std::string>{"lamost_dr1", "lamost-dr1"},
        {"lamost_dr2", "lamost-dr2"}}) {
    auto const files = io::test::filesIn(d + "comma/" + folder, {".fits"}, true);
    auto const real = io::test::filesIn(io::test::realDataRoot() + "/" + folder, {".fits"}, true);
    BOOST_TEST(files.size() == real.size(), folder);
    for (auto const& path : files) requests.push_back({layout, path, ""});
  }
  requests.push_back({"lamost_dr2", d + "lamost_lower_commas.fits", ""});
  requests.push_back({"lamost_dr2", d + "lamost_reordered.fits", ""});
  requests.push_back({"lamost_dr2", d + "lamost_inverse_variance.fits", ""});
  requests.push_back({"lamost_dr1", d + "lamost_dr1_spellings.fits", ""});
  auto const counts = checkAgainstAstropy(requests);
  for (auto const& [layout, count] : counts) BOOST_TEST(count.first == count.second, layout);
  BOOST_TEST((io::readSpectrum(d + "lamost_dr1_spellings.fits").frame == io::WavelengthFrame::Air));
}

namespace {

// Replaces the value of card `key` in the primary header of the FITS file at `path` by
// `value` (written as is, unquoted or quoted by the caller), keeping 80 characters.
void patchCard(std::string const& path, std::string const& key, std::string const& value) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string header(2880 * 4, ' ');
  file.read(header.data(), static_cast<std::streamsize>(header.size()));
  std::string const field = key + std::string(8 - key.size(), ' ') + "= ";
  for (std::size_t at = 0; at + 80 <= header.size(); at += 80)
    if (header.compare(at, 10, field) == 0) {
      std::string card = field + value;
      card.resize(80, ' ');
      file.seekp(static_cast<std::streamoff>(at));
      file.write(card.data(), 80);
      return;
    }
  BOOST_FAIL("no card " << key << " in " << path);
}

}  // namespace

// Values written without quotes (non-standard, but some writers do) read as the quoted
// ones: a real DR2 file with EXTEN0 unquoted, with commas, reads as the original.
BOOST_AUTO_TEST_CASE(lamost_unquoted_exten0_reads_as_the_original) {
  std::string const original =
      io::test::realDataRoot() + "/lamost-dr2/spec-55916-B5591606_sp01-001.fits";
  std::string const path = io::test::scratchDir() + "/unquoted_exten0.fits";
  fs::copy_file(original, path, fs::copy_options::overwrite_existing);
  patchCard(path, "EXTEN0", "Flux, Inverse, Wavelength, Andmask, Ormask / row names");
  io::Spectrum const plain = io::readSpectrum(original);
  io::Spectrum const patched = io::readSpectrum(path);
  BOOST_TEST(patched.layout == "lamost_dr2");
  BOOST_TEST(patched.wave == plain.wave);
  BOOST_TEST(patched.ivar == plain.ivar);
  BOOST_TEST(patched.mask == plain.mask);
  BOOST_TEST(std::equal(patched.flux.begin(), patched.flux.end(), plain.flux.begin(),
                        plain.flux.end(),
                        [](float a, float b) { return a == b || (a != a && b != b); }));
}

// 1-D images in the FITS WCS spellings (CRPIX1 absent, PC1_1, CTYPE1 AWAV/WAVE and -LOG) and
// with flags written as strings: wavelengths as astropy.wcs computes them, frames as stated.
BOOST_AUTO_TEST_CASE(image_header_conventions_match_astropy) {
  std::string const d = io::test::casesDir() + "/";
  std::vector<ReferenceRequest> requests{
      {"fits_image_linear", d + "image_no_crpix_air.fits", ""},
      {"fits_image_linear", d + "image_pc_vacuum.fits", ""},
      {"fits_image_loglinear", d + "image_wave_log.fits", ""},
      {"fits_image_loglinear", d + "image_flags_as_text.fits", ""},
      {"fits_image_linear", d + "image_airorvac.fits", ""},
  };
  auto const counts = checkAgainstAstropy(requests);
  for (auto const& [layout, count] : counts) BOOST_TEST(count.first == count.second, layout);
  auto frame = [&](char const* name) { return io::readSpectrum(d + name).frame; };
  BOOST_TEST((frame("image_no_crpix_air.fits") == io::WavelengthFrame::Air));
  BOOST_TEST((frame("image_pc_vacuum.fits") == io::WavelengthFrame::Vacuum));
  BOOST_TEST((frame("image_flags_as_text.fits") == io::WavelengthFrame::Vacuum));
  BOOST_TEST((frame("image_airorvac.fits") == io::WavelengthFrame::Air));
}

BOOST_AUTO_TEST_CASE(table_columns_named_in_options) {
  std::string const path = io::test::casesDir() + "/table_custom.fits";
  io::ReadOptions options;
  options.waveColumn = "x";
  options.fluxColumn = "y";
  options.ivarColumn = "w";
  checkAgainstAstropy({{"fits_table", path, "wave=x,flux=y,ivar=w"}}, options);
  options.hdu = 1;
  BOOST_TEST(io::readSpectrum(path, options).wave.size() == 500u);
  options.hdu = 2;
  BOOST_CHECK_THROW(io::readSpectrum(path, options), io::ReadError);
}

// Column names given in the options match in any case, in FITS tables, VOTables and text.
BOOST_AUTO_TEST_CASE(option_column_names_in_any_case) {
  std::string const formats = io::test::realDataRoot() + "/formats/hd217476/";
  io::ReadOptions upper;
  upper.waveColumn = "X";
  upper.fluxColumn = "Y";
  upper.ivarColumn = "W";
  checkAgainstAstropy(
      {{"fits_table", io::test::casesDir() + "/table_custom.fits", "wave=x,flux=y,ivar=w"}}, upper);
  io::ReadOptions vot;
  vot.waveColumn = "SPECTRAL";
  vot.fluxColumn = "Flux";
  io::Spectrum const named = io::readSpectrum(formats + "tabledata.vot", vot);
  io::Spectrum const automatic = io::readSpectrum(formats + "tabledata.vot");
  BOOST_TEST(named.wave == automatic.wave);
  BOOST_TEST(named.flux == automatic.flux);
}

BOOST_AUTO_TEST_CASE(gzip_reads_like_the_plain_file) {
  std::string const d = io::test::casesDir() + "/";
  std::string const root = io::test::realDataRoot();
  std::vector<std::pair<std::string, std::string>> copies{
      {root + "/sdss/spec-0266-51602-0107.fits", "sdss"},
      {root + "/lamost-dr1/spec-55862-B6212_sp06-003.fits", "lamost_dr1"}};
  std::vector<ReferenceRequest> requests;
  for (auto const& [plainPath, layout] : copies) {
    io::Spectrum const plain = io::readSpectrum(plainPath);
    for (char const* suffix : {".fits.gz", ".fits"}) {
      std::string const packed = d + "gz_" + layout + suffix;
      BOOST_TEST_CONTEXT(packed) {
        io::Spectrum const s = io::readSpectrum(packed);
        BOOST_TEST(s.layout == layout);
        BOOST_TEST(s.wave == plain.wave);
        BOOST_TEST(s.flux.size() == plain.flux.size());
        BOOST_TEST(std::equal(s.flux.begin(), s.flux.end(), plain.flux.begin(),
                              [](float a, float b) { return a == b || (a != a && b != b); }));
        BOOST_TEST(s.ivar == plain.ivar);
        BOOST_TEST(s.mask == plain.mask);
        BOOST_TEST(s.meta.id == plain.meta.id);
      }
      requests.push_back({layout, packed, ""});
    }
  }
  checkAgainstAstropy(requests);  // astropy un-gzips by content too
}

// gzip content that is a VOTable or a text table reads like the plain file, whatever the
// compressed file is called.
BOOST_AUTO_TEST_CASE(gzip_of_votable_and_text_reads_like_the_plain_file) {
  std::string const d = io::test::casesDir() + "/";
  std::string const formats = io::test::realDataRoot() + "/formats/hd217476/";
  for (auto const& [plainName, packedNames] :
       {std::pair<std::string, std::vector<std::string>>{"tabledata.vot",
                                                         {"gz_votable.vot.gz", "gz_votable.fits"}},
        {"spectrum.csv", {"gz_text.csv.gz", "gz_text.fits"}}}) {
    io::Spectrum const plain = io::readSpectrum(formats + plainName);
    for (auto const& name : packedNames) {
      BOOST_TEST_CONTEXT(name) {
        io::Spectrum const s = io::readSpectrum(d + name);
        BOOST_TEST(s.layout == plain.layout);
        BOOST_TEST(io::detectLayout(d + name) == plain.layout);
        BOOST_TEST(s.wave == plain.wave);
        BOOST_TEST(s.flux == plain.flux);
        BOOST_TEST(s.ivar == plain.ivar);
        BOOST_TEST((s.frame == plain.frame));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(layout_comes_from_content_not_name) {
  std::string const root = io::test::realDataRoot();
  std::string const scratch = io::test::scratchDir();
  fs::copy_file(root + "/lamost-dr1/spec-55862-B6212_sp06-005.fits", scratch + "/spectrum.csv",
                fs::copy_options::overwrite_existing);
  fs::copy_file(root + "/formats/hd217476/spectrum.csv", scratch + "/spec-0266-51602-0107.fits",
                fs::copy_options::overwrite_existing);
  fs::copy_file(root + "/ondrejov/vo-table/ub240016.fits", scratch + "/noname",
                fs::copy_options::overwrite_existing);
  BOOST_TEST(io::readSpectrum(scratch + "/spectrum.csv").layout == "lamost_dr1");
  BOOST_TEST(io::readSpectrum(scratch + "/spec-0266-51602-0107.fits").layout == "text");
  BOOST_TEST(io::readSpectrum(scratch + "/noname").layout == "ondrejov_ssap");
}

BOOST_AUTO_TEST_CASE(wavelength_frames) {
  std::string const root = io::test::realDataRoot();
  auto frame = [&](std::string const& path) { return io::readSpectrum(root + path).frame; };
  BOOST_TEST((frame("/sdss/spec-0266-51602-0107.fits") == io::WavelengthFrame::Vacuum));
  BOOST_TEST((frame("/lamost-dr1/spec-55862-B6212_sp06-003.fits") == io::WavelengthFrame::Vacuum));
  BOOST_TEST((frame("/ondrejov/raw/oe270005.fits") == io::WavelengthFrame::Air));
  BOOST_TEST((frame("/ondrejov/vo-table/ub240016.fits") == io::WavelengthFrame::Air));
  BOOST_TEST((frame("/formats/hd217476/spectrum.csv") == io::WavelengthFrame::Unknown));
  BOOST_TEST(io::frameName(io::WavelengthFrame::Air) == "air");
}

BOOST_AUTO_TEST_SUITE_END()
