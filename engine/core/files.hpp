#pragma once
// File-system helpers with vocloud errors: directories, whole-file reads and atomic writes.
#include <cstdint>
#include <optional>
#include <string>

namespace vocloud::core {

/// Creates a directory and its parents; throws vocloud::Error naming the path on failure.
void makeDirectories(std::string const& path);

/// Reads a whole file; throws vocloud::Error naming the path when it cannot.
std::string readFile(std::string const& path);

/// Writes `content` to `path` atomically: a temporary file beside it, then rename.
/// A reader never sees a half-written file.
void writeFileAtomic(std::string const& path, std::string const& content);

/// Removes a file or directory tree if present.
void removeAll(std::string const& path);

/// What stat(2) says of a file (symbolic links followed): size in bytes and modification
/// time in nanoseconds since the epoch.
struct FileStamp {
  std::uint64_t bytes = 0;
  std::int64_t mtimeNs = 0;
};

/// The stamp of `path`, or nothing when it does not exist. Throws vocloud::Error naming the
/// path for any other failure (e.g. permission denied on a directory of the path).
std::optional<FileStamp> fileStamp(std::string const& path);

}  // namespace vocloud::core
