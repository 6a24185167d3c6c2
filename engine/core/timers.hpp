#pragma once
// Wall-clock timers per named step, written to timings.json by the pipeline.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace vocloud::core {

class Timers {
public:
  /// Adds `seconds` to the step `name` (created on first use, order kept).
  void add(std::string const& name, double seconds);
  /// Steps in the order they were first added, with their total seconds.
  std::vector<std::pair<std::string, double>> const& entries() const { return _entries; }

private:
  std::vector<std::pair<std::string, double>> _entries;
};

/// Adds the lifetime of the scope to a step of a Timers.
class ScopedTimer {
public:
  ScopedTimer(Timers& timers, std::string name)
      : _timers(timers), _name(std::move(name)), _start(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() {
    _timers.add(_name,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - _start).count());
  }
  ScopedTimer(ScopedTimer const&) = delete;
  ScopedTimer& operator=(ScopedTimer const&) = delete;

private:
  Timers& _timers;
  std::string _name;
  std::chrono::steady_clock::time_point _start;
};

}  // namespace vocloud::core
