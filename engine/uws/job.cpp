#include "uws/job.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <regex>

namespace vocloud::uws {

namespace {
constexpr std::array<char const*, 10> kNames = {"PENDING",   "QUEUED",  "EXECUTING", "COMPLETED",
                                                "ERROR",     "ABORTED", "UNKNOWN",   "HELD",
                                                "SUSPENDED", "ARCHIVED"};
}

std::string phaseName(Phase phase) {
  return kNames[static_cast<std::size_t>(phase)];
}

std::optional<Phase> parsePhase(std::string const& text) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (text == kNames[i]) return static_cast<Phase>(i);
  return std::nullopt;
}

bool isFinal(Phase phase) {
  return phase == Phase::Completed || phase == Phase::Error || phase == Phase::Aborted ||
         phase == Phase::Archived;
}

bool hasRun(Job const& job) {
  return job.pid > 0 || job.slurmId > 0;
}

double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string isoTime(double epochSeconds) {
  auto const totalMillis = static_cast<long long>(std::llround(epochSeconds * 1000.0));
  auto const whole = static_cast<std::time_t>(totalMillis / 1000);
  int const millis = static_cast<int>(totalMillis % 1000);
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buffer[80];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

std::optional<double> parseIsoTime(std::string const& text) {
  static std::regex const pattern(
      R"((\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return std::nullopt;
  double seconds = static_cast<double>(timegm(&tm));
  if (m[7].matched) seconds += std::stod("0" + m[7].str());
  if (m[8].matched && m[8].str() != "Z") {
    std::string zone = m[8].str();
    int const sign = zone[0] == '-' ? -1 : 1;
    zone.erase(std::remove(zone.begin(), zone.end(), ':'), zone.end());
    int const hours = std::stoi(zone.substr(1, 2)), minutes = std::stoi(zone.substr(3, 2));
    seconds -= sign * (hours * 3600 + minutes * 60);
  }
  return seconds;
}

}  // namespace vocloud::uws
