#pragma once
// data/spectra.vot: a VOTable of the spectra the report includes, in the order of
// data/spectra/index.js (table row i = index position i), for SAMP: the page sends
// table.load.votable with its URL and table.select.rowList with a list's table rows.
#include "report/report_model.hpp"

#include <string>

namespace vocloud::report {

/// The VOTable (1.4, TABLEDATA) of the included spectra: index, row, id, label, url (the file's
/// file:// URL, "" when not found here), ra, dec, som_node, outlier_score, predicted. Unknown
/// numbers are empty cells (NaN, or the null value -1 of som_node). Reads /meta/path of
/// dataset.h5 (serial).
std::string spectraVotable(ReportModel const& m);

/// Writes spectraVotable(m) to `dataDir`/spectra.vot (atomically). Throws vocloud::Error
/// ("report: ...") naming the file when it cannot.
void writeSpectraVotable(ReportModel const& m, std::string const& dataDir);

}  // namespace vocloud::report
