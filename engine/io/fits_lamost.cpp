// LAMOST low-resolution spectra. DR1-DR7: a 5 x N primary image whose rows EXTEN0 names
// (DR1 'Flux Inverse Subcontinuum Andmask Ormask', wavelengths from the header; DR2-7
// 'Flux Inverse Wavelength Andmask Ormask'). DR8+: empty primary holding the header and a
// one-row COADD table of arrays (FLUX, IVAR, WAVELENGTH, ANDMASK, ORMASK, NORMALIZATION).
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"
#include "io/read_error.hpp"

#include <cmath>

namespace vocloud::io::detail {

namespace {

// Position of the first row named one of `names` (or whose first word is: 'Inverse
// Variance' is the Inverse row), or -1.
int rowOf(std::vector<std::string> const& rows, std::initializer_list<char const*> names) {
  for (char const* name : names)
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows[i] == name || rows[i].substr(0, rows[i].find(' ')) == name)
        return static_cast<int>(i);
  return -1;
}

std::string rowList(std::vector<std::string> const& rows) {
  std::string text;
  for (auto const& row : rows) text += (text.empty() ? "" : ", ") + row;
  return text.empty() ? "none" : text;
}

// Header of a LAMOST spectrum (primary HDU, current): pipeline results, position, names.
void readLamostHeader(FitsHeader const& header, Spectrum& out) {
  SpectrumMeta& meta = out.meta;
  meta.id = header.string("OBSID").value_or("");
  if (meta.id.empty()) {
    std::string const name = header.string("FILENAME").value_or("");
    if (!name.empty()) meta.id = fileStem(name);
  }
  std::string const objname = header.string("OBJNAME").value_or("");
  if (meta.id.empty()) meta.id = objname;
  meta.object = header.string("DESIG").value_or("");
  if (meta.object.empty()) meta.object = objname;
  readCommonMeta(header, meta);
  // LAMOST writes VACUUM = T; a header that states another frame is believed.
  out.frame = headerFrame(header);
  if (out.frame == WavelengthFrame::Unknown) out.frame = WavelengthFrame::Vacuum;
}

// Log-linear (DC-FLAG 1, the LAMOST default) or linear solution of the header: CRVAL1 and
// CD1_1 (or CDELT1), else the COEFF0/COEFF1 pair; CRPIX1 defaults to 1 (COEFF0 is the first
// pixel's).
std::vector<double> headerWavelengths(FitsMemory const& file, FitsHeader const& header,
                                      long long n) {
  auto solution = linearSolution(header, 1.0);
  if (!solution) {
    auto const coeff0 = header.number("COEFF0"), coeff1 = header.number("COEFF1");
    if (coeff0 && coeff1) solution = LinearSolution{*coeff0, *coeff1, 1.0};
  }
  if (!solution)
    throw ReadError(ReadError::Reason::MissingColumn, file.path(),
                    "EXTEN0 names no Wavelength row and the header has no wavelength solution "
                    "(CRVAL1 with CD1_1 or CDELT1, or COEFF0 with COEFF1)");
  bool const logLinear = dcFlagLogLinear(header).value_or(true);
  return wavelengthGrid(solution->crval, solution->step, solution->crpix, n, logLinear);
}

}  // namespace

LamostRows lamostRows(std::string const& exten0, long long height) {
  LamostRows rows;
  rows.names = lowerCaseItems(exten0);
  if (static_cast<long long>(rows.names.size()) != height) {
    std::vector<std::string> words = lowerCaseWords(exten0);
    if (static_cast<long long>(words.size()) == height) rows.names = std::move(words);
  }
  rows.flux = rowOf(rows.names, {"flux"});
  rows.ivar = rowOf(rows.names, {"inverse", "ivar", "invvar"});
  rows.wave = rowOf(rows.names, {"wavelength"});
  rows.andmask = rowOf(rows.names, {"andmask", "and_mask"});
  return rows;
}

void readLamostImage(FitsMemory const& file, FitsHeader const& header, Spectrum& out) {
  FitsHdu const& hdu = file.hdu(1);
  std::string const exten0 = header.string("EXTEN0").value_or("");
  auto const& shape = hdu.axes;
  long long const n = shape.at(0), height = shape.at(1);
  LamostRows const rows = lamostRows(exten0, height);
  int const fluxRow = rows.flux, ivarRow = rows.ivar, waveRow = rows.wave, maskRow = rows.andmask;
  if (fluxRow < 0)
    throw ReadError(
        ReadError::Reason::MissingColumn, file.path(),
        "EXTEN0 '" + exten0 + "' names no Flux row (rows read: " + rowList(rows.names) + ")");
  for (int row : {fluxRow, ivarRow, waveRow, maskRow})
    if (row >= height)
      throw ReadError(ReadError::Reason::WrongSizes, file.path(),
                      "EXTEN0 '" + exten0 + "' names " + std::to_string(rows.names.size()) +
                          " rows (" + rowList(rows.names) + ") but the image has " +
                          std::to_string(height));

  readLamostHeader(header, out);
  // A cut image is a truncated file, whichever rows we need; checked before anything the
  // size of a row is allocated (a header may claim NAXIS1 = 1e9 in a 92 KB file).
  file.requireData(hdu);
  std::vector<double> wave;
  if (waveRow < 0) wave = headerWavelengths(file, header, n);
  // Row by row, straight into the result: only the rows we use, no 5 x N temporary.
  out.flux = readImageFloats(file, hdu, fluxRow * n, n);
  if (ivarRow >= 0) out.ivar = readImageFloats(file, hdu, ivarRow * n, n);
  if (maskRow >= 0) out.mask = readImageMask(file, hdu, maskRow * n, n);
  out.wave = waveRow >= 0 ? readImageDoubles(file, hdu, waveRow * n, n) : std::move(wave);
}

void readLamostDr8(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out) {
  readLamostHeader(primary, out);
  FitsTable const table(file, file.hdu(hdu));
  TableColumnNames names;
  names.wave = "WAVELENGTH";
  names.flux = "FLUX";
  if (table.find("IVAR")) names.ivar = "IVAR";
  if (table.find("ANDMASK")) names.mask = "ANDMASK";
  readTableColumns(table, names, out);
}

}  // namespace vocloud::io::detail
