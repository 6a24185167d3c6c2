#include "config/schema.hpp"

#include "core/error.hpp"

namespace vocloud::config {

namespace {

std::string parentOf(std::string const& path) {
  auto const dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

std::string leafOf(std::string const& path) {
  auto const dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

}  // namespace

std::string typeName(Type type) {
  switch (type) {
    case Type::Bool: return "bool";
    case Type::Int: return "int";
    case Type::Float: return "float";
    case Type::String: return "string";
    case Type::Enum: return "enum";
    case Type::EnumList: return "list of enum";
    case Type::StringList: return "list of string";
    case Type::StringMap: return "map of string";
    case Type::ObjectList: return "list of objects";
  }
  return "?";
}

Schema& Schema::section(std::string path, std::string doc) {
  if (!path.empty() && !isSection(parentOf(path)))
    throw Error("config: schema section '" + path + "' declared before its parent");
  _sections.push_back({std::move(path), std::move(doc)});
  return *this;
}

Schema& Schema::key(KeySpec spec) {
  if (!isSection(parentOf(spec.path)))
    throw Error("config: schema key '" + spec.path + "' has no declared section");
  if (find(spec.path) != nullptr) throw Error("config: schema key '" + spec.path + "' declared twice");
  _keys.push_back(std::move(spec));
  return *this;
}

KeySpec const* Schema::find(std::string const& path) const {
  for (auto const& spec : _keys)
    if (spec.path == path) return &spec;
  return nullptr;
}

bool Schema::isSection(std::string const& path) const {
  if (path.empty()) return true;
  for (auto const& section : _sections)
    if (section.path == path) return true;
  return false;
}

std::vector<std::string> Schema::childNames(std::string const& section) const {
  std::vector<std::string> names;
  for (auto const& s : _sections)
    if (!s.path.empty() && parentOf(s.path) == section) names.push_back(leafOf(s.path));
  for (auto const& k : _keys)
    if (parentOf(k.path) == section) names.push_back(leafOf(k.path));
  return names;
}

std::vector<KeySpec const*> Schema::itemKeys(std::string const& listPath) const {
  std::vector<KeySpec const*> keys;
  for (auto const& k : _keys)
    if (parentOf(k.path) == listPath + "[]") keys.push_back(&k);
  return keys;
}

std::vector<std::string> Schema::keyPaths() const {
  std::vector<std::string> paths;
  for (auto const& k : _keys) paths.push_back(k.path);
  return paths;
}

}  // namespace vocloud::config
