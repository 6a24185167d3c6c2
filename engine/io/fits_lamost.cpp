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

// Position of `word` among the EXTEN0 row names, or -1.
int rowOf(std::vector<std::string> const& rows, std::string const& word) {
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i] == word) return static_cast<int>(i);
  return -1;
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
  out.frame =
      header.logical("VACUUM").value_or(true) ? WavelengthFrame::Vacuum : WavelengthFrame::Air;
}

// Log-linear (DC-FLAG 1, the LAMOST default) or linear solution of the header.
std::vector<double> headerWavelengths(FitsMemory const& file, FitsHeader const& header,
                                      long long n) {
  auto crval = header.number("CRVAL1");
  if (!crval) crval = header.number("COEFF0");
  auto step = header.number("CD1_1");
  if (!step) step = header.number("CDELT1");
  if (!step) step = header.number("COEFF1");
  if (!crval || !step)
    throw ReadError(ReadError::Reason::MissingColumn, file.path(),
                    "no Wavelength row in EXTEN0 and no CRVAL1/CD1_1 wavelength solution");
  double const crpix = header.number("CRPIX1").value_or(1.0);
  bool const logLinear = header.number("DC-FLAG").value_or(1) != 0;
  return wavelengthGrid(*crval, *step, crpix, n, logLinear);
}

}  // namespace

void readLamostImage(FitsMemory const& file, FitsHeader const& header, Spectrum& out) {
  FitsHdu const& hdu = file.hdu(1);
  std::string const exten0 = header.string("EXTEN0").value_or("");
  std::vector<std::string> const rows = lowerCaseWords(exten0);
  int const fluxRow = rowOf(rows, "flux");
  int ivarRow = rowOf(rows, "inverse");
  if (ivarRow < 0) ivarRow = rowOf(rows, "ivar");
  int const waveRow = rowOf(rows, "wavelength");
  int const maskRow = rowOf(rows, "andmask");
  if (fluxRow < 0)
    throw ReadError(ReadError::Reason::MissingColumn, file.path(),
                    "EXTEN0 '" + exten0 + "' names no Flux row");
  auto const& shape = hdu.axes;
  long long const n = shape.at(0), height = shape.at(1);
  for (int row : {fluxRow, ivarRow, waveRow, maskRow})
    if (row >= height)
      throw ReadError(ReadError::Reason::WrongSizes, file.path(),
                      "EXTEN0 '" + exten0 + "' names " + std::to_string(rows.size()) +
                          " rows but the image has " + std::to_string(height));

  readLamostHeader(header, out);
  std::vector<double> wave;
  if (waveRow < 0) wave = headerWavelengths(file, header, n);
  file.requireData(hdu);  // a cut image is a truncated file, whichever rows we need
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
