#include "core/files.hpp"

#include "core/error.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

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
  if (ec) throw Error("files: cannot rename '" + temporary + "' to '" + path + "': " + ec.message());
}

void removeAll(std::string const& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) throw Error("files: cannot remove '" + path + "': " + ec.message());
}

}  // namespace vocloud::core
