#include "core/reason_tally.hpp"

#include <algorithm>
#include <sstream>

namespace vocloud::core {

namespace {

std::string tokenOf(std::string const& reason) {
  std::string token = reason.substr(0, reason.find(':'));
  return token.empty() ? "unknown" : token;
}

// Tabs and newlines would break the encoding; they become spaces.
std::string oneLine(std::string text) {
  std::replace(text.begin(), text.end(), '\t', ' ');
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

void ReasonTally::add(std::string const& item, std::string const& reason) {
  _counts[tokenOf(reason)] += 1;
  if (_examples.size() < kExamples) _examples.emplace_back(oneLine(item), oneLine(reason));
}

void ReasonTally::merge(ReasonTally const& other) {
  for (auto const& [token, n] : other._counts) _counts[token] += n;
  for (auto const& example : other._examples)
    if (_examples.size() < kExamples) _examples.push_back(example);
}

std::string ReasonTally::encode() const {
  std::string text;
  for (auto const& [token, n] : _counts) text += "c\t" + token + "\t" + std::to_string(n) + "\n";
  for (auto const& [item, reason] : _examples) text += "e\t" + item + "\t" + reason + "\n";
  return text;
}

ReasonTally ReasonTally::decode(std::string const& text) {
  ReasonTally tally;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto const a = line.find('\t'), b = line.find('\t', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string const first = line.substr(a + 1, b - a - 1), second = line.substr(b + 1);
    if (line[0] == 'c')
      tally._counts[first] += std::stoull(second);
    else if (tally._examples.size() < kExamples)
      tally._examples.emplace_back(first, second);
  }
  return tally;
}

std::uint64_t ReasonTally::total() const {
  std::uint64_t n = 0;
  for (auto const& entry : _counts) n += entry.second;
  return n;
}

std::string ReasonTally::countsText() const {
  std::vector<std::pair<std::string, std::uint64_t>> sorted(_counts.begin(), _counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](auto const& a, auto const& b) { return a.second > b.second; });
  std::string text;
  for (auto const& [token, n] : sorted)
    text += (text.empty() ? "" : ", ") + token + " (" + std::to_string(n) + ")";
  return text;
}

std::string ReasonTally::examplesText() const {
  std::string text;
  for (auto const& [item, reason] : _examples) text += "  " + item + ": " + reason + "\n";
  return text;
}

std::string countOf(std::uint64_t n, std::string const& singular, std::string const& plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

}  // namespace vocloud::core
