// Readers refuse what no spectrum can be, with a typed reason, and never allocate more than
// the file can hold: wavelength axes that are not finite, positive and strictly monotonic,
// one-point spectra, gzip bombs, headers that claim more data than the file has.
#include "io/reader.hpp"
#include "io_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <zlib.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace io = vocloud::io;
namespace fs = std::filesystem;
using Reason = io::ReadError::Reason;

namespace {

// Reads `path` expecting ReadError(reason) naming the path; returns the message.
std::string expectReason(std::string const& path, Reason reason,
                         io::ReadOptions const& options = {}) {
  try {
    io::readSpectrum(path, options);
    BOOST_ERROR(path << ": read without error; expected " << io::reasonName(reason));
  } catch (io::ReadError const& e) {
    BOOST_TEST(io::reasonName(e.reason()) == io::reasonName(reason), e.what());
    BOOST_TEST(e.path() == path);
    return e.what();
  }
  return "";
}

std::string writeFile(std::string const& name, std::string const& content) {
  std::string const path = io::test::scratchDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string readFile(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A copy of the FITS file `from` whose primary header cards `cards` (key, value) read the
// values given instead.
std::string withCards(std::string const& from, std::string const& name,
                      std::vector<std::pair<std::string, std::string>> const& cards) {
  std::string bytes = readFile(from);
  for (auto const& [key, value] : cards) {
    std::string keyword = key;
    keyword.resize(8, ' ');
    std::size_t at = 0;
    while (at < bytes.size() && bytes.compare(at, 8, keyword) != 0) at += 80;
    BOOST_REQUIRE_MESSAGE(at < bytes.size(), key << " not in " << from);
    std::string card =
        keyword + "= " + std::string(20 - std::min<std::size_t>(20, value.size()), ' ') + value;
    card.resize(80, ' ');
    bytes.replace(at, 80, card);
  }
  return writeFile(name, bytes);
}

// Peak resident memory of this process so far, in bytes.
long long peakMemoryBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<long long>(usage.ru_maxrss) * 1024;  // Linux: kilobytes
}

// A valid gzip file whose content is `mebibytes` MiB of zero bytes: one raw deflate chunk of
// 1 MiB, compressed from an empty history and ended by a full flush (so it decodes the
// same wherever it stands), repeated, then the final block and the CRC-32 / ISIZE trailer.
std::string gzipOfZeros(unsigned mebibytes) {
  std::vector<unsigned char> zeros(1u << 20, 0), out(1u << 20);
  z_stream z{};
  BOOST_REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  auto run = [&](unsigned char* in, std::size_t n, int flush) {
    z.next_in = in;
    z.avail_in = static_cast<uInt>(n);
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    BOOST_REQUIRE(deflate(&z, flush) != Z_STREAM_ERROR);
    BOOST_REQUIRE(z.avail_in == 0u);
    return std::string(reinterpret_cast<char*>(out.data()), out.size() - z.avail_out);
  };
  std::string const chunk = run(zeros.data(), zeros.size(), Z_FULL_FLUSH);
  std::string const finish = run(nullptr, 0, Z_FINISH);
  deflateEnd(&z);
  uLong const crcChunk = crc32(0, zeros.data(), static_cast<uInt>(zeros.size()));
  uLong crc = 0;
  std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", 10);
  for (unsigned i = 0; i < mebibytes; ++i) {
    gz += chunk;
    crc = crc32_combine(crc, crcChunk, static_cast<z_off_t>(zeros.size()));
  }
  gz += finish;
  std::uint64_t const size = std::uint64_t{mebibytes} << 20;
  for (std::uint64_t v : {std::uint64_t{crc}, size & 0xffffffffu})
    for (int b = 0; b < 4; ++b) gz += static_cast<char>((v >> (8 * b)) & 0xff);
  return gz;
}

// Inflates gzip data whole with zlib (as gzip -d does, in pieces): its content size.
std::uint64_t inflatedSize(std::string const& gz) {
  z_stream z{};
  BOOST_REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
  std::vector<unsigned char> out(1u << 22);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::uint64_t total = 0;
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    status = inflate(&z, Z_NO_FLUSH);
    total += out.size() - z.avail_out;
  }
  inflateEnd(&z);
  BOOST_TEST(status == Z_STREAM_END);
  return total;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_bounds)

// Hand-made two-column tables: each axis below is one no spectrum can have.
BOOST_AUTO_TEST_CASE(bad_wavelength_axes_are_refused) {
  struct Case {
    char const* name;
    char const* text;
    Reason reason;
    char const* says;
  };
  for (Case const& c : std::vector<Case>{
           {"zero.csv", "0,1\n1,2\n2,3\n", Reason::BadWavelength, "wavelength 1 of 3 is 0"},
           {"negative.csv", "-2,1\n-1,2\n1,3\n", Reason::BadWavelength,
            "must be finite and positive"},
           {"nan.csv", "5000,1\nnan,2\n5002,3\n", Reason::BadWavelength,
            "wavelength 2 of 3 is nan"},
           {"inf.csv", "5000,1\n5001,2\ninf,3\n", Reason::BadWavelength,
            "wavelength 3 of 3 is inf"},
           {"constant.csv", "5000,1\n5000,2\n5000,3\n", Reason::BadWavelength, "constant"},
           {"zigzag.csv", "5000,1\n5002,2\n5001,3\n5003,4\n", Reason::BadWavelength,
            "point 3 is 5001"},
           {"repeated.csv", "5000,1\n5001,2\n5001,3\n5003,4\n", Reason::BadWavelength,
            "not strictly increasing"},
           {"one_point.csv", "5000,1\n", Reason::TooFewPoints, "1 point"}}) {
    std::string const what = expectReason(writeFile(c.name, c.text), c.reason);
    BOOST_TEST(what.find(c.says) != std::string::npos, c.name << ": " << what);
  }
  // Descending axes are spectra (resampling reads both ways): read as written.
  io::Spectrum const down =
      io::readSpectrum(writeFile("descending.csv", "5003,1\n5002,2\n5001,3\n"));
  BOOST_TEST(down.wave == (std::vector<double>{5003, 5002, 5001}),
             boost::test_tools::per_element());
}

// A raw Ondřejov image with CRVAL1 = 0 (the header's solution starts at 0 Å) or with a
// CDELT1 (and CD1_1, which wins) that runs below 0 Å: bad_wavelength, where it once reached
// preprocess.
BOOST_AUTO_TEST_CASE(raw_header_solutions_that_leave_positive_wavelengths) {
  std::string const raw = io::test::realDataRoot() + "/ondrejov/raw/oe270005.fits";
  std::string const zero = withCards(raw, "crval0.fits", {{"CRVAL1", "0.0"}});
  BOOST_TEST(expectReason(zero, Reason::BadWavelength).find("is 0 Å") != std::string::npos);
  // 6265 Å - 10 Å per pixel: 0 Å is crossed at pixel 628 of 1997
  std::string const below = withCards(raw, "cdelt.fits", {{"CDELT1", "-10.0"}, {"CD1_1", "-10.0"}});
  BOOST_TEST(expectReason(below, Reason::BadWavelength).find("wavelength 628 of 1997") !=
             std::string::npos);
}

// 4 GiB of zeros in a 4 MB gzip file: refused as too_large after inflating at most 50 times
// the compressed size, with this process's peak memory far below what inflating it whole
// would need.
BOOST_AUTO_TEST_CASE(gzip_bomb_stops_at_the_cap) {
  std::string const bomb = gzipOfZeros(4096);
  BOOST_TEST(bomb.size() < 5'000'000u);
  BOOST_TEST(inflatedSize(gzipOfZeros(64)) == 64u << 20);  // the construction is valid gzip
  std::string const path = writeFile("bomb.fits.gz", bomb);
  std::string const what = expectReason(path, Reason::TooLarge);
  BOOST_TEST(what.find("gzip bomb") != std::string::npos, what);
  BOOST_TEST(io::inflateLimit({}, bomb.size()) == 50 * bomb.size());
  BOOST_TEST(peakMemoryBytes() < (1LL << 30), "peak memory " << peakMemoryBytes() << " bytes");
  BOOST_CHECK_THROW(io::detectLayout(path), io::ReadError);
}

BOOST_AUTO_TEST_CASE(gzip_cap_is_configurable_and_real_files_pass) {
  std::string const gz = io::test::casesDir() + "/gz_sdss.fits";  // a gzipped real SDSS file
  BOOST_CHECK_NO_THROW(io::readSpectrum(gz));
  io::ReadOptions small;
  small.maxInflatedBytes = 100'000;
  expectReason(gz, Reason::TooLarge, small);
  // The floor: tiny files may always inflate to 16 MiB; the ceiling bounds every ratio.
  BOOST_TEST(io::inflateLimit({}, 1000) == io::kInflateFloorBytes);
  BOOST_TEST(io::inflateLimit({}, std::uint64_t{1} << 40) == std::uint64_t{2} << 30);
}

// unix-compress (.Z) FITS, made here with ncompress's `compress`: a real SDSS file reads as
// its plain copy does; 512 MiB of zeros in a 60 KB .Z file (LZW expands thousands of times;
// CFITSIO uncompressed it whole, twice) is refused as too_large at the cap.
BOOST_AUTO_TEST_CASE(unix_compress_reads_real_files_and_stops_bombs_at_the_cap) {
  std::string const plain = io::test::realDataRoot() + "/sdss/spec-0266-51602-0013.fits";
  std::string const dir = io::test::scratchDir();
  std::string const z = dir + "/sdss.fits.Z", bomb = dir + "/bomb.fits.Z";
  BOOST_REQUIRE(std::system(("compress -c '" + plain + "' > '" + z + "'").c_str()) == 0);
  BOOST_REQUIRE(
      std::system(("head -c 536870912 /dev/zero | compress -c > '" + bomb + "'").c_str()) == 0);
  io::Spectrum const a = io::readSpectrum(plain), b = io::readSpectrum(z);
  BOOST_TEST(b.layout == a.layout);
  BOOST_TEST(b.flux == a.flux, boost::test_tools::per_element());
  BOOST_TEST(b.wave == a.wave, boost::test_tools::per_element());
  BOOST_TEST(io::detectLayout(z) == a.layout);

  std::uintmax_t const packed = fs::file_size(bomb);
  BOOST_TEST(packed < 200'000u, packed);
  std::string const what = expectReason(bomb, Reason::TooLarge);
  BOOST_TEST(what.find("unix-compress bomb") != std::string::npos, what);
  BOOST_TEST(peakMemoryBytes() < (1LL << 30), "peak memory " << peakMemoryBytes() << " bytes");
  io::ReadOptions small;
  small.maxInflatedBytes = 100'000;  // the ceiling holds for .Z too
  expectReason(z, Reason::TooLarge, small);
}

// A 92 KB LAMOST file claiming NAXIS1 = 1e9 (and a table claiming 1e9 rows): truncated,
// found before anything of that size is allocated.
BOOST_AUTO_TEST_CASE(headers_claiming_more_than_the_file_holds) {
  std::string const root = io::test::realDataRoot();
  std::string const lamost = withCards(root + "/lamost-dr1/spec-55862-B6212_sp06-003.fits",
                                       "naxis1.fits", {{"NAXIS1", "1000000000"}});
  BOOST_TEST(fs::file_size(lamost) < 100'000u);
  std::string const what = expectReason(lamost, Reason::Truncated);
  BOOST_TEST(what.find("declares 20000000000 bytes") != std::string::npos, what);
  std::string const ssap = root + "/ondrejov/vo-table/a201402030013.fits";
  std::string const bytes = readFile(ssap);
  // NAXIS2 of the BINTABLE: the second HDU's header starts after the primary's blocks
  std::size_t const second = bytes.find("XTENSION= 'BINTABLE'");
  BOOST_REQUIRE(second != std::string::npos);
  std::size_t at = bytes.find("NAXIS2  =", second);
  BOOST_REQUIRE(at != std::string::npos);
  std::string edited = bytes;
  std::string card = "NAXIS2  =           1000000000";
  card.resize(80, ' ');
  edited.replace(at, 80, card);
  expectReason(writeFile("rows.fits", edited), Reason::Truncated);
  BOOST_TEST(peakMemoryBytes() < (1LL << 30), "peak memory " << peakMemoryBytes() << " bytes");
}

BOOST_AUTO_TEST_SUITE_END()
