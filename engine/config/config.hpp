#pragma once
// A validated experiment: every key of the schema with its value (given or default) and
// where the value came from. Nothing runs before loadConfig* has accepted the file.
#include "config/schema.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace vocloud::config {

/// A `--set key.path=value` override; the value is YAML text.
struct Override {
  std::string path;
  std::string valueYaml;
};

/// Parses "key.path=value"; throws vocloud::UsageError when there is no '=' or no key.
Override parseOverride(std::string const& text);

using Value = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

class Config {
 public:
  /// The file the config came from ("<text>" for in-memory configs).
  std::string const& source() const { return _source; }
  Schema const& schema() const { return _schema; }

  bool getBool(std::string const& path) const;
  std::int64_t getInt(std::string const& path) const;
  /// Float keys; Int keys convert.
  double getDouble(std::string const& path) const;
  /// String and Enum keys.
  std::string const& getString(std::string const& path) const;
  /// EnumList and StringList keys; StringMap keys as "KEY=VALUE" items in file order.
  std::vector<std::string> const& getList(std::string const& path) const;

  /// Number of items of an ObjectList key; their keys are "path[i].name".
  std::size_t count(std::string const& listPath) const;
  /// True when `path` (possibly an item key "list[i].name") has a value.
  bool has(std::string const& path) const;

  /// Where the value of `path` (a key or a section) is set, for messages: "file:line:col",
  /// or "--set". For a default or a section, the position of the innermost enclosing
  /// section written in the file, else the file's name.
  std::string where(std::string const& path) const;
  /// True when `path` was neither in the file nor set with --set.
  bool isDefault(std::string const& path) const;

  /// Canonical "path: value" lines of every key under `section` (schema order), used
  /// for fingerprints: equal text means equal effective parameters.
  std::string sectionText(std::string const& section) const;
  /// The whole effective configuration as YAML (defaults filled in), nested by section,
  /// with secrets (URL passwords, token parameters) redacted: see redactSecrets.
  std::string effectiveYaml() const;

  // Construction goes through loadConfigFile / loadConfigText.
  struct Entry {
    Value value;
    std::string where;
  };
  Config(std::string source, Schema schema, std::map<std::string, Entry> entries,
         std::map<std::string, std::string> sections = {});

 private:
  Entry const& entry(std::string const& path) const;
  std::string _source;
  Schema _schema;
  std::map<std::string, Entry> _entries;
  std::map<std::string, std::string> _sections;  ///< section path -> "file:line:col"
};

/// Reads and validates an experiment file, applies overrides (validated the same way) and
/// fills defaults. Relative values of path keys (KeySpec::isPath) become absolute: from the
/// experiment file's folder when written in the file or defaulted, from the working
/// directory when given with --set. Throws vocloud::UsageError listing every problem as
/// "file:line:col: message" (unknown keys with a "did you mean" suggestion).
Config loadConfigFile(std::string const& path, std::vector<Override> const& overrides = {},
                      Schema const& schema = experimentSchema());

/// As loadConfigFile, for YAML text; `name` stands for the file name in messages. Paths are
/// kept as written.
Config loadConfigText(std::string const& text, std::string const& name,
                      std::vector<Override> const& overrides = {},
                      Schema const& schema = experimentSchema());

/// The data set a learning stage reads: the keys the schema declares for it (input,
/// dataset_file and, for stages that choose one, features).
struct DatasetInput {
  std::string input = "preprocess";  ///< preprocess | file
  std::string datasetFile;           ///< input == file: its dataset.h5
  std::string features = "flux";     ///< flux | pca | wavelet
};

/// Reads `<section>.input`, `.dataset_file` and, with `withFeatures`, `.features`. Throws
/// vocloud::UsageError naming the key when input is file and dataset_file is empty.
DatasetInput datasetInputFrom(Config const& config, std::string const& section,
                              bool withFeatures = true);

enum class PathKind { File, Directory, Any };

/// Throws vocloud::UsageError at the key's position when the path in String key `key` is not
/// an existing file, directory, or either (`kind`).
void requireExistingPath(Config const& config, std::string const& key, PathKind kind);

/// True when `name` is a plain file name: not empty, not "." or "..", no '/' and no NUL
/// (the experiment's folder under `output`).
bool isPlainName(std::string const& name);

/// Text form of a value as it appears in the effective YAML.
std::string valueText(Value const& value);

}  // namespace vocloud::config
