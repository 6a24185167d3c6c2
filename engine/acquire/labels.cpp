#include "acquire/labels.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "io/fits_file.hpp"
#include "io/votable.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace vocloud::acquire {

namespace {

int requireColumn(std::vector<std::string> const& names, std::string const& name,
                  std::string const& path, char const* key) {
  auto const it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  std::string known;
  for (auto const& n : names) known += (known.empty() ? "" : ", ") + n;
  throw Error("acquire: labels file '" + path + "' has no column '" + name + "' (" + key +
              "); its columns: " + known);
}

void addLabel(std::unordered_map<std::string, std::string>& table, std::string const& id,
              std::string const& value, std::string const& path, std::string const& row) {
  auto const [it, fresh] = table.emplace(id, value);
  if (!fresh && it->second != value)
    throw Error("acquire: labels file '" + path + "' " + row + ": id '" + id + "' labelled '" +
                it->second + "' and '" + value + "'");
}

void readCsvLabels(std::string const& text, std::string const& path, std::string const& idColumn,
                   std::string const& labelColumn,
                   std::unordered_map<std::string, std::string>& table) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) throw Error("acquire: labels file '" + path + "' is empty");
  std::vector<std::string> const names = core::splitCsvLine(line);
  int const id = requireColumn(names, idColumn, path, "labels_id_column");
  int const label = requireColumn(names, labelColumn, path, "labels_label_column");
  std::size_t const need = static_cast<std::size_t>(std::max(id, label)) + 1;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> const fields = core::splitCsvLine(line);
    if (fields.size() < need)
      throw Error("acquire: labels file '" + path + "' line " + std::to_string(number) + ": " +
                  std::to_string(fields.size()) + " fields, expected " +
                  std::to_string(names.size()));
    addLabel(table, fields[id], fields[label], path, "line " + std::to_string(number));
  }
}

void readVoTableLabels(std::string const& text, std::string const& path,
                       std::string const& idColumn, std::string const& labelColumn,
                       std::unordered_map<std::string, std::string>& table) {
  io::VoDocument const doc = io::parseVoTable(text, path);
  io::VoTable const& votable = doc.resultsTable();
  std::vector<std::string> names;
  for (auto const& f : votable.fields) names.push_back(f.name);
  int const id = votable.column(idColumn) >= 0
                     ? votable.column(idColumn)
                     : requireColumn(names, idColumn, path, "labels_id_column");
  int const label = votable.column(labelColumn) >= 0
                        ? votable.column(labelColumn)
                        : requireColumn(names, labelColumn, path, "labels_label_column");
  for (std::size_t r = 0; r < votable.rows.size(); ++r)
    addLabel(table, votable.rows[r][id], votable.rows[r][label], path, "row " + std::to_string(r));
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

}  // namespace

std::unordered_map<std::string, std::string> readLabelsFile(std::string const& path,
                                                            std::string const& idColumn,
                                                            std::string const& labelColumn) {
  std::string text;
  try {
    text = core::readFile(path);
  } catch (Error const& e) {
    throw Error("acquire: cannot read labels file '" + path + "': " + e.what());
  }
  std::unordered_map<std::string, std::string> table;
  std::size_t const first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && text[first] == '<')
    readVoTableLabels(text, path, idColumn, labelColumn, table);
  else
    readCsvLabels(text, path, idColumn, labelColumn, table);
  return table;
}

std::optional<std::string> fitsHeaderValue(std::string const& path, std::string const& key) {
  // CFITSIO reads headers lazily (gzip files it inflates); a file it cannot open has no
  // header value.
  std::optional<io::FitsFile> file;
  try {
    file.emplace(io::FitsFile::open(path));
  } catch (Error const&) {
    return std::nullopt;
  }
  int hdus = 0;
  try {
    hdus = file->hduCount();
  } catch (Error const&) {
    return std::nullopt;
  }
  for (int hdu = 1; hdu <= hdus; ++hdu) {
    int type = 0, moved = 0;
    if (fits_movabs_hdu(file->get(), hdu, &type, &moved) != 0) break;  // a truncated tail
    char card[FLEN_VALUE] = {0};
    int status = 0;
    if (fits_read_keyword(file->get(), key.c_str(), card, nullptr, &status) != 0) continue;
    std::string text = trimmed(card);
    if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
      text = text.substr(1, text.size() - 2);
      for (std::size_t q; (q = text.find("''")) != std::string::npos;) text.erase(q, 1);
    }
    return trimmed(text);
  }
  return std::nullopt;
}

std::string folderName(std::string const& path) {
  return std::filesystem::path(path).parent_path().filename().string();
}

Labeller::Labeller(LabelRule rule) : _rule(std::move(rule)) {
  if (!_rule.regex.empty()) _regex.emplace(_rule.regex, std::regex::ECMAScript);
  if (_rule.from == LabelFrom::File)
    _table = readLabelsFile(_rule.file, _rule.idColumn, _rule.labelColumn);
}

std::optional<std::string> Labeller::rawValue(std::string const& planned, std::string const& id,
                                              std::string const& path,
                                              io::SpectrumMeta const& meta) const {
  switch (_rule.from) {
    case LabelFrom::Fixed:
    case LabelFrom::Column:
    case LabelFrom::Folder:
      return planned;
    case LabelFrom::Header: {
      auto value = fitsHeaderValue(path, _rule.header);
      if (value) return value;
      if (_rule.header == "CLASS" && !meta.cls.empty()) return meta.cls;
      if (_rule.header == "SUBCLASS" && !meta.subclass.empty()) return meta.subclass;
      return std::nullopt;
    }
    case LabelFrom::File: {
      auto const it = _table.find(id);
      if (it == _table.end()) return std::nullopt;
      return it->second;
    }
  }
  return std::nullopt;
}

LabelOutcome Labeller::finish(std::string const& raw) const {
  std::string value = raw;
  if (_regex && !value.empty()) {
    std::smatch match;
    if (!std::regex_search(raw, match, *_regex)) return {};
    value = match.size() > 1 && match[1].matched ? match[1].str() : match[0].str();
  }
  switch (_rule.transform) {
    case LabelTransform::None:
      break;
    case LabelTransform::FirstLetter: {
      auto const letter =
          std::find_if(value.begin(), value.end(), [](unsigned char c) { return std::isalpha(c); });
      value = letter == value.end() ? std::string() : std::string(1, *letter);
      break;
    }
    case LabelTransform::Upper:
    case LabelTransform::Lower:
      for (char& c : value)
        c = static_cast<char>(_rule.transform == LabelTransform::Upper
                                  ? std::toupper(static_cast<unsigned char>(c))
                                  : std::tolower(static_cast<unsigned char>(c)));
      break;
  }
  if (value.empty()) return {};
  // An exact entry wins over '*', wherever it stands in the map.
  std::string const* target = nullptr;
  std::string const* other = nullptr;
  for (auto const& [from, to] : _rule.map) {
    if (from == value) target = &to;
    if (from == "*" && other == nullptr) other = &to;
  }
  if (target == nullptr) target = other;
  if (target == nullptr) return {value, false, ""};
  if (*target == kUnlabelled) return {};
  if (*target == kExclude)
    return {"", true,
            "label '" + raw + "' maps to exclude (label_map of the source at " + _rule.where + ")"};
  return {*target, false, ""};
}

}  // namespace vocloud::acquire
