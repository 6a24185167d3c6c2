#pragma once
// What the host can give: a stage estimates the memory it will need and refuses to start
// when the host cannot hold it, instead of dying of std::bad_alloc (or the OOM killer) later.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::core {

/// Memory this host can still give to processes (MemAvailable of /proc/meminfo), in bytes;
/// 0 when it cannot be read.
std::uint64_t availableMemoryBytes();

/// Asks the kernel to back the whole 2 MiB pages of [data, data + bytes) with transparent huge
/// pages: a large array written once then takes one page fault (and one zeroing pass) per
/// 2 MiB instead of one per 4 KiB. A hint, for memory not yet touched; a no-op where huge
/// pages are off or unknown.
void adviseHugePages(void const* data, std::size_t bytes);

/// Makes room for n elements in v, a buffer refilled again and again: when its storage is
/// too small, v is emptied and gets new storage for n + n / 4, advised as above, so later
/// fills of about that size neither move nor fault in fresh pages. Contents are kept only
/// when no new storage is needed.
template <class T>
void reserveAdvised(std::vector<T>& v, std::size_t n) {
  if (n <= v.capacity()) return;
  std::vector<T>().swap(v);
  v.reserve(n + n / 4);
  adviseHugePages(v.data(), v.capacity() * sizeof(T));
}

/// `bytes` for people: "512 MiB", "3.2 GiB", "1.3 TiB".
std::string bytesText(double bytes);

}  // namespace vocloud::core
