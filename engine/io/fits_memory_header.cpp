// FitsHeader: keyword index over the cards in the file's buffer (one pass, hash probes),
// value parsing on demand: quoted strings with '' escapes and CONTINUE, logicals, integers,
// floats with D exponents, comments.
#include "io/fits_memory.hpp"
#include "io/fits_read.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace vocloud::io::detail {

namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;

// The 8-character keyword field of a card as one integer (native byte order: only equality
// matters).
std::uint64_t keywordBits(char const* card) {
  std::uint64_t bits;
  std::memcpy(&bits, card, sizeof bits);
  return bits;
}

// A key as it appears in the keyword field: upper case, blank padded to 8 characters.
bool packKey(std::string_view key, std::uint64_t& bits) {
  if (key.size() > 8) return false;
  char field[8];
  std::memset(field, ' ', sizeof field);
  for (std::size_t i = 0; i < key.size(); ++i) {
    char const c = key[i];
    field[i] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  bits = keywordBits(field);
  return true;
}

std::string_view trimView(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Appends the content of the quoted string at text[0] == '\'' ('' -> ') to `out`; returns
// the position just after the closing quote.
std::size_t appendQuoted(std::string_view text, std::string& out) {
  std::size_t i = 1;
  while (i < text.size()) {
    std::size_t const quote = text.find('\'', i);
    if (quote == std::string_view::npos) break;
    out.append(text.substr(i, quote - i));
    if (quote + 1 < text.size() && text[quote + 1] == '\'') {
      out += '\'';
      i = quote + 2;
      continue;
    }
    return quote + 1;
  }
  out.append(text.substr(std::min(i, text.size())));
  return text.size();
}

// The value field of a card (after "= "), leading blanks removed; nothing for commentary
// cards.
std::optional<std::string_view> valueField(std::string_view card) {
  if (card[8] != '=' || card[9] != ' ') return std::nullopt;
  std::size_t start = 10;
  while (start < card.size() && card[start] == ' ') ++start;
  return card.substr(start);
}

// The text of an unquoted value: up to the comment, trimmed.
std::string_view unquotedText(std::string_view field) {
  return trimView(field.substr(0, std::min(field.find('/'), field.size())));
}

}  // namespace

std::optional<double> parseFitsNumber(std::string_view text) {
  text = trimView(text);
  if (text.empty() || text.size() > 80) return std::nullopt;
  char buffer[81] = {};
  std::size_t n = 0;
  for (char c : text) buffer[n++] = c == 'D' || c == 'd' ? 'E' : c;  // Fortran exponents
  char const* first = buffer;
  if (*first == '+') ++first;  // from_chars takes no '+'
  if (first == buffer + n || *first == '+' || (*first == '-' && first != buffer))
    return std::nullopt;
  double value = 0;
  auto const [end, error] = std::from_chars(first, buffer + n, value);
  if (error != std::errc() || end != buffer + n) return std::nullopt;
  return value;
}

FitsHeader::FitsHeader(char const* cards, int count) : _cards(cards), _count(count) {
  std::size_t slots = 16;
  while (slots < 2 * static_cast<std::size_t>(count)) slots *= 2;
  _slots.assign(slots, 0);
  _shift = 64 - __builtin_ctzll(slots);
  std::size_t const mask = slots - 1;
  for (int i = 0; i < count; ++i) {
    std::uint64_t const key = keywordBits(_cards + static_cast<std::size_t>(i) * kFitsCard);
    std::size_t slot = static_cast<std::size_t>((key * kGolden) >> _shift);
    // The first of duplicate keywords wins: stop at an equal key already in the table.
    while (_slots[slot] != 0 &&
           keywordBits(_cards + static_cast<std::size_t>(_slots[slot] - 1) * kFitsCard) != key)
      slot = (slot + 1) & mask;
    if (_slots[slot] == 0) _slots[slot] = i + 1;
  }
}

int FitsHeader::find(std::string_view key) const {
  std::uint64_t bits = 0;
  if (_slots.empty() || !packKey(key, bits)) return -1;
  std::size_t const mask = _slots.size() - 1;
  for (std::size_t slot = static_cast<std::size_t>((bits * kGolden) >> _shift);;
       slot = (slot + 1) & mask) {
    int const entry = _slots[slot];
    if (entry == 0) return -1;
    if (keywordBits(_cards + static_cast<std::size_t>(entry - 1) * kFitsCard) == bits)
      return entry - 1;
  }
}

std::string FitsHeader::textAt(int number, std::string_view field, bool& quoted,
                               std::size_t& end) const {
  quoted = false;
  end = 0;
  if (field.empty()) return {};
  if (field.front() != '\'') {
    end = std::min(field.find('/'), field.size());
    return std::string(trimView(field.substr(0, end)));
  }
  quoted = true;
  // Most strings have no '' and no continuation: one search, one copy.
  std::size_t const close = field.find('\'', 1);
  if (close != std::string_view::npos && (close + 1 >= field.size() || field[close + 1] != '\'')) {
    std::string_view const content = field.substr(1, close - 1);
    if (content.empty() || content.back() != '&') {
      end = close + 1;
      return std::string(trimView(content));
    }
  }
  std::string text;
  end = appendQuoted(field, text);
  // Long strings (the LONGSTRN convention): 'text&' continued by CONTINUE cards.
  for (int next = number + 1; !text.empty() && text.back() == '&' && next < _count; ++next) {
    std::string_view const more = card(next);
    std::size_t const quote = more.find('\'');
    if (more.substr(0, 8) != "CONTINUE" || quote == std::string_view::npos) break;
    text.pop_back();
    appendQuoted(more.substr(quote), text);
  }
  return std::string(trimView(text));
}

std::optional<FitsValue> FitsHeader::valueAt(int number) const {
  auto const field = valueField(card(number));
  if (!field) return std::nullopt;
  FitsValue value;
  std::size_t rest = 0;
  value.text = textAt(number, *field, value.quoted, rest);
  std::size_t const slash = field->find('/', rest);
  if (slash != std::string_view::npos)
    value.comment = std::string(trimView(field->substr(slash + 1)));
  return value;
}

std::optional<std::string_view> FitsHeader::plainStringAt(int number) const {
  auto const field = valueField(card(number));
  if (!field || field->empty() || field->front() != '\'') return std::nullopt;
  std::size_t const close = field->find('\'', 1);
  if (close == std::string_view::npos || (close + 1 < field->size() && (*field)[close + 1] == '\''))
    return std::nullopt;
  std::string_view const content = field->substr(1, close - 1);
  if (!content.empty() && content.back() == '&') return std::nullopt;
  return trimView(content);
}

std::optional<std::string> FitsHeader::stringAt(int number) const {
  auto const field = valueField(card(number));
  if (!field) return std::nullopt;
  bool quoted = false;
  std::size_t end = 0;
  return textAt(number, *field, quoted, end);
}

std::optional<double> FitsHeader::numberAt(int number) const {
  auto const field = valueField(card(number));
  if (!field || field->empty()) return std::nullopt;
  if (field->front() != '\'') return parseFitsNumber(unquotedText(*field));
  auto const value = valueAt(number);  // a quoted number: unescape first
  return parseFitsNumber(value->text);
}

std::optional<std::string> FitsHeader::string(std::string_view key) const {
  int const number = find(key);
  return number < 0 ? std::nullopt : stringAt(number);
}

std::optional<double> FitsHeader::number(std::string_view key) const {
  int const number = find(key);
  return number < 0 ? std::nullopt : numberAt(number);
}

std::optional<long long> FitsHeader::integer(std::string_view key) const {
  int const number = find(key);
  if (number < 0) return std::nullopt;
  auto const field = valueField(card(number));
  if (!field || field->empty()) return std::nullopt;
  if (field->front() != '\'') {
    std::string_view text = unquotedText(*field);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    long long value = 0;
    auto const [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size()) return value;
  }
  // "3904.0" or a quoted integer: a number without a fraction will do.
  auto const value = numberAt(number);
  if (!value || *value != std::floor(*value) || std::abs(*value) > 9.0e18) return std::nullopt;
  return static_cast<long long>(*value);
}

std::optional<bool> FitsHeader::logical(std::string_view key) const {
  int const number = find(key);
  if (number < 0) return std::nullopt;
  auto const field = valueField(card(number));
  if (!field || field->empty() || field->front() == '\'') return std::nullopt;
  std::string_view const text = unquotedText(*field);
  if (text == "T") return true;
  if (text == "F") return false;
  return std::nullopt;
}

std::optional<bool> FitsHeader::flag(std::string_view key) const {
  if (auto const value = logical(key)) return value;
  int const number = find(key);
  if (number < 0) return std::nullopt;
  auto const value = valueAt(number);
  if (!value) return std::nullopt;
  std::string const text = lowerCase(value->text);
  if (text == "t" || text == "true") return true;
  if (text == "f" || text == "false") return false;
  auto const numeric = parseFitsNumber(text);
  if (numeric && (*numeric == 0 || *numeric == 1)) return *numeric == 1;
  return std::nullopt;
}

double FitsHeader::angle(std::string_view key, bool hours) const {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  int const number = find(key);
  if (number < 0) return kNaN;
  auto const value = valueAt(number);
  if (!value || value->text.empty()) return kNaN;
  if (value->quoted) return sexagesimalDegrees(value->text, hours);
  return parseFitsNumber(value->text).value_or(kNaN);
}

std::string FitsHeader::comment(std::string_view key) const {
  int const number = find(key);
  if (number < 0) return {};
  auto value = valueAt(number);
  return value ? std::move(value->comment) : std::string();
}

}  // namespace vocloud::io::detail
