#pragma once
// The acquisition plan: every spectrum to fetch, with where it comes from, its id, label
// and known metadata. Built once (on rank 0) from the sources, then shared with all ranks.
#include "acquire/acquire_config.hpp"
#include "core/csv.hpp"
#include "core/log.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vocloud::acquire {

struct Item {
  std::size_t source = 0;  ///< index of the source in the config
  bool remote = false;     ///< location is a URL (else a local path)
  std::string location;    ///< URL or local path
  std::string name;        ///< path under files/<source>/, unique within the source
  std::string id, label;
  double ra = std::numeric_limits<double>::quiet_NaN();
  double dec = std::numeric_limits<double>::quiet_NaN();
  double z = std::numeric_limits<double>::quiet_NaN();
  std::int64_t expectedSize = -1;
  std::string expectedSha256;
  LocalMode mode = LocalMode::Copy;
  std::string extension;  ///< file extension when the location has none ("" = ".dat")
};

/// Expands every source into items (local globs, URL lists, HTML index pages, VOTable
/// lists, SSAP queries and their DataLink descriptors). VOTable lists and SSAP responses are
/// kept in `bokDir`/sources/ with one CSV of their columns per source. Stored names are
/// unique by construction: a local file keeps its path inside its source (escaped), a
/// remote one gets a digest of its id and URL (detail::remoteName); ids are kept as the
/// sources give them.
/// Throws vocloud::Error naming the source on failure (e.g. QUERY_STATUS=ERROR).
std::vector<Item> planItems(AcquireConfig const& config, std::string const& bokDir,
                            core::Log const& log);

/// Plan <-> text, to broadcast it.
std::string encodePlan(std::vector<Item> const& items);
std::vector<Item> decodePlan(std::string const& text);

/// A safe file-name stem from an id or URL: letters, digits, '.', '-', '_' kept, the rest '_'.
std::string safeName(std::string const& text);

/// The file extension of a URL or path ("spec.fits.gz?x=1" -> ".fits.gz"), or "" if unknown.
std::string knownExtension(std::string const& location);

using core::csvField;

namespace detail {
/// Where the VOTable list or SSAP response of source `index` is kept in the BoK
/// (`<bokDir>/sources/source-<index>.xml`; the folder is made), with its rows beside it as
/// source-<index>.csv.
std::string keptListPath(std::string const& bokDir, std::size_t index);
/// Items of the VOTable list or SSAP response kept at `kept` (read in pieces, never whole;
/// errors name `origin`, its URL or path) for source `index`.
std::vector<Item> itemsFromVoTable(std::string const& kept, std::string const& origin,
                                   Source const& source, std::size_t index, core::Log const& log);
/// The file name of a URL or path without directory, query and known extension.
std::string stemOf(std::string const& location);
/// `segment` with every byte other than letters, digits, '-', '_' and a non-leading '.'
/// written as %XX: an injective, file-system-safe name ("x y.fits" -> "x%20y.fits").
std::string escapedSegment(std::string const& segment);
/// A remote item's stored name: a readable stem (the id's last part), '-', the first 16 hex
/// digits of the SHA-256 of "id\nlocation" ("\n<occurrence>" added from the 2nd time the
/// same id and URL come in one source) and `extension`.
std::string remoteName(std::string const& id, std::string const& location,
                       std::string const& extension, int occurrence);
/// href targets of an HTML page, resolved against `base`.
std::vector<std::string> htmlLinks(std::string const& html, std::string const& base);
}  // namespace detail

}  // namespace vocloud::acquire
