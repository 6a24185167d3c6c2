#pragma once
// Shared by the tests/votable suites: where the real VOTables are, a scratch folder, the
// astropy reference (astropy_votable.py under /usr/bin/python3), the comparison of a parsed
// table with it, and `stilts votlint`.
#include "io/votable.hpp"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace vocloud::io::test {

/// $VOCLOUD_SHARED_DATA/real/formats (the ctest environment sets the variable).
std::string formatsDir();
/// A scratch folder for this test process, removed at exit.
std::string scratchDir();

/// Runs astropy_votable.py `command` ("describe" or "spectrum") on `path` and returns its
/// JSON (read through yaml-cpp).
YAML::Node astropy(std::string const& command, std::string const& path);
/// Writes a BINARY2 spectrum (float32 wavelengths in nm, flux, error, masked points) to
/// `path` with astropy.
void makeSpectrum(std::string const& path);
/// Writes mixed_tabledata.vot, mixed_binary.vot and mixed_binary2.vot (astropy's writer)
/// into `folder`.
void makeMixedTables(std::string const& folder);

/// The number in a reference token ("nan" and "inf" included).
double number(YAML::Node const& token);

/// The differences between `table` and astropy's "results" of the same file: FIELD
/// attributes (name, ID, datatype, arraysize, UCD, utype), row count and every cell
/// (numbers compared as the FIELD's type, nulls as astropy masks them). Empty when they agree.
std::vector<std::string> compareWithAstropy(VoTable const& table, YAML::Node const& results);

/// The differences between two tables' cells, compared as their FIELDs' types (so that
/// "1.50" equals "1.5" and a BINARY cell equals its TABLEDATA twin). Empty when they agree.
std::vector<std::string> compareTables(VoTable const& a, VoTable const& b);

/// The output of `stilts votlint` on `path` (stdout and stderr). $VOCLOUD_STILTS overrides
/// the stilts command. Throws when stilts cannot be run.
std::string votlint(std::string const& path);

/// The lines of `text` that contain "ERROR" or "WARNING".
std::vector<std::string> problemLines(std::string const& text);

/// The content of a file.
std::string readText(std::string const& path);
/// Writes `text` to a file.
void writeText(std::string const& path, std::string const& text);

}  // namespace vocloud::io::test
