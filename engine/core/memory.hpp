#pragma once
// What the host can give: a stage estimates the memory it will need and refuses to start
// when the host cannot hold it, instead of dying of std::bad_alloc (or the OOM killer) later.
#include <cstdint>
#include <string>

namespace vocloud::core {

/// Memory this host can still give to processes (MemAvailable of /proc/meminfo), in bytes;
/// 0 when it cannot be read.
std::uint64_t availableMemoryBytes();

/// `bytes` for people: "512 MiB", "3.2 GiB", "1.3 TiB".
std::string bytesText(double bytes);

}  // namespace vocloud::core
