#include "core/timers.hpp"

namespace vocloud::core {

void Timers::add(std::string const& name, double seconds) {
  for (auto& entry : _entries) {
    if (entry.first == name) {
      entry.second += seconds;
      return;
    }
  }
  _entries.emplace_back(name, seconds);
}

}  // namespace vocloud::core
