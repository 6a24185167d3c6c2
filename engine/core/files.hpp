#pragma once
// File-system helpers with vocloud errors: directories, whole-file reads and atomic writes.
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

}  // namespace vocloud::core
