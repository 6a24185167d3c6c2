#pragma once
// File-system helpers with vocloud errors: directories, whole-file reads and atomic writes.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

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

/// A file found by listFiles: its name relative to the listed directory, and its stamp.
struct ListedFile {
  std::string name;
  FileStamp stamp;
};

/// The regular files under `dir` whose own name matches the fnmatch(3) `pattern`, in
/// sub-directories too when `recursive`; symbolic links to files count (with the stamp of
/// their target), symbolic links to directories are not followed. In no particular order.
/// The directories are read in turn, the files stat'ed on several threads. Throws
/// vocloud::Error naming the directory that cannot be read.
std::vector<ListedFile> listFiles(std::string const& dir, std::string const& pattern,
                                  bool recursive);

/// Runs work(i) for every i in [0, count) on a few threads (up to the hardware's, at least
/// 4): for blocking file-system calls (stat, reads), whose latency then overlaps. Each
/// work(i) must touch only its own slot of the result. Rethrows the first exception.
void forEachFileParallel(std::size_t count, std::function<void(std::size_t)> const& work);

}  // namespace vocloud::core
