#pragma once
// Where a data set row's spectrum file is on this machine: its /meta/path resolved against the
// base of knowledge, and the file:// URL that SAMP clients (TOPCAT, SPLAT) load it from.
#include "report/report_inputs.hpp"

#include <string>

namespace vocloud::report {

/// The path of a spectrum file: `path` (dataset.h5 /meta/path) when absolute, else the first
/// of the base of knowledge (root attribute "bok") and the data set's folder under which it
/// exists; `path` unchanged when it exists under neither.
std::string resolveSpectrumPath(DatasetInfo const& d, std::string const& path);

/// The file:// URL of an absolute path, every byte outside RFC 3986's unreserved set and '/'
/// percent-encoded ("/a b/x.fits" -> "file:///a%20b/x.fits").
std::string fileUrl(std::string const& absolutePath);

/// The file:// URL of the spectrum file of `path` (resolved as above, made absolute), or ""
/// when no such file exists here.
std::string spectrumFileUrl(DatasetInfo const& d, std::string const& path);

}  // namespace vocloud::report
