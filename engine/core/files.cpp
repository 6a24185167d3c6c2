#include "core/files.hpp"

#include "core/error.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace vocloud::core {

namespace fs = std::filesystem;

namespace {

FileStamp stampOf(struct stat const& info) {
  return FileStamp{
      static_cast<std::uint64_t>(info.st_size),
      static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec};
}

// An open directory stream; closes it (and its descriptor) on scope exit.
class Directory {
 public:
  Directory(int parentFd, std::string const& name, std::string const& shown) {
    int const fd = ::openat(parentFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && (_dir = ::fdopendir(fd)) == nullptr) ::close(fd);
    if (_dir == nullptr)
      throw Error("files: cannot read directory '" + shown + "': " + std::strerror(errno));
  }
  ~Directory() { ::closedir(_dir); }
  Directory(Directory const&) = delete;
  Directory& operator=(Directory const&) = delete;
  DIR* get() const { return _dir; }
  int fd() const { return ::dirfd(_dir); }

 private:
  DIR* _dir = nullptr;
};

struct Walk {
  std::string const& root;
  std::string const& pattern;
  bool recursive;
  std::vector<std::string>& candidates;  ///< files or links whose name matches
};

// Lists one directory (`prefix`: its path relative to the root, with a trailing '/').
void walkDirectory(Walk const& walk, int parentFd, std::string const& name,
                   std::string const& prefix) {
  Directory const directory(parentFd, name, prefix.empty() ? walk.root : walk.root + "/" + prefix);
  errno = 0;
  while (dirent const* entry = ::readdir(directory.get())) {
    std::string const entryName = entry->d_name;
    if (entryName == "." || entryName == "..") continue;
    unsigned char type = entry->d_type;
    struct stat info {};
    if (type == DT_UNKNOWN) {  // some file systems do not say: ask without following links
      if (::fstatat(directory.fd(), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
      type = S_ISDIR(info.st_mode) ? DT_DIR : S_ISLNK(info.st_mode) ? DT_LNK : DT_REG;
    }
    if (type == DT_DIR) {
      if (walk.recursive) walkDirectory(walk, directory.fd(), entryName, prefix + entryName + "/");
    } else if ((type == DT_REG || type == DT_LNK) &&
               ::fnmatch(walk.pattern.c_str(), entry->d_name, 0) == 0) {
      walk.candidates.push_back(prefix + entryName);
    }
    errno = 0;
  }
  if (errno != 0)
    throw Error("files: cannot read directory '" + walk.root + "/" + prefix +
                "': " + std::strerror(errno));
}

}  // namespace

void makeDirectories(std::string const& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw Error("files: cannot create directory '" + path + "': " + ec.message());
}

std::string readFile(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("files: cannot open '" + path + "'");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw Error("files: read error in '" + path + "'");
  return content.str();
}

void writeFileAtomic(std::string const& path, std::string const& content) {
  std::string const temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("files: cannot write '" + temporary + "'");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw Error("files: write error in '" + temporary + "'");
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec)
    throw Error("files: cannot rename '" + temporary + "' to '" + path + "': " + ec.message());
}

void removeAll(std::string const& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) throw Error("files: cannot remove '" + path + "': " + ec.message());
}

std::optional<FileStamp> fileStamp(std::string const& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw Error("files: cannot stat '" + path + "': " + std::strerror(errno));
  }
  return stampOf(info);
}

std::vector<ListedFile> listFiles(std::string const& dir, std::string const& pattern,
                                  bool recursive) {
  std::vector<std::string> candidates;
  walkDirectory(Walk{dir, pattern, recursive, candidates}, AT_FDCWD, dir, "");
  std::vector<std::optional<FileStamp>> stamps(candidates.size());
  forEachFileParallel(candidates.size(), [&](std::size_t i) {
    // stat follows a link: a dangling link or a link to a directory is no file.
    struct stat info {};
    std::string const path = dir + "/" + candidates[i];
    if (::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) stamps[i] = stampOf(info);
  });
  std::vector<ListedFile> found;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (stamps[i]) found.push_back({std::move(candidates[i]), *stamps[i]});
  return found;
}

void forEachFileParallel(std::size_t count, std::function<void(std::size_t)> const& work) {
  constexpr std::size_t kChunk = 256;  // indices taken at a time
  std::size_t const threads = std::min<std::size_t>(
      std::max(4U, std::thread::hardware_concurrency()), (count + kChunk - 1) / kChunk);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failureMutex;
  auto run = [&] {
    try {
      for (std::size_t begin; (begin = next.fetch_add(kChunk)) < count;)
        for (std::size_t i = begin; i < std::min(count, begin + kChunk); ++i) work(i);
    } catch (...) {
      std::lock_guard<std::mutex> const lock(failureMutex);
      if (!failure) failure = std::current_exception();
      next = count;  // the others stop at their next chunk
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace vocloud::core
