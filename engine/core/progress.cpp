#include "core/progress.hpp"

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vocloud::core {

namespace {

std::string formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto const s = static_cast<long long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%llds", s);
  return buffer;
}

}  // namespace

Progress::Progress(Log const& log, std::string label, std::uint64_t total)
    : _log(log),
      _label(std::move(label)),
      _total(total),
      _active(total > 0 && log.enabled(LogLevel::Info)),
      _terminal(isatty(fileno(log.stream())) != 0),
      _start(std::chrono::steady_clock::now()),
      _lastPrint(_start) {}

Progress::~Progress() {
  // A loop left by an exception must not print a misleading 100% line.
  if (_active && _terminal && !_finished) std::fputc('\n', _log.stream());
}

std::string Progress::describe(std::string const& label, std::uint64_t done, std::uint64_t total,
                               double seconds) {
  done = std::min(done, total);
  double const fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1.;
  double const rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.;
  double const eta = rate > 0 ? static_cast<double>(total - done) / rate : -1.;
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "%s %llu/%llu (%.1f%%) %.1f/s ETA %s", label.c_str(),
                static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                100. * fraction, rate, done >= total ? "0s" : formatDuration(eta).c_str());
  return buffer;
}

void Progress::advance(std::uint64_t n) {
  _done += n;
  if (!_active) return;
  auto const now = std::chrono::steady_clock::now();
  double const since = std::chrono::duration<double>(now - _lastPrint).count();
  double const interval = _terminal ? 0.2 : _log.options().progressInterval;
  if (since >= interval) {
    _lastPrint = now;
    print(false);
  }
}

void Progress::setGlobal(std::uint64_t done) {
  _globalAtSync = done;
  _doneAtSync = _done;
}

std::uint64_t Progress::shown() const {
  return std::min(_total, _globalAtSync + (_done - _doneAtSync));
}

void Progress::finish() {
  if (_finished) return;
  _finished = true;
  if (_active) print(true);
}

void Progress::print(bool final) {
  double const seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - _start).count();
  std::uint64_t const done = shown();
  std::string const line = describe(_label, done, _total, seconds);
  if (_terminal) {
    int const width = 30;
    int const filled =
        static_cast<int>(width * static_cast<double>(done) / static_cast<double>(_total));
    std::string bar(static_cast<std::size_t>(std::min(filled, width)), '#');
    bar.resize(width, '.');
    std::fprintf(_log.stream(), "\r[%s] %s%s", bar.c_str(), line.c_str(), final ? "\n" : "");
    std::fflush(_log.stream());
  } else {
    _log.info(line);
  }
}

}  // namespace vocloud::core
