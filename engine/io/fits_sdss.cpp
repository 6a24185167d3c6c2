// SDSS/BOSS spec files (lite and full): HDU 1 COADD table (flux, loglam, ivar, and_mask),
// HDU 2 SPECOBJ (or SPALL in eBOSS files) with CLASS, SUBCLASS, Z. Vacuum wavelengths.
#include "io/fits_read.hpp"
#include "io/layout_readers.hpp"

#include <cmath>
#include <cstdio>

namespace vocloud::io::detail {

namespace {

// "spec-PLATE-MJD-FIBER" as SDSS names the file, from the primary header.
std::string sdssSpecId(FitsHeader const& header) {
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
void readSpecObj(FitsMemory const& file, int hdu, SpectrumMeta& meta) {
  FitsHdu const* next = file.find(hdu);
  if (next == nullptr || (next->kind != HduKind::BinaryTable && next->kind != HduKind::AsciiTable))
    return;
  FitsTable const table(file, *next);
  if (table.rows() < 1) return;
  FitsColumn const* cls = table.find("CLASS");
  if (!cls) return;
  file.requireData(*next);  // a cut SPECOBJ is a truncated file, whichever column is read first
  meta.cls = table.text(*cls, 0);
  if (FitsColumn const* subclass = table.find("SUBCLASS")) meta.subclass = table.text(*subclass, 0);
  auto firstValue = [&](char const* name, double& value) {
    FitsColumn const* column = table.find(name);
    if (!column || column->isText() || column->isVariable() || column->type == 'C' ||
        column->type == 'M')
      return;
    auto const values = table.doubles(*column);
    if (!values.empty()) value = values.front();
  };
  firstValue("Z", meta.z);
  firstValue("PLUG_RA", meta.ra);
  firstValue("PLUG_DEC", meta.dec);
}

}  // namespace

void readSdss(FitsMemory const& file, int hdu, FitsHeader const& primary, Spectrum& out) {
  out.meta.id = primary.string("OBJNAME").value_or("");
  if (out.meta.id.empty()) out.meta.id = sdssSpecId(primary);
  // SDSS wavelengths are in vacuum; a header that states another frame is believed.
  out.frame = headerFrame(primary);
  if (out.frame == WavelengthFrame::Unknown) out.frame = WavelengthFrame::Vacuum;

  FitsTable const table(file, file.hdu(hdu));
  TableColumnNames names;
  names.wave = "loglam";
  names.waveIsLog10 = true;
  names.flux = "flux";
  if (table.find("ivar")) names.ivar = "ivar";
  if (table.find("and_mask")) names.mask = "and_mask";
  readTableColumns(table, names, out);

  readSpecObj(file, hdu + 1, out.meta);
  // The primary RA/DEC of SDSS files is the plate centre; the object is at PLUG_RA/DEC
  // (in SPECOBJ, else in the primary header). Files with neither state the object's RA/DEC.
  if (std::isnan(out.meta.ra)) out.meta.ra = primary.number("PLUG_RA").value_or(std::nan(""));
  if (std::isnan(out.meta.dec)) out.meta.dec = primary.number("PLUG_DEC").value_or(std::nan(""));
  readCommonMeta(primary, out.meta);
}

}  // namespace vocloud::io::detail
