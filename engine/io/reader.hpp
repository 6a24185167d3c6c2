#pragma once
// Entry point of the spectrum readers: one call reads any supported layout, recognised from
// the file's content (HDU structure, EXTNAME, column names, EXTEN0, NAXIS), never its name.
#include "io/read_error.hpp"
#include "io/spectrum.hpp"

#include <string>

namespace vocloud::io {

/// Reads the spectrum in `path`: SDSS/BOSS spec (lite or full), LAMOST DR1, DR2-7 and DR8+,
/// Ondřejov CCD700 raw 1-D image or SSAP table, a generic 1-D FITS image (linear or
/// log-linear wavelengths), a generic FITS table (columns from `options` or auto-detected),
/// or a 2- or 3-column CSV/TXT/ASC text table, or a VOTable. gzip content (FITS, VOTable or
/// text) reads transparently, whatever the file is called. A FITS file no layout fits
/// gives ReadError(UnknownLayout) naming each HDU (name, kind, shape or columns, EXTEN0)
/// and the layouts tried. Wavelengths in Å. Opens the file once; reads whole
/// columns/rows. Throws ReadError (reason, path) for any file it cannot use.
Spectrum readSpectrum(std::string const& path, ReadOptions const& options = {});

/// The layout name readSpectrum() would give `path` (see Spectrum::layout), detected from
/// content only; reads headers, not data. Throws ReadError like readSpectrum().
std::string detectLayout(std::string const& path);

}  // namespace vocloud::io
