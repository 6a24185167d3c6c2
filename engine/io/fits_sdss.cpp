// SDSS/BOSS spec files (lite and full): HDU 1 COADD table (flux, loglam, ivar, and_mask),
// HDU 2 SPECOBJ (or SPALL in eBOSS files) with CLASS, SUBCLASS, Z. Vacuum wavelengths.
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"

#include <cmath>
#include <cstdio>

namespace vocloud::io::detail {

namespace {

// "spec-PLATE-MJD-FIBER" as SDSS names the file, from the primary header.
std::string sdssSpecId(Header const& header) {
  auto const plate = header.number("PLATEID");
  auto const mjd = header.number("MJD");
  auto const fiber = header.number("FIBERID");
  if (!plate || !mjd || !fiber) return {};
  char text[64];
  std::snprintf(text, sizeof text, "spec-%04lld-%05lld-%04lld", std::llround(*plate),
                std::llround(*mjd), std::llround(*fiber));
  return text;
}

// CLASS, SUBCLASS, Z and the fibre position from the one-row SPECOBJ/SPALL table, when the
// HDU after the spectrum is such a table.
void readSpecObj(FitsFile const& file, int hdu, SpectrumMeta& meta) {
  int type = 0, status = 0;
  fits_movabs_hdu(file.get(), hdu, &type, &status);
  if (status == END_OF_FILE) {
    fits_clear_errmsg();
    return;
  }
  checkRead(file, status, "moving to HDU " + std::to_string(hdu));
  if (type == IMAGE_HDU || tableRows(file) < 1) return;
  auto const columns = tableColumns(file, Header(file));
  auto const cls = findColumn(columns, "CLASS");
  if (!cls) return;
  requireCompleteData(file);
  meta.cls = readColumnString(file, *cls, 1);
  if (auto subclass = findColumn(columns, "SUBCLASS"))
    meta.subclass = readColumnString(file, *subclass, 1);
  auto firstValue = [&](char const* name, double& value) {
    auto column = findColumn(columns, name);
    if (!column || column->typecode == TSTRING || column->typecode < 0) return;
    auto const values = readColumnDoubles(file, *column);
    if (!values.empty()) value = values.front();
  };
  firstValue("Z", meta.z);
  firstValue("PLUG_RA", meta.ra);
  firstValue("PLUG_DEC", meta.dec);
}

}  // namespace

void readSdss(FitsFile const& file, int hdu, Header const& primary, Spectrum& out) {
  out.meta.id = primary.string("OBJNAME").value_or("");
  if (out.meta.id.empty()) out.meta.id = sdssSpecId(primary);
  out.frame =
      primary.logical("VACUUM").value_or(true) ? WavelengthFrame::Vacuum : WavelengthFrame::Air;

  file.moveTo(hdu);
  auto const columns = tableColumns(file, Header(file));
  TableColumnNames names;
  names.wave = "loglam";
  names.waveIsLog10 = true;
  names.flux = "flux";
  if (findColumn(columns, "ivar")) names.ivar = "ivar";
  if (findColumn(columns, "and_mask")) names.mask = "and_mask";
  readTableColumns(file, columns, names, out);

  readSpecObj(file, hdu + 1, out.meta);
  // The primary RA/DEC of SDSS files is the plate centre; the object is at PLUG_RA/DEC
  // (in SPECOBJ, else in the primary header). Files with neither state the object's RA/DEC.
  if (std::isnan(out.meta.ra)) out.meta.ra = primary.number("PLUG_RA").value_or(std::nan(""));
  if (std::isnan(out.meta.dec)) out.meta.dec = primary.number("PLUG_DEC").value_or(std::nan(""));
  readCommonMeta(primary, out.meta);
}

}  // namespace vocloud::io::detail
