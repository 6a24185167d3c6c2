#include "core/log.hpp"

#include "core/error.hpp"

namespace vocloud::core {

LogLevel parseLogLevel(std::string const& name) {
  if (name == "debug") return LogLevel::Debug;
  if (name == "info") return LogLevel::Info;
  if (name == "warn") return LogLevel::Warn;
  if (name == "error") return LogLevel::Error;
  if (name == "quiet") return LogLevel::Quiet;
  throw Error("log: unknown level '" + name + "' (allowed: debug, info, warn, error, quiet)");
}

Log::Log(int rank, int size, LogOptions options, std::FILE* stream)
    : _rank(rank), _size(size), _options(options), _stream(stream),
      _start(std::chrono::steady_clock::now()) {}

bool Log::enabled(LogLevel level) const {
  if (level < _options.level) return false;
  if (level == LogLevel::Error) return true;
  return _rank == 0 || _options.allRanks;
}

double Log::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - _start).count();
}

void Log::write(LogLevel level, std::string const& message) const {
  if (!enabled(level)) return;
  static char const* const kNames[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};
  // One fprintf per line so that lines of different ranks do not interleave mid-line.
  std::fprintf(_stream, "[vocloud r%d +%.1fs] %s %s\n", _rank, elapsed(),
               kNames[static_cast<int>(level)], message.c_str());
  std::fflush(_stream);
}

}  // namespace vocloud::core
