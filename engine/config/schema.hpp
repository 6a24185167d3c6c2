#pragma once
// One schema describes every key of an experiment: its type, default, allowed range or
// values, and a one-line doc. Validation, `config explain` and docs/config.md all read it.
#include <limits>
#include <string>
#include <vector>

namespace vocloud::config {

enum class Type { Bool, Int, Float, String, Enum, EnumList, StringList, StringMap, ObjectList };

/// "bool", "int", "float", "string", "enum", "list of enum", "list of string", "map of string",
/// "list of objects".
///
/// A StringMap key holds a YAML mapping of scalars ({0: emission, 3: double_peak}); it is
/// stored, in file order, as a list of "KEY=VALUE" strings (read it with getList), and a list
/// of "KEY=VALUE" strings is accepted for it too.
///
/// An ObjectList key ("acquire.sources") holds a YAML sequence of mappings. The keys of one
/// item are declared under the section "acquire.sources[]" ("acquire.sources[].kind") and
/// stored per item as "acquire.sources[0].kind".
std::string typeName(Type type);

struct KeySpec {
  std::string path;          ///< dotted path, e.g. "synth.count"
  Type type = Type::String;
  std::string defaultYaml;   ///< default as YAML text ("20000", "[synth]"); empty = required
  double min = -std::numeric_limits<double>::infinity();  ///< Int/Float range (inclusive)
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> allowed;  ///< Enum / EnumList values
  std::string doc;           ///< one line
  /// A file or directory: a relative value written in the experiment is taken from the
  /// experiment file's folder, one given with --set from the working directory.
  bool isPath = false;
  bool required() const { return defaultYaml.empty(); }
};

struct SectionSpec {
  std::string path;  ///< "synth", "synth.layouts"; "" is the top level
  std::string doc;
};

class Schema {
public:
  /// Declares a section (a mapping of keys) with its doc.
  Schema& section(std::string path, std::string doc);
  /// Declares a key; its parent sections must be declared first.
  Schema& key(KeySpec spec);

  /// The key with this exact path, or nullptr.
  KeySpec const* find(std::string const& path) const;
  /// True when `path` names a declared section.
  bool isSection(std::string const& path) const;
  /// Names (last path component) of the keys and sections directly under `section`.
  std::vector<std::string> childNames(std::string const& section) const;
  /// Every key path.
  std::vector<std::string> keyPaths() const;
  /// The keys of one item of the ObjectList `listPath` (paths "listPath[].name").
  std::vector<KeySpec const*> itemKeys(std::string const& listPath) const;

  std::vector<KeySpec> const& keys() const { return _keys; }
  std::vector<SectionSpec> const& sections() const { return _sections; }

private:
  std::vector<KeySpec> _keys;
  std::vector<SectionSpec> _sections;
};

/// The schema of a vocloud experiment YAML (every section of every stage).
Schema experimentSchema();

}  // namespace vocloud::config
