#pragma once
// `vocloud inspect`: what the readers make of a list of spectrum files, as text or JSON.
#include <string>
#include <vector>

namespace vocloud::io {

/// A human-readable summary per file: layout, id, object, class, position, redshift,
/// wavelength frame, number of points, wavelength range (Å), whether ivar/mask exist. A file
/// that cannot be read gets its error reason and message; the others are still listed.
std::string inspectText(std::vector<std::string> const& paths);

/// The same as JSON: {"files":[{"path","layout","id","object","class","subclass","ra","dec",
/// "z","frame","points","wave_min","wave_max","has_ivar","has_mask"[,"wave","flux","ivar",
/// "mask"]} or {"path","error":{"reason","message"}}, ...]}. `withValues` adds the arrays
/// (ivar and mask are empty arrays when the file has none). Unknown numbers are null.
std::string inspectJson(std::vector<std::string> const& paths, bool withValues);

}  // namespace vocloud::io
