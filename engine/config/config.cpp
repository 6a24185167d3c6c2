#include "config/config.hpp"

#include "config/suggest.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>

namespace vocloud::config {

namespace {

std::string formatNumber(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  // Shortest form that reads back to the same double.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, x);
    if (std::strtod(shorter, nullptr) == x) return shorter;
  }
  return buffer;
}

std::string describeRange(KeySpec const& spec) {
  auto bound = [&](double v) {
    return spec.type == Type::Int ? std::to_string(static_cast<long long>(v)) : formatNumber(v);
  };
  bool const hasMin = std::isfinite(spec.min), hasMax = std::isfinite(spec.max);
  if (hasMin && hasMax) return "[" + bound(spec.min) + ", " + bound(spec.max) + "]";
  if (hasMin) return ">= " + bound(spec.min);
  if (hasMax) return "<= " + bound(spec.max);
  return "";
}

std::string joinAllowed(std::vector<std::string> const& allowed) {
  std::string text;
  for (auto const& a : allowed) text += (text.empty() ? "" : ", ") + a;
  return text;
}

bool parseDouble(std::string const& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end != nullptr && *end == '\0' && std::isfinite(out);
}

std::string position(std::string const& source, YAML::Mark const& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string scalarText(YAML::Node const& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

// Checks one value against its spec. Returns "" when valid, else the problem text.
std::string convert(KeySpec const& spec, YAML::Node const& node, Value& out) {
  auto const expected = [&](std::string const& what) {
    return std::string("expected ") + what + ", got " + scalarText(node);
  };
  switch (spec.type) {
    case Type::Bool: {
      bool flag = false;
      if (!node.IsScalar() || !YAML::convert<bool>::decode(node, flag)) return expected("true or false");
      out = flag;
      return "";
    }
    case Type::Int:
    case Type::Float: {
      double x = 0;
      if (!node.IsScalar() || !parseDouble(node.Scalar(), x))
        return expected(spec.type == Type::Int ? "an integer" : "a number");
      if (spec.type == Type::Int && (x != std::floor(x) || std::fabs(x) > 9.2e18))
        return expected("an integer");
      if (x < spec.min || x > spec.max)
        return node.Scalar() + " is out of range " + describeRange(spec);
      if (spec.type == Type::Int)
        out = static_cast<std::int64_t>(x);
      else
        out = x;
      return "";
    }
    case Type::String:
      if (!node.IsScalar()) return expected("a string");
      out = node.Scalar();
      return "";
    case Type::Enum:
      if (!node.IsScalar()) return expected("one of: " + joinAllowed(spec.allowed));
      if (std::find(spec.allowed.begin(), spec.allowed.end(), node.Scalar()) == spec.allowed.end()) {
        std::string text = "'" + node.Scalar() + "' is not one of: " + joinAllowed(spec.allowed);
        auto const guess = closestMatch(node.Scalar(), spec.allowed);
        if (!guess.empty()) text += " (did you mean '" + guess + "'?)";
        return text;
      }
      out = node.Scalar();
      return "";
    case Type::EnumList:
    case Type::StringList: {
      if (!node.IsSequence()) return expected("a list");
      std::vector<std::string> items;
      for (auto const& item : node) {
        if (!item.IsScalar()) return "list items must be strings, got " + scalarText(item);
        if (spec.type == Type::EnumList &&
            std::find(spec.allowed.begin(), spec.allowed.end(), item.Scalar()) == spec.allowed.end())
          return "'" + item.Scalar() + "' is not one of: " + joinAllowed(spec.allowed);
        items.push_back(item.Scalar());
      }
      out = std::move(items);
      return "";
    }
  }
  return "unsupported type";
}

class Validator {
public:
  Validator(Schema const& schema, std::string source) : _schema(schema), _source(std::move(source)) {}

  void walk(YAML::Node const& map, std::string const& prefix) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      YAML::Node const& keyNode = it->first;
      YAML::Node const& valueNode = it->second;
      std::string const name = keyNode.IsScalar() ? keyNode.Scalar() : "?";
      std::string const path = prefix.empty() ? name : prefix + "." + name;
      std::string const at = position(_source, keyNode.Mark());
      if (!_seen.insert(path).second) {
        _errors.push_back(at + ": duplicate key '" + path + "'");
        continue;
      }
      if (auto const* spec = _schema.find(path)) {
        Value value;
        std::string const problem = convert(*spec, valueNode, value);
        if (!problem.empty())
          _errors.push_back(position(_source, valueNode.Mark()) + ": " + path + ": " + problem);
        else
          _entries[path] = {std::move(value), position(_source, valueNode.Mark())};
      } else if (_schema.isSection(path)) {
        if (valueNode.IsMap())
          walk(valueNode, path);
        else if (!valueNode.IsNull())
          _errors.push_back(position(_source, valueNode.Mark()) + ": " + path +
                            ": expected a mapping of keys, got " + scalarText(valueNode));
      } else {
        _errors.push_back(at + ": " + unknownKey(path, prefix, name));
      }
    }
  }

  void applyOverride(Override const& o) {
    std::string const at = "--set " + o.path + "=" + o.valueYaml;
    auto const* spec = _schema.find(o.path);
    if (spec == nullptr) {
      auto const dot = o.path.rfind('.');
      std::string const prefix = dot == std::string::npos ? "" : o.path.substr(0, dot);
      std::string const name = dot == std::string::npos ? o.path : o.path.substr(dot + 1);
      if (_schema.isSection(o.path))
        _errors.push_back(at + ": '" + o.path + "' is a section; set one of its keys");
      else
        _errors.push_back(at + ": " + unknownKey(o.path, prefix, name));
      return;
    }
    YAML::Node node;
    try {
      node = YAML::Load(o.valueYaml);
    } catch (YAML::Exception const& e) {
      _errors.push_back(at + ": cannot parse the value: " + e.msg);
      return;
    }
    Value value;
    std::string const problem = convert(*spec, node, value);
    if (!problem.empty())
      _errors.push_back(at + ": " + o.path + ": " + problem);
    else
      _entries[o.path] = {std::move(value), "--set"};
  }

  void fillDefaults() {
    for (auto const& spec : _schema.keys()) {
      if (_entries.count(spec.path)) continue;
      if (spec.required()) {
        _errors.push_back(_source + ": missing required key '" + spec.path + "' (" + spec.doc + ")");
        continue;
      }
      Value value;
      std::string const problem = convert(spec, YAML::Load(spec.defaultYaml), value);
      if (!problem.empty())
        throw Error("config: schema default of '" + spec.path + "' is invalid: " + problem);
      _entries[spec.path] = {std::move(value), "default"};
    }
  }

  std::vector<std::string> const& errors() const { return _errors; }
  std::map<std::string, Config::Entry>& entries() { return _entries; }

private:
  std::string unknownKey(std::string const& path, std::string const& prefix,
                         std::string const& name) const {
    std::string text = "unknown key '" + path + "'";
    std::string guess = closestMatch(name, _schema.childNames(prefix));
    if (!guess.empty()) {
      guess = prefix.empty() ? guess : prefix + "." + guess;
    } else {
      // A right name in the wrong section, or a typo of a full path.
      for (auto const& candidate : _schema.keyPaths()) {
        auto const dot = candidate.rfind('.');
        if (candidate.substr(dot == std::string::npos ? 0 : dot + 1) == name) {
          guess = candidate;
          break;
        }
      }
      if (guess.empty()) guess = closestMatch(path, _schema.keyPaths());
    }
    if (!guess.empty()) text += " (did you mean '" + guess + "'?)";
    return text;
  }

  Schema const& _schema;
  std::string _source;
  std::set<std::string> _seen;
  std::vector<std::string> _errors;
  std::map<std::string, Config::Entry> _entries;
};

Config validate(YAML::Node const& root, std::string const& source,
                std::vector<Override> const& overrides, Schema const& schema) {
  Validator validator(schema, source);
  if (root.IsMap())
    validator.walk(root, "");
  else if (!root.IsNull())
    throw UsageError(source + ":1:1: an experiment must be a YAML mapping of keys");
  for (auto const& o : overrides) validator.applyOverride(o);
  validator.fillDefaults();
  if (!validator.errors().empty()) {
    std::string message = "config: " + std::to_string(validator.errors().size()) +
                          " problem(s) in " + source + ":";
    for (auto const& e : validator.errors()) message += "\n  " + e;
    throw UsageError(message);
  }
  return Config(source, schema, std::move(validator.entries()));
}

}  // namespace

Override parseOverride(std::string const& text) {
  auto const eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--set: expected key.path=value, got '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

std::string valueText(Value const& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return formatNumber(d); }
    std::string operator()(std::string const& s) const {
      YAML::Emitter out;
      out << s;
      return out.c_str();
    }
    std::string operator()(std::vector<std::string> const& list) const {
      YAML::Emitter out;
      out << YAML::Flow << list;
      return out.c_str();
    }
  };
  return std::visit(Visitor{}, value);
}

Config::Config(std::string source, Schema schema, std::map<std::string, Entry> entries)
    : _source(std::move(source)), _schema(std::move(schema)), _entries(std::move(entries)) {}

Config::Entry const& Config::entry(std::string const& path) const {
  auto it = _entries.find(path);
  if (it == _entries.end()) throw Error("config: no key '" + path + "' in the schema");
  return it->second;
}

bool Config::getBool(std::string const& path) const {
  if (auto const* v = std::get_if<bool>(&entry(path).value)) return *v;
  throw Error("config: key '" + path + "' is not a bool");
}

std::int64_t Config::getInt(std::string const& path) const {
  if (auto const* v = std::get_if<std::int64_t>(&entry(path).value)) return *v;
  throw Error("config: key '" + path + "' is not an int");
}

double Config::getDouble(std::string const& path) const {
  auto const& value = entry(path).value;
  if (auto const* v = std::get_if<double>(&value)) return *v;
  if (auto const* v = std::get_if<std::int64_t>(&value)) return static_cast<double>(*v);
  throw Error("config: key '" + path + "' is not a number");
}

std::string const& Config::getString(std::string const& path) const {
  if (auto const* v = std::get_if<std::string>(&entry(path).value)) return *v;
  throw Error("config: key '" + path + "' is not a string");
}

std::vector<std::string> const& Config::getList(std::string const& path) const {
  if (auto const* v = std::get_if<std::vector<std::string>>(&entry(path).value)) return *v;
  throw Error("config: key '" + path + "' is not a list");
}

std::string const& Config::where(std::string const& path) const { return entry(path).where; }

std::string Config::sectionText(std::string const& section) const {
  std::string text;
  for (auto const& spec : _schema.keys()) {
    if (spec.path.compare(0, section.size() + 1, section + ".") != 0 && spec.path != section)
      continue;
    text += spec.path + ": " + valueText(entry(spec.path).value) + "\n";
  }
  return text;
}

std::string Config::effectiveYaml() const {
  // Keys are emitted in schema order, opening and closing sections as the paths change.
  std::ostringstream out;
  std::vector<std::string> open;
  for (auto const& spec : _schema.keys()) {
    std::vector<std::string> parts;
    std::stringstream split(spec.path);
    for (std::string part; std::getline(split, part, '.');) parts.push_back(part);
    std::size_t common = 0;
    while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common])
      ++common;
    open.resize(common);
    for (std::size_t i = common; i + 1 < parts.size(); ++i) {
      out << std::string(2 * i, ' ') << parts[i] << ":\n";
      open.push_back(parts[i]);
    }
    out << std::string(2 * (parts.size() - 1), ' ') << parts.back() << ": "
        << valueText(entry(spec.path).value) << "\n";
  }
  return out.str();
}

Config loadConfigText(std::string const& text, std::string const& name,
                      std::vector<Override> const& overrides, Schema const& schema) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (YAML::ParserException const& e) {
    throw UsageError("config: " + position(name, e.mark) + ": YAML syntax error: " + e.msg);
  }
  return validate(root, name, overrides, schema);
}

Config loadConfigFile(std::string const& path, std::vector<Override> const& overrides,
                      Schema const& schema) {
  std::string text;
  try {
    text = core::readFile(path);
  } catch (Error const&) {
    throw UsageError("config: cannot read experiment file '" + path + "'");
  }
  return loadConfigText(text, path, overrides, schema);
}

}  // namespace vocloud::config
