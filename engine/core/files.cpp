#include "core/files.hpp"

#include "core/error.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vocloud::core {

namespace fs = std::filesystem;

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
  return FileStamp{
      static_cast<std::uint64_t>(info.st_size),
      static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec};
}

}  // namespace vocloud::core
