#pragma once
// The report's data files: JSON (written by core::JsonWriter) behind the fixed one-line
// wrapper `vocloudData("NAME", JSON);` that lets the page load them under file://, and the
// base64 typed arrays of docs/report-data.md.
#include "core/json.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vocloud::report {

/// Standard base64 (RFC 4648, with '=' padding) of `size` bytes at `data`.
std::string base64(void const* data, std::size_t size);

/// Writes a typed array object {"dtype": ..., "shape": [...], "b64": "..."} as the next
/// value of `json`: the little-endian values, row-major. `shape` empty: 1-D of the values'
/// length.
void typedArray(core::JsonWriter& json, std::vector<float> const& values,
                std::vector<std::uint64_t> shape = {});
void typedArray(core::JsonWriter& json, std::vector<double> const& values,
                std::vector<std::uint64_t> shape = {});
void typedArray(core::JsonWriter& json, std::vector<std::int32_t> const& values,
                std::vector<std::uint64_t> shape = {});
void typedArray(core::JsonWriter& json, std::vector<std::uint8_t> const& values,
                std::vector<std::uint64_t> shape = {});

/// Small arrays as plain JSON arrays (NaN as null).
void jsonArray(core::JsonWriter& json, std::vector<double> const& values);
void jsonArray(core::JsonWriter& json, std::vector<std::int64_t> const& values);
void jsonArray(core::JsonWriter& json, std::vector<std::string> const& values);

/// The text of data file `name` ("som", "spectra/shard-000012"): the wrapper around `json`.
std::string dataFileText(std::string_view name, std::string const& json);

/// Writes `dataDir`/NAME.js (folders made as needed, atomically). Throws vocloud::Error
/// ("report: ...") naming the file when it cannot.
void writeDataFile(std::string const& dataDir, std::string const& name, std::string const& json);

}  // namespace vocloud::report
