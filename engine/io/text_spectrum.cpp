// CSV/TXT/ASC spectra: 2 or 3 numeric columns (wavelength Å, flux[, 1-sigma error]),
// separated by commas, semicolons or blanks. Comment lines (# % ! ; // \ |) and header
// lines before the data are skipped; a header (or a commented one) whose names match the
// usual column names picks the columns, and names an inverse-variance third column.
#include "io/layout_readers.hpp"
#include "io/read_error.hpp"

#include <charconv>
#include <string_view>

namespace vocloud::io::detail {

namespace {

std::string_view trimView(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

bool isComment(std::string_view line) {
  char const c = line.front();
  return c == '#' || c == '%' || c == '!' || c == ';' || c == '\\' || c == '|' ||
         line.rfind("//", 0) == 0;
}

// Splits on commas when the line has any, else on semicolons, else on runs of blanks.
void splitFields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  char separator = ' ';
  if (line.find(',') != std::string_view::npos)
    separator = ',';
  else if (line.find(';') != std::string_view::npos)
    separator = ';';
  if (separator != ' ') {
    std::size_t start = 0;
    while (true) {
      std::size_t const end = line.find(separator, start);
      fields.push_back(trimView(line.substr(start, end - start)));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    return;
  }
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t const start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
}

// A number, also quoted as CSV writers may quote every field ("6562.8").
bool parseNumber(std::string_view text, double& value) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front())
    text = trimView(text.substr(1, text.size() - 2));
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto const result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

std::string columnName(std::string_view field) {
  std::string name(field);
  while (!name.empty() && (name.front() == '"' || name.front() == '\'')) name.erase(0, 1);
  while (!name.empty() && (name.back() == '"' || name.back() == '\'')) name.pop_back();
  // "wave(A)" or "flux [erg/s/cm2/A]": the name without its unit
  auto const unit = name.find_first_of("([");
  if (unit != std::string::npos && unit > 0) name.erase(unit);
  return lowerCase(std::string(trimView(name)));
}

int indexOf(std::vector<std::string> const& header, std::string const& given,
            std::vector<std::string> const& usual) {
  std::vector<std::string> wanted = usual;
  if (!given.empty()) wanted.insert(wanted.begin(), lowerCase(given));
  for (auto const& name : wanted)
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

void readTextSpectrum(std::string const& path, std::string const& content,
                      ReadOptions const& options, Spectrum& out) {
  std::vector<double> values;
  std::vector<std::string> header;
  std::vector<std::string_view> fields;
  std::size_t columns = 0, lineNumber = 0, pos = 0;
  values.reserve(content.size() / 8);
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    if (end == std::string::npos) end = content.size();
    std::string_view line = trimView(std::string_view(content).substr(pos, end - pos));
    pos = end + 1;
    ++lineNumber;
    if (line.empty()) continue;
    bool const comment = isComment(line);
    if (comment) {
      if (columns != 0) continue;
      while (!line.empty() && isComment(line)) line = trimView(line.substr(1));
      if (line.empty()) continue;
    }
    splitFields(line, fields);
    std::size_t parsed = 0;
    double value = 0;
    std::size_t const before = values.size();
    for (auto field : fields) {
      if (!parseNumber(field, value)) break;
      values.push_back(value);
      ++parsed;
    }
    if (parsed == fields.size() && !comment) {
      if (columns == 0) {
        columns = parsed;
        if (columns < 2)
          throw ReadError(ReadError::Reason::UnknownLayout, path,
                          "line " + std::to_string(lineNumber) +
                              " has one number; a text spectrum needs wavelength and flux "
                              "columns");
      } else if (parsed != columns) {
        throw ReadError(ReadError::Reason::WrongSizes, path,
                        "line " + std::to_string(lineNumber) + " has " + std::to_string(parsed) +
                            " values, the first data line " + std::to_string(columns));
      }
      continue;
    }
    values.resize(before);
    if (columns != 0 && !comment)
      throw ReadError(ReadError::Reason::Unreadable, path,
                      "line " + std::to_string(lineNumber) + ": '" + std::string(fields[parsed]) +
                          "' is not a number");
    if (parsed == 0 && fields.size() >= 2) {  // a (possibly commented) header line
      header.clear();
      for (auto field : fields) header.push_back(columnName(field));
    }
  }
  if (columns == 0) throw ReadError(ReadError::Reason::ZeroLength, path, "no numeric data lines");

  int wave = 0, flux = 1, ivar = -1, error = columns >= 3 ? 2 : -1;
  if (header.size() == columns) {
    int const namedWave = indexOf(header, options.waveColumn, waveColumnNames());
    int const namedFlux = indexOf(header, options.fluxColumn, fluxColumnNames());
    if (namedWave >= 0 && namedFlux >= 0) {
      wave = namedWave;
      flux = namedFlux;
      ivar = indexOf(header, options.ivarColumn, ivarColumnNames());
      error = ivar >= 0 ? -1 : indexOf(header, options.errorColumn, errorColumnNames());
    } else if (columns >= 3 && indexOf(header, options.ivarColumn, ivarColumnNames()) == 2) {
      ivar = 2;
      error = -1;
    }
  }

  std::size_t const rows = values.size() / columns;
  auto column = [&](int c) {
    std::vector<double> data(rows);
    for (std::size_t r = 0; r < rows; ++r) data[r] = values[r * columns + c];
    return data;
  };
  out.wave = column(wave);
  std::vector<double> const fluxValues = column(flux);
  out.flux.assign(fluxValues.begin(), fluxValues.end());
  if (ivar >= 0) {
    std::vector<double> const ivarValues = column(ivar);
    out.ivar.assign(ivarValues.begin(), ivarValues.end());
  } else if (error >= 0) {
    out.ivar = ivarFromError(column(error));
  }
  out.frame = WavelengthFrame::Unknown;
}

}  // namespace vocloud::io::detail
