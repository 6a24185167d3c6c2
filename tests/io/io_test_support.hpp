#pragma once
// Shared by the tests/io suites: where the real data and scripts are, a scratch folder,
// the test files make_cases.py builds, and the astropy reference of any list of files.
#include "io/spectrum.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vocloud::io::test {

/// The real spectra: $VOCLOUD_SHARED_DATA/real (the ctest environment sets it).
std::string realDataRoot();
/// A scratch folder for this test process, removed at exit.
std::string scratchDir();
/// The folder of files built by make_cases.py (built on first use).
std::string casesDir();

/// What astropy_reference.py read from one file.
struct Reference {
  std::string error;                        ///< non-empty when astropy failed
  std::map<std::string, std::string> meta;  ///< id, object, cls, subclass, ra, dec, z, frame
  std::vector<double> wave, flux, ivar;
  std::vector<std::uint32_t> mask;
};

/// A file for the reference: its layout as the data's README or generator states it and,
/// for generic tables and text, "wave=NAME,flux=NAME,ivar=NAME,err=NAME" hints.
struct ReferenceRequest {
  std::string layout, path, hints;
};

/// Runs astropy_reference.py once over all requests; the result is keyed by path.
std::map<std::string, Reference> astropyReference(std::vector<ReferenceRequest> const& files);

/// Differences between our reading and astropy's ("" when they agree): wave to 1e-12
/// relative, flux exactly as float, ivar to 1e-6 relative, mask exactly, and the metadata.
std::string compareWithReference(Spectrum const& spectrum, Reference const& reference);

/// Every regular file under `folder` (recursively when `recursive`) whose name ends with one
/// of `extensions`, sorted.
std::vector<std::string> filesIn(std::string const& folder,
                                 std::vector<std::string> const& extensions, bool recursive);

/// Copies the first `bytes` bytes of `from` to `to`.
void copyPrefix(std::string const& from, std::string const& to, std::uintmax_t bytes);

}  // namespace vocloud::io::test
