#include "io/fits_read.hpp"

#include <fitsio.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace vocloud::io::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string trim(std::string const& text) {
  auto const first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  auto const last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

ReadError::Reason reasonForStatus(int status) {
  switch (status) {
    case END_OF_FILE:
    case READ_ERROR:
      return ReadError::Reason::Truncated;
    case COL_NOT_FOUND:
      return ReadError::Reason::MissingColumn;
    default:
      return ReadError::Reason::Unreadable;
  }
}

double sexagesimalDegrees(std::string const& text, bool hours) {
  std::string const t = trim(text);
  if (t.empty()) return kNaN;
  bool const negative = t.front() == '-';
  std::string body = (t.front() == '-' || t.front() == '+') ? t.substr(1) : t;
  for (char& c : body)
    if (c == ':') c = ' ';
  double parts[3] = {0, 0, 0};
  int count = 0;
  char const* cursor = body.c_str();
  while (*cursor != '\0') {
    while (*cursor == ' ') ++cursor;
    if (*cursor == '\0') break;
    if (count == 3) return kNaN;
    char* end = nullptr;
    parts[count] = std::strtod(cursor, &end);
    if (end == cursor || !std::isfinite(parts[count]) || parts[count] < 0) return kNaN;
    ++count;
    cursor = end;
    if (*cursor != ' ' && *cursor != '\0') return kNaN;
  }
  if (count == 0) return kNaN;
  double const value = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  return (negative ? -value : value) * (hours ? 15.0 : 1.0);
}

std::optional<double> angstromsPerUnit(std::string const& unit) {
  std::string u;
  for (char c : lowerCase(unit))
    if (c != ' ') u += c;
  if (u.empty() || u == "angstrom" || u == "angstroms" || u == "aa" || u == "a" ||
      u == "\xc3\xa5" || u == "\xe2\x84\xab" || u == "0.1nm")
    return 1.0;
  if (u == "nm" || u == "nanometer" || u == "nanometers" || u == "nanometre") return 10.0;
  if (u == "um" || u == "\xc2\xb5m" || u == "\xce\xbcm" || u == "micron" || u == "microns" ||
      u == "micrometer" || u == "micrometers" || u == "micrometre")
    return 1e4;
  if (u == "mm") return 1e7;
  if (u == "cm") return 1e8;
  if (u == "m" || u == "meter" || u == "meters" || u == "metre") return 1e10;
  if (u == "pm") return 1e-2;
  return std::nullopt;
}

std::string lowerCase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::vector<double> wavelengthGrid(double crval, double step, double crpix, long long n, bool log10,
                                   double scale) {
  constexpr long long kBlock = 16;
  std::vector<double> wave(static_cast<std::size_t>(std::max(0LL, n)));
  auto exact = [&](long long i) { return crval + step * (static_cast<double>(i) + 1.0 - crpix); };
  if (!log10) {
    for (long long i = 0; i < n; ++i) wave[i] = exact(i) * scale;
    return wave;
  }
  double steps[kBlock];  // 10^(k step): one rounding between exact anchors
  for (long long k = 0; k < kBlock; ++k) steps[k] = powerOfTen(step * static_cast<double>(k));
  for (long long start = 0; start < n; start += kBlock) {
    double const anchor = powerOfTen(exact(start));
    long long const end = std::min(n, start + kBlock);
    for (long long i = start; i < end; ++i) wave[i] = anchor * steps[i - start];
  }
  return wave;
}

std::vector<std::string> lowerCaseWords(std::string const& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::vector<std::string> lowerCaseItems(std::string const& text) {
  if (text.find(',') == std::string::npos) return lowerCaseWords(text);
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item;
    for (auto const& word : lowerCaseWords(text.substr(start, end - start)))
      item += (item.empty() ? "" : " ") + word;
    if (!item.empty()) items.push_back(std::move(item));
    start = end + 1;
  }
  return items;
}

FitsColumn const* findAnyColumn(FitsTable const& table,
                                std::vector<std::string> const& candidates) {
  for (auto const& candidate : candidates)
    if (FitsColumn const* column = table.find(candidate)) return column;
  return nullptr;
}

}  // namespace vocloud::io::detail
