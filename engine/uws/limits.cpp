#include "uws/limits.hpp"

#include <filesystem>
#include <system_error>

namespace vocloud::uws {

namespace fs = std::filesystem;

std::uintmax_t folderBytes(std::string const& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code fileEc;
    if (!it->is_regular_file(fileEc) || it->is_symlink(fileEc)) continue;
    auto const size = it->file_size(fileEc);
    if (!fileEc) total += size;
  }
  return total;
}

std::uintmax_t userDiskBytes(JobStore const& store, std::string const& owner) {
  JobFilter filter;
  filter.owner = owner;
  std::uintmax_t total = 0;
  for (auto const& job : store.list(filter)) total += folderBytes(store.jobDir(job.id));
  return total;
}

}  // namespace vocloud::uws
