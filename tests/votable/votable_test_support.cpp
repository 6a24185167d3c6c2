#include "votable_test_support.hpp"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include "support/test_shell.hpp"

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace vocloud::io::test {

namespace fs = std::filesystem;

namespace {

using vocloud::test::python;
using vocloud::test::quote;
using vocloud::test::run;

std::string script() {
  return std::string(VOCLOUD_VOTABLE_TEST_DIR) + "/astropy_votable.py";
}

std::vector<std::string> tokens(std::string const& text, bool bits) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    if (bits)
      for (char c : token) out.emplace_back(1, c);  // TABLEDATA may write bits unseparated
    else
      out.push_back(token);
  }
  return out;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool parseDouble(std::string const& text, double& value) {
  std::string const l = lower(text);
  if (l == "nan" || l == "+nan" || l == "-nan") {
    value = std::nan("");
    return true;
  }
  if (l == "inf" || l == "+inf" || l == "infinity" || l == "+infinity") {
    value = HUGE_VAL;
    return true;
  }
  if (l == "-inf" || l == "-infinity") {
    value = -HUGE_VAL;
    return true;
  }
  std::string_view v = text;
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  auto const r = std::from_chars(v.data(), v.data() + v.size(), value);
  return !v.empty() && r.ec == std::errc() && r.ptr == v.data() + v.size();
}

bool parseInteger(std::string const& text, long long& value) {
  try {
    std::size_t used = 0;
    bool const hex = text.find("0x") != std::string::npos || text.find("0X") != std::string::npos;
    value = hex ? static_cast<long long>(std::stoull(text, &used, 16)) : std::stoll(text, &used);
    return used == text.size();
  } catch (std::exception const&) {
    return false;
  }
}

bool isFloatType(std::string const& datatype) {
  return datatype == "float" || datatype == "double" || datatype == "floatComplex" ||
         datatype == "doubleComplex";
}

bool isNullToken(VoField const& field, std::string const& token) {
  double d = 0;
  if (isFloatType(field.datatype)) return parseDouble(token, d) && std::isnan(d);
  if (field.datatype == "boolean") return token == "?" || token == " ";
  long long i = 0, null = 0;
  return !field.values.null.empty() && parseInteger(token, i) &&
         parseInteger(field.values.null, null) && i == null;
}

// Whether two non-null element tokens hold the same value of the field's type.
bool sameToken(VoField const& field, std::string const& a, std::string const& b) {
  std::string const& type = field.datatype;
  if (type == "boolean") {
    auto norm = [](std::string const& t) {
      std::string const l = lower(t);
      return l == "t" || l == "true" || l == "1"    ? 'T'
             : l == "f" || l == "false" || l == "0" ? 'F'
                                                    : '?';
    };
    return norm(a) == norm(b);
  }
  if (type == "bit") {  // astropy reads bits as booleans
    auto norm = [](std::string const& t) {
      return t == "1" || t == "T" ? '1' : t == "0" || t == "F" ? '0' : '?';
    };
    return norm(a) == norm(b) && norm(a) != '?';
  }
  if (isFloatType(type)) {
    double x = 0, y = 0;
    if (!parseDouble(a, x) || !parseDouble(b, y)) return false;
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    if (type == "float" || type == "floatComplex")
      return static_cast<float>(x) == static_cast<float>(y);
    return x == y;
  }
  long long x = 0, y = 0;
  return parseInteger(a, x) && parseInteger(b, y) && x == y;
}

std::string where(std::size_t row, VoField const& field) {
  return "row " + std::to_string(row + 1) + " column '" + field.name + "'";
}

// "" when our cell equals astropy's.
std::string compareCell(VoField const& field, std::string const& ours, YAML::Node const& ref) {
  bool const text = field.datatype == "char" || field.datatype == "unicodeChar";
  if (ref.IsNull()) {
    if (ours.empty()) return {};
    if (text) return "'" + ours + "' where astropy has a null";
    for (auto const& t : tokens(ours, field.datatype == "bit"))
      if (!isNullToken(field, t)) return "'" + ours + "' where astropy has a null";
    return {};
  }
  if (text) {
    std::string const theirs = ref.as<std::string>();
    return ours == theirs ? std::string() : "'" + ours + "' != astropy '" + theirs + "'";
  }
  auto const mine = tokens(ours, field.datatype == "bit");
  if (mine.size() != ref.size()) {
    bool allNull = true;  // an empty cell is a null array
    for (auto const& item : ref) allNull = allNull && item.IsNull();
    if (mine.empty() && allNull) return {};
    return "'" + ours + "' has " + std::to_string(mine.size()) + " values, astropy " +
           std::to_string(ref.size());
  }
  for (std::size_t i = 0; i < mine.size(); ++i) {
    YAML::Node const item = ref[i];
    bool const same = item.IsNull() ? isNullToken(field, mine[i])
                                    : sameToken(field, mine[i], item.as<std::string>());
    if (!same)
      return "'" + ours + "' element " + std::to_string(i) + " != astropy " +
             (item.IsNull() ? std::string("null") : item.as<std::string>());
  }
  return {};
}

}  // namespace

std::string formatsDir() {
  char const* shared = std::getenv("VOCLOUD_SHARED_DATA");
  if (shared == nullptr)
    throw std::runtime_error("VOCLOUD_SHARED_DATA is not set (run under ctest)");
  return std::string(shared) + "/real/formats";
}

std::string scratchDir() {
  // Removed when the test process ends.
  static vocloud::test::ScratchDir scratch("votable-test");
  return scratch.path.string();
}

YAML::Node astropy(std::string const& command, std::string const& path) {
  static int counter = 0;
  std::string const out = scratchDir() + "/astropy-" + std::to_string(++counter) + ".json";
  run(python() + " " + quote(script()) + " " + command + " " + quote(path) + " " + quote(out));
  return YAML::LoadFile(out);
}

void makeSpectrum(std::string const& path) {
  run(python() + " " + quote(script()) + " make-spectrum " + quote(path));
}

void makeMixedTables(std::string const& folder) {
  run(python() + " " + quote(script()) + " make-mixed " + quote(folder));
}

double number(YAML::Node const& token) {
  double value = 0;
  if (!parseDouble(token.as<std::string>(), value))
    throw std::runtime_error("bad reference number '" + token.as<std::string>() + "'");
  return value;
}

std::vector<std::string> compareWithAstropy(VoTable const& table, YAML::Node const& results) {
  std::vector<std::string> out;
  YAML::Node const fields = results["fields"];
  if (fields.size() != table.fields.size()) {
    out.push_back(std::to_string(table.fields.size()) + " FIELDs, astropy " +
                  std::to_string(fields.size()));
    return out;
  }
  for (std::size_t i = 0; i < table.fields.size(); ++i) {
    VoField const& f = table.fields[i];
    YAML::Node const r = fields[i];
    auto check = [&](char const* key, std::string const& mine) {
      std::string const theirs = r[key].as<std::string>();
      if (mine != theirs)
        out.push_back("FIELD " + std::to_string(i + 1) + " " + key + " '" + mine +
                      "' != astropy '" + theirs + "'");
    };
    check("name", f.name);
    if (!f.id.empty()) check("ID", f.id);  // astropy makes IDs up from names
    check("datatype", f.datatype);
    check("arraysize", f.arraysize);
    check("ucd", f.ucd);
    check("utype", f.utype);
  }
  YAML::Node const rows = results["rows"];
  if (rows.size() != table.rows.size()) {
    out.push_back(std::to_string(table.rows.size()) + " rows, astropy " +
                  std::to_string(rows.size()));
    return out;
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r)
    for (std::size_t c = 0; c < table.fields.size(); ++c) {
      std::string const diff = compareCell(table.fields[c], table.rows[r][c], rows[r][c]);
      if (!diff.empty()) out.push_back(where(r, table.fields[c]) + ": " + diff);
    }
  return out;
}

std::vector<std::string> compareTables(VoTable const& a, VoTable const& b) {
  std::vector<std::string> out;
  if (a.fields.size() != b.fields.size() || a.rows.size() != b.rows.size()) {
    out.push_back(std::to_string(a.fields.size()) + "x" + std::to_string(a.rows.size()) +
                  " table vs " + std::to_string(b.fields.size()) + "x" +
                  std::to_string(b.rows.size()));
    return out;
  }
  for (std::size_t r = 0; r < a.rows.size(); ++r)
    for (std::size_t c = 0; c < a.fields.size(); ++c) {
      VoField const& field = a.fields[c];
      std::string const& x = a.rows[r][c];
      std::string const& y = b.rows[r][c];
      if (x == y) continue;
      bool const text = field.datatype == "char" || field.datatype == "unicodeChar";
      auto const tx = tokens(x, field.datatype == "bit");
      auto const ty = tokens(y, field.datatype == "bit");
      bool same = !text && tx.size() == ty.size();
      for (std::size_t i = 0; same && i < tx.size(); ++i)
        same = sameToken(field, tx[i], ty[i]) ||
               (isNullToken(field, tx[i]) && isNullToken(b.fields[c], ty[i]));
      if (!text && !same && (x.empty() || y.empty())) {
        // A null cell equals an all-null one ("" vs "NaN NaN").
        same = true;
        for (auto const& t : x.empty() ? ty : tx) same = same && isNullToken(field, t);
      }
      if (!same) out.push_back(where(r, field) + ": '" + x + "' != '" + y + "'");
    }
  return out;
}

std::string votlint(std::string const& path) {
  char const* given = std::getenv("VOCLOUD_STILTS");
  std::string const stilts = given != nullptr ? given : "stilts";
  std::string const command = stilts + " votlint " + quote(path) + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string output;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0) output.append(buffer, n);
  int const rc = pclose(pipe.release());
  // votlint exits 0 even when it reports errors; a non-zero status means it did not run.
  if (rc != 0)
    throw std::runtime_error("'" + command + "' failed (status " + std::to_string(rc) +
                             "; install Debian's stilts or set VOCLOUD_STILTS): " + output);
  return output;
}

std::vector<std::string> problemLines(std::string const& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.find("ERROR") != std::string::npos || line.find("WARNING") != std::string::npos)
      out.push_back(line);
  return out;
}

std::string readText(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void writeText(std::string const& path, std::string const& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace vocloud::io::test
