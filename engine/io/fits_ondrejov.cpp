// Ondřejov 2 m CCD700 spectra: the raw archive 1-D image (linear wavelengths in air,
// sexagesimal RA/DEC) and the SSAP/DataLink table (columns spectral, flux; DS_IDPUB).
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"

namespace vocloud::io::detail {

namespace {

// Publisher DIDs of the archive are ivo://asu.cas.cz/stel/ccd700/<file id>; the raw files
// carry the file id in FILENAME, so raw and SSAP copies of one exposure share an id.
constexpr char kCcd700Did[] = "ivo://asu.cas.cz/stel/ccd700/";

}  // namespace

void readOndrejovRaw(FitsMemory const& file, FitsHeader const& primary, Spectrum& out) {
  readFitsImage(file, 1, primary, out);
  if (out.frame == WavelengthFrame::Unknown) out.frame = WavelengthFrame::Air;
  std::string const name = primary.string("FILENAME").value_or("");
  if (!name.empty()) out.meta.id = kCcd700Did + fileStem(name);
}

void readOndrejovSsap(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out) {
  FitsTable const table(file, file.hdu(hdu));
  FitsHeader const& header = table.hdu().header;
  TableColumnNames names;
  names.wave = "spectral";
  names.flux = "flux";
  if (FitsColumn const* error = findAnyColumn(table, {"flux_error", "error"}))
    names.error = error->name;
  readTableColumns(table, names, out);

  out.meta.id = header.string("DS_IDPUB").value_or("");
  readCommonMeta(header, out.meta);
  // DaCHS comments the spectral column ("Air wavelength"); the archive's own are all air.
  int const number = table.find("spectral")->number;
  std::string const comment = lowerCase(header.comment("TTYPE" + std::to_string(number)));
  out.frame = headerFrame(header);
  if (comment.find("air") != std::string::npos)
    out.frame = WavelengthFrame::Air;
  else if (comment.find("vac") != std::string::npos)
    out.frame = WavelengthFrame::Vacuum;
  else if (out.frame == WavelengthFrame::Unknown && out.meta.id.rfind(kCcd700Did, 0) == 0)
    out.frame = WavelengthFrame::Air;
  if (hdu != 1) readCommonMeta(primary, out.meta);
}

}  // namespace vocloud::io::detail
