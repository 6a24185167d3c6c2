// Layout detection from FITS content: HDU structure, EXTNAME, column names, EXTEN0, NAXIS.
// The file name is never consulted.
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"
#include "io/read_error.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace vocloud::io::detail {

namespace {

std::string shapeText(std::vector<long long> const& shape) {
  if (shape.empty()) return "no data";
  std::string text;
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i == 0 ? "" : "x") + std::to_string(shape[i]);
  return "a " + text + " image";
}

// A spectrum as a 1-D image: NAXIS1 pixels, every further axis of length 1 (IRAF often
// writes N x 1 x 1).
bool isOneDimensional(std::vector<long long> const& shape) {
  if (shape.empty() || shape[0] < 1) return false;
  return std::all_of(shape.begin() + 1, shape.end(), [](long long n) { return n == 1; });
}

bool contains(std::string const& text, std::string const& part) {
  return text.find(part) != std::string::npos;
}

// Ondřejov 2 m (Zeiss) CCD700 coudé spectrograph, as its archive headers say.
bool isOndrejov(FitsHeader const& header) {
  std::string const telescope = lowerCase(header.string("TELESCOP").value_or(""));
  std::string const observatory = lowerCase(header.string("OBSERVAT").value_or(""));
  std::string const instrument = lowerCase(header.string("INSTRUME").value_or(""));
  return contains(telescope, "zeiss-2m") || contains(observatory, "ondrejov") ||
         contains(instrument, "coude700");
}

char const* imageLayout(FitsHeader const& header) {
  return imageScale(header) == ImageScale::Linear ? kImageLinear : kImageLogLinear;
}

char const* kindText(HduKind kind) {
  switch (kind) {
    case HduKind::Image:
      return "image";
    case HduKind::BinaryTable:
      return "binary table";
    case HduKind::AsciiTable:
      return "ASCII table";
    case HduKind::Other:
      break;
  }
  return "extension";
}

// "HDU 2 'COADD': binary table, 1 row(s), columns FLUX, IVAR" or "HDU 1 (primary): a 3909x5
// image, EXTEN0 'Flux Inverse'".
std::string hduText(FitsMemory const& file, FitsHdu const& hdu) {
  std::string text = "HDU " + std::to_string(hdu.number);
  std::string const extname = hdu.header.string("EXTNAME").value_or("");
  if (!extname.empty()) text += " '" + extname + "'";
  if (hdu.number == 1) text += " (primary)";
  if (hdu.kind == HduKind::Image) {
    text += ": " + shapeText(hdu.axes);
  } else if (hdu.kind == HduKind::Other) {
    text += ": XTENSION '" + hdu.xtension + "'";
  } else {
    FitsTable const table(file, hdu);
    text += std::string(": ") + kindText(hdu.kind) + ", " + std::to_string(table.rows()) +
            " row(s), columns ";
    std::string columns;
    for (auto const& column : table.columns())
      columns += (columns.empty() ? "" : ", ") + column.name;
    text += columns.empty() ? "none" : columns;
  }
  if (auto const exten0 = hdu.header.string("EXTEN0")) text += ", EXTEN0 '" + *exten0 + "'";
  return text;
}

// What a file holds, HDU by HDU (the first eight), for the message of a file no layout fits.
std::string fileText(FitsMemory const& file) {
  constexpr int kShown = 8;
  std::string text;
  try {
    for (int number = 1;; ++number) {
      FitsHdu const* hdu = file.find(number);
      if (hdu == nullptr) break;
      if (number > kShown) {
        text += "; more HDUs follow";
        break;
      }
      text += (text.empty() ? "" : "; ") + hduText(file, *hdu);
    }
  } catch (ReadError const& e) {
    text += (text.empty() ? "" : "; ") + std::string("then: ") + e.detail();
  }
  return text;
}

constexpr char kLayoutsTried[] =
    "layouts tried: lamost_dr1/lamost_dr2 (a 2-D primary image whose EXTEN0 names a Flux row), "
    "ondrejov_raw/fits_image_linear/fits_image_loglinear (a 1-D image in the primary HDU or "
    "extension 1), sdss/lamost_dr8/ondrejov_ssap/fits_table (a table in extension 1)";

[[noreturn]] void unknownLayout(FitsMemory const& file, std::string const& why) {
  throw ReadError(ReadError::Reason::UnknownLayout, file.path(),
                  why + ". The file holds: " + fileText(file) + ". " + kLayoutsTried);
}

// The LAMOST DR1-DR7 layout of a 2-D primary image, when its EXTEN0 names a Flux row.
std::optional<FitsLayout> lamostImageLayout(FitsHdu const& primary) {
  auto const exten0 = primary.header.string("EXTEN0");
  if (primary.axes.size() != 2 || !exten0) return std::nullopt;
  LamostRows const rows = lamostRows(*exten0, primary.axes[1]);
  if (rows.flux < 0) return std::nullopt;
  // DR1 has no wavelength row (its row 3 is the continuum-normalised flux).
  return FitsLayout{rows.wave >= 0 ? kLamostDr2 : kLamostDr1, 1};
}

std::string tableLayout(FitsMemory const& file, FitsHdu const& hdu) {
  FitsTable const table(file, hdu);
  FitsColumn const* flux = table.find("flux");
  if (flux && table.find("loglam")) return kSdss;
  if (flux && table.find("wavelength") && flux->repeat > 1 && table.rows() == 1) return kLamostDr8;
  if (flux && table.find("spectral")) return kOndrejovSsap;
  return kTable;
}

}  // namespace

FitsLayout detectFitsLayout(FitsMemory const& file, ReadOptions const& options) {
  if (options.hdu > 0) {
    int const number = options.hdu + 1;
    FitsHdu const* hdu = file.find(number);
    if (hdu == nullptr)
      unknownLayout(file, "the file has no extension " + std::to_string(options.hdu));
    if (hdu->kind != HduKind::Image) return {kTable, number};
    if (isOneDimensional(hdu->axes)) return {imageLayout(hdu->header), number};
    unknownLayout(file, "extension " + std::to_string(options.hdu) + " holds " +
                            shapeText(hdu->axes) + ", not a spectrum");
  }

  FitsHdu const& primary = file.hdu(1);
  auto const& shape = primary.axes;
  if (auto const lamost = lamostImageLayout(primary)) return *lamost;
  if (isOneDimensional(shape))
    return {isOndrejov(primary.header) ? kOndrejovRaw : imageLayout(primary.header), 1};

  FitsHdu const* first = file.find(2);
  if (first == nullptr)
    unknownLayout(file, "the primary HDU holds " + shapeText(shape) + " and there is no extension");
  if (first->kind == HduKind::BinaryTable || first->kind == HduKind::AsciiTable)
    return {tableLayout(file, *first), 2};
  if (first->kind == HduKind::Image && isOneDimensional(first->axes))
    return {imageLayout(first->header), 2};
  if (first->kind == HduKind::Other)
    unknownLayout(file, "the primary HDU holds " + shapeText(shape) + " and extension 1 is a '" +
                            first->xtension + "' extension");
  unknownLayout(file, "the primary HDU holds " + shapeText(shape) + " and extension 1 " +
                          shapeText(first->axes) + "; neither is a spectrum layout");
}

}  // namespace vocloud::io::detail
