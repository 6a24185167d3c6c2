#include "config/config.hpp"

#include "config/redact.hpp"
#include "config/suggest.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

namespace vocloud::config {

namespace fs = std::filesystem;

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
      if (!node.IsScalar() || !YAML::convert<bool>::decode(node, flag))
        return expected("true or false");
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
      if (std::find(spec.allowed.begin(), spec.allowed.end(), node.Scalar()) ==
          spec.allowed.end()) {
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
        if (spec.type == Type::EnumList && std::find(spec.allowed.begin(), spec.allowed.end(),
                                                     item.Scalar()) == spec.allowed.end())
          return "'" + item.Scalar() + "' is not one of: " + joinAllowed(spec.allowed);
        items.push_back(item.Scalar());
      }
      out = std::move(items);
      return "";
    }
    case Type::StringMap: {
      std::vector<std::string> items;
      if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
          if (!it->first.IsScalar() || !it->second.IsScalar())
            return "map keys and values must be strings, got " + scalarText(it->second);
          items.push_back(it->first.Scalar() + "=" + it->second.Scalar());
        }
      } else if (node.IsSequence()) {
        for (auto const& item : node) {
          if (!item.IsScalar() || item.Scalar().find('=') == std::string::npos)
            return "expected KEY=VALUE items, got " + scalarText(item);
          items.push_back(item.Scalar());
        }
      } else {
        return expected("a mapping");
      }
      out = std::move(items);
      return "";
    }
    case Type::ObjectList:
      break;  // walked item by item by the Validator
  }
  return "unsupported type";
}

// "acquire.sources[2].kind" -> "acquire.sources[].kind"; the index, if any, in `index`.
std::string schemaPathOf(std::string const& path, long* index = nullptr) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '[') {
      std::size_t const close = path.find(']', i);
      if (close == std::string::npos) return path;
      if (index) *index = std::strtol(path.substr(i + 1, close - i - 1).c_str(), nullptr, 10);
      out += "[]";
      i = close;
    } else {
      out.push_back(path[i]);
    }
  }
  return out;
}

class Validator {
 public:
  Validator(Schema const& schema, std::string source)
      : _schema(schema), _source(std::move(source)) {}

  // Walks a mapping whose keys are declared under `prefix` in the schema and are stored
  // under `storePrefix` (they differ inside list items: "x.list[]" vs "x.list[3]").
  void walk(YAML::Node const& map, std::string const& prefix, std::string const& storePrefix) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      // Copies (a Node is a handle): yaml-cpp's it-> returns a temporary proxy, so a
      // reference to it->first would dangle at the end of the statement.
      YAML::Node const keyNode = it->first;
      YAML::Node const valueNode = it->second;
      std::string const name = keyNode.IsScalar() ? keyNode.Scalar() : "?";
      std::string const path = prefix.empty() ? name : prefix + "." + name;
      std::string const stored = storePrefix.empty() ? name : storePrefix + "." + name;
      std::string const at = position(_source, keyNode.Mark());
      if (!_seen.insert(stored).second) {
        _errors.push_back(at + ": duplicate key '" + stored + "'");
        continue;
      }
      auto const* spec = _schema.find(path);
      if (spec != nullptr && spec->type == Type::ObjectList) {
        walkList(*spec, valueNode, stored);
      } else if (spec != nullptr) {
        Value value;
        std::string const problem = convert(*spec, valueNode, value);
        if (!problem.empty())
          _errors.push_back(position(_source, valueNode.Mark()) + ": " + stored + ": " + problem);
        else
          _entries[stored] = {std::move(value), position(_source, valueNode.Mark())};
      } else if (_schema.isSection(path)) {
        _sections[stored] = at;
        if (valueNode.IsMap())
          walk(valueNode, path, stored);
        else if (!valueNode.IsNull())
          _errors.push_back(position(_source, valueNode.Mark()) + ": " + stored +
                            ": expected a mapping of keys, got " + scalarText(valueNode));
      } else {
        _errors.push_back(at + ": " + unknownKey(stored, prefix, name));
      }
    }
  }

  void walkList(KeySpec const& spec, YAML::Node const& node, std::string const& stored) {
    if (!node.IsSequence() && !node.IsNull()) {
      _errors.push_back(position(_source, node.Mark()) + ": " + stored +
                        ": expected a list of mappings, got " + scalarText(node));
      return;
    }
    std::int64_t count = 0;
    if (node.IsSequence()) {
      for (auto const& item : node) {
        std::string const itemPath = stored + "[" + std::to_string(count) + "]";
        if (!item.IsMap())
          _errors.push_back(position(_source, item.Mark()) + ": " + itemPath +
                            ": expected a mapping of keys, got " + scalarText(item));
        else
          walk(item, spec.path + "[]", itemPath);
        ++count;
      }
    }
    _entries[stored] = {count, position(_source, node.Mark())};
  }

  void applyOverride(Override const& o) {
    std::string const at = "--set " + o.path + "=" + o.valueYaml;
    long index = -1;
    std::string const schemaPath = schemaPathOf(o.path, &index);
    auto const* spec = _schema.find(schemaPath);
    if (spec != nullptr && spec->type == Type::ObjectList) {
      _errors.push_back(
          at +
          ": a list of objects cannot be set on the command line; set one "
          "key of an item, e.g. " +
          o.path + "[0]." +
          (_schema.itemKeys(o.path).empty() ? "key" : leafName(_schema.itemKeys(o.path)[0]->path)));
      return;
    }
    if (spec != nullptr && index >= 0) {
      std::string const list = o.path.substr(0, o.path.find('['));
      auto it = _entries.find(list);
      std::int64_t const count =
          it == _entries.end() ? 0 : std::get<std::int64_t>(it->second.value);
      if (index >= count) {
        _errors.push_back(at + ": '" + list + "' has " + std::to_string(count) +
                          " item(s); there is no item " + std::to_string(index));
        return;
      }
    }
    if (spec == nullptr) {
      auto const dot = schemaPath.rfind('.');
      std::string const prefix = dot == std::string::npos ? "" : schemaPath.substr(0, dot);
      std::string const name = dot == std::string::npos ? schemaPath : schemaPath.substr(dot + 1);
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

  static std::string leafName(std::string const& path) {
    auto const dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
  }

  void fillDefaults() {
    for (auto const& spec : _schema.keys()) {
      if (spec.path.find("[]") != std::string::npos) continue;  // item keys: below
      fillDefault(spec, spec.path, _source);
      if (spec.type != Type::ObjectList) continue;
      auto const it = _entries.find(spec.path);
      std::int64_t const count =
          it == _entries.end() ? 0 : std::get<std::int64_t>(it->second.value);
      for (std::int64_t i = 0; i < count; ++i) {
        std::string const item = spec.path + "[" + std::to_string(i) + "]";
        for (auto const* itemSpec : _schema.itemKeys(spec.path))
          fillDefault(*itemSpec, item + "." + leafName(itemSpec->path), where(item));
      }
    }
  }

  void fillDefault(KeySpec const& spec, std::string const& stored, std::string const& at) {
    if (_entries.count(stored)) return;
    if (spec.type == Type::ObjectList && !spec.required()) {
      _entries[stored] = {std::int64_t(0), "default"};  // an empty list
      return;
    }
    if (spec.required()) {
      _errors.push_back(at + ": missing required key '" + stored + "' (" + spec.doc + ")");
      return;
    }
    Value value;
    std::string const problem = convert(spec, YAML::Load(spec.defaultYaml), value);
    if (!problem.empty())
      throw Error("config: schema default of '" + spec.path + "' is invalid: " + problem);
    _entries[stored] = {std::move(value), "default"};
  }

  // Position of the first key of a list item, for messages about the item as a whole.
  std::string where(std::string const& itemPrefix) const {
    auto it = _entries.lower_bound(itemPrefix + ".");
    if (it != _entries.end() && it->first.compare(0, itemPrefix.size() + 1, itemPrefix + ".") == 0)
      return it->second.where;
    return _source;
  }

  // Relative path values become absolute: those of the file (and defaults) from `base`, the
  // experiment's folder; those of --set from the working directory.
  void resolvePaths(fs::path const& base) {
    for (auto& [stored, entry] : _entries) {
      auto const* spec = _schema.find(schemaPathOf(stored));
      auto* text = std::get_if<std::string>(&entry.value);
      if (spec == nullptr || !spec->isPath || text == nullptr || text->empty()) continue;
      fs::path const value(*text);
      if (value.is_absolute()) continue;
      *text =
          (entry.where == "--set" ? fs::absolute(value) : base / value).lexically_normal().string();
    }
  }

  // The experiment names a folder under `output`: a path would write (and a commit remove)
  // outside it.
  void checkExperimentName() {
    auto const it = _entries.find("experiment");
    auto const* name = it == _entries.end() ? nullptr : std::get_if<std::string>(&it->second.value);
    if (name != nullptr && !isPlainName(*name))
      _errors.push_back(it->second.where + ": experiment: '" + *name +
                        "' is not a plain folder name (no '/', not '.' or '..', not empty): "
                        "outputs go to <output>/<experiment>/");
  }

  std::vector<std::string> const& errors() const { return _errors; }
  std::map<std::string, Config::Entry>& entries() { return _entries; }
  std::map<std::string, std::string>& sections() { return _sections; }

 private:
  std::string unknownKey(std::string const& path, std::string const& prefix,
                         std::string const& name) const {
    std::string text = "unknown key '" + path + "'";
    std::string guess = closestMatch(name, _schema.childNames(prefix));
    if (!guess.empty()) {
      // Suggest with the path as the user wrote it (list items keep their index).
      std::string const written =
          path.size() > name.size() ? path.substr(0, path.size() - name.size() - 1) : "";
      guess = written.empty() ? guess : written + "." + guess;
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
  std::map<std::string, std::string> _sections;  // section path -> "file:line:col"
};

// `baseDir`, when given, is the experiment file's folder: relative paths are resolved.
Config validate(YAML::Node const& root, std::string const& source,
                std::vector<Override> const& overrides, Schema const& schema,
                std::optional<fs::path> const& baseDir = std::nullopt) {
  Validator validator(schema, source);
  if (root.IsMap())
    validator.walk(root, "", "");
  else if (!root.IsNull())
    throw UsageError(source + ":1:1: an experiment must be a YAML mapping of keys");
  for (auto const& o : overrides) validator.applyOverride(o);
  validator.fillDefaults();
  validator.checkExperimentName();
  if (baseDir) validator.resolvePaths(*baseDir);
  if (!validator.errors().empty()) {
    std::string message =
        "config: " + std::to_string(validator.errors().size()) + " problem(s) in " + source + ":";
    for (auto const& e : validator.errors()) message += "\n  " + e;
    throw UsageError(message);
  }
  return Config(source, schema, std::move(validator.entries()), std::move(validator.sections()));
}

}  // namespace

Override parseOverride(std::string const& text) {
  auto const eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--set: expected key.path=value, got '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

DatasetInput datasetInputFrom(Config const& config, std::string const& section, bool withFeatures) {
  DatasetInput out;
  out.input = config.getString(section + ".input");
  out.datasetFile = config.getString(section + ".dataset_file");
  if (out.input == "file" && out.datasetFile.empty())
    throw UsageError("config: " + config.where(section + ".input") + ": " + section +
                     ".input is 'file' but " + section + ".dataset_file is empty");
  if (withFeatures) out.features = config.getString(section + ".features");
  return out;
}

bool isPlainName(std::string const& name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string("/\0", 2)) == std::string::npos;
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

Config::Config(std::string source, Schema schema, std::map<std::string, Entry> entries,
               std::map<std::string, std::string> sections)
    : _source(std::move(source)),
      _schema(std::move(schema)),
      _entries(std::move(entries)),
      _sections(std::move(sections)) {}

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

std::string Config::where(std::string const& path) const {
  auto const it = _entries.find(path);
  if (it == _entries.end() && !_schema.isSection(schemaPathOf(path))) entry(path);  // throws
  if (it != _entries.end() && it->second.where != "default") return it->second.where;
  // A default or a section: the innermost enclosing section written in the file.
  for (std::string section = path; !section.empty();) {
    auto const found = _sections.find(section);
    if (found != _sections.end()) return found->second;
    auto const dot = section.rfind('.');
    section = dot == std::string::npos ? "" : section.substr(0, dot);
  }
  return _source;
}

bool Config::isDefault(std::string const& path) const {
  return entry(path).where == "default";
}

void requireExistingPath(Config const& config, std::string const& key, PathKind kind) {
  std::string const& value = config.getString(key);
  std::error_code ec;
  auto const status = fs::status(value, ec);
  std::string problem;
  if (!fs::exists(status))
    problem = kind == PathKind::Directory ? "no such directory"
              : kind == PathKind::File    ? "no such file"
                                          : "no such file or directory";
  else if (kind == PathKind::Directory && !fs::is_directory(status))
    problem = "not a directory";
  else if (kind == PathKind::File && fs::is_directory(status))
    problem = "a directory, not a file";
  if (!problem.empty())
    throw UsageError("config: " + config.where(key) + ": " + key + ": " + problem + " '" + value +
                     "'");
}

std::size_t Config::count(std::string const& listPath) const {
  if (auto const* v = std::get_if<std::int64_t>(&entry(listPath).value))
    return static_cast<std::size_t>(*v);
  throw Error("config: key '" + listPath + "' is not a list of objects");
}

bool Config::has(std::string const& path) const {
  return _entries.count(path) != 0;
}

namespace {

bool inSection(std::string const& path, std::string const& section) {
  return section.empty() || path == section ||
         path.compare(0, section.size() + 1, section + ".") == 0;
}

// A YAML node of a value that emits as the value reads back (numbers in shortest form).
YAML::Node valueNode(Value const& value) {
  if (auto const* s = std::get_if<std::string>(&value)) return YAML::Node(*s);
  if (auto const* list = std::get_if<std::vector<std::string>>(&value)) {
    YAML::Node node(YAML::NodeType::Sequence);
    node.SetStyle(YAML::EmitterStyle::Flow);
    for (auto const& item : *list) node.push_back(item);
    return node;
  }
  return YAML::Load(valueText(value));
}

}  // namespace

std::string Config::sectionText(std::string const& section) const {
  // Canonical text: schema order; list items in order with their keys in schema order.
  std::string text;
  for (auto const& spec : _schema.keys()) {
    if (spec.path.find("[]") != std::string::npos || !inSection(spec.path, section)) continue;
    text += spec.path + ": " +
            (spec.type == Type::ObjectList ? std::to_string(count(spec.path))
                                           : valueText(entry(spec.path).value)) +
            "\n";
    if (spec.type != Type::ObjectList) continue;
    for (std::size_t i = 0; i < count(spec.path); ++i)
      for (auto const* item : _schema.itemKeys(spec.path)) {
        std::string const leaf = item->path.substr(item->path.rfind('.') + 1);
        std::string const stored = spec.path + "[" + std::to_string(i) + "]." + leaf;
        text += stored + ": " + valueText(entry(stored).value) + "\n";
      }
  }
  return text;
}

std::string Config::effectiveYaml() const {
  YAML::Node root(YAML::NodeType::Map);
  for (auto const& spec : _schema.keys()) {
    if (spec.path.find("[]") != std::string::npos) continue;
    std::vector<std::string> parts;
    std::stringstream split(spec.path);
    for (std::string part; std::getline(split, part, '.');) parts.push_back(part);
    // Nested maps are created in schema order, so the output follows the schema.
    std::vector<YAML::Node> chain{root};
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node next = chain.back()[parts[i]];
      if (!next.IsMap()) next = YAML::Node(YAML::NodeType::Map);
      chain.back()[parts[i]] = next;
      chain.push_back(next);
    }
    if (spec.type != Type::ObjectList) {
      chain.back()[parts.back()] = valueNode(entry(spec.path).value);
      continue;
    }
    YAML::Node list(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < count(spec.path); ++i) {
      YAML::Node item(YAML::NodeType::Map);
      for (auto const* itemSpec : _schema.itemKeys(spec.path)) {
        std::string const leaf = itemSpec->path.substr(itemSpec->path.rfind('.') + 1);
        item[leaf] = valueNode(entry(spec.path + "[" + std::to_string(i) + "]." + leaf).value);
      }
      list.push_back(item);
    }
    chain.back()[parts.back()] = list;
  }
  YAML::Emitter out;
  out << root;
  return redactSecrets(std::string(out.c_str()) + "\n");  // never a password on disk
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
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (YAML::ParserException const& e) {
    throw UsageError("config: " + position(path, e.mark) + ": YAML syntax error: " + e.msg);
  }
  return validate(root, path, overrides, schema, fs::absolute(path).parent_path());
}

}  // namespace vocloud::config
