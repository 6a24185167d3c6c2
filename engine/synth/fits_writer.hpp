#pragma once
// Writers of synthetic spectra in the real archive layouts (SDSS spec, LAMOST DR1, DR2-7
// and DR8+, Ondřejov raw 1-D image, Ondřejov SSAP BINTABLE). LAMOST images name their rows
// in EXTEN0 with blanks (even rows, as DR1-DR2) or commas (odd rows, as DR3-DR7). See
// docs/synth.md.
#include "synth/model.hpp"

#include <string>

namespace vocloud::synth {

/// Writes `spectrum` to `path` (replacing any existing file) in the FITS layout of
/// spectrum.layout, with its id, label, position and wavelength solution in the header.
/// No timestamps or checksums: the same spectrum always gives the same bytes.
/// Throws vocloud::Error("fits: ...") naming the path when CFITSIO fails.
void writeSpectrumFits(SyntheticSpectrum const& spectrum, std::string const& path);

/// "HH:MM:SS.sss" (hours = true, value in degrees / 15) or "+DD:MM:SS.ss", rounded to
/// `decimals` decimals of a second without ever printing 60 seconds.
std::string sexagesimal(double degrees, bool hours, int decimals);

/// Calendar date "YYYY-MM-DD" of a modified Julian date.
std::string isoDateFromMjd(int mjd);

}  // namespace vocloud::synth
