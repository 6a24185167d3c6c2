#pragma once
// Levelled logging with a rank prefix. Only rank 0 prints unless allRanks is set;
// errors are printed by whichever rank has them.
#include <chrono>
#include <cstdio>
#include <string>

namespace vocloud::core {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3, Quiet = 4 };

/// Parses "debug", "info", "warn", "error", "quiet"; throws vocloud::Error otherwise.
LogLevel parseLogLevel(std::string const& name);

struct LogOptions {
  LogLevel level = LogLevel::Info;
  bool allRanks = false;          ///< print from every rank, not only rank 0
  double progressInterval = 10.;  ///< seconds between plain progress lines (non-terminal)
};

/// A logger for one rank. Lines look like `[vocloud r0 +12.3s] INFO  message` on stderr.
class Log {
public:
  Log(int rank, int size, LogOptions options = {}, std::FILE* stream = stderr);

  void debug(std::string const& message) const { write(LogLevel::Debug, message); }
  void info(std::string const& message) const { write(LogLevel::Info, message); }
  void warn(std::string const& message) const { write(LogLevel::Warn, message); }
  void error(std::string const& message) const { write(LogLevel::Error, message); }

  /// True when a message at this level would be printed by this rank.
  bool enabled(LogLevel level) const;
  int rank() const { return _rank; }
  int size() const { return _size; }
  LogOptions const& options() const { return _options; }
  std::FILE* stream() const { return _stream; }
  /// Seconds since the logger was created.
  double elapsed() const;

private:
  void write(LogLevel level, std::string const& message) const;

  int _rank;
  int _size;
  LogOptions _options;
  std::FILE* _stream;
  std::chrono::steady_clock::time_point _start;
};

}  // namespace vocloud::core
