#pragma once
// How a source labels its spectra: where the raw value comes from (a fixed text, a column
// of the VOTable list, the folder of the file, a FITS header keyword, a labels file joined
// on the catalog id), then an optional regular expression, a transform and a value map
// whose targets may be a label, "unlabelled" (kept without a label) or "exclude" (left out
// of the base of knowledge).
#include "io/spectrum.hpp"

#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vocloud::acquire {

enum class LabelFrom { Fixed, Column, Folder, Header, File };
enum class LabelTransform { None, FirstLetter, Upper, Lower };

/// A label_map target that keeps the spectrum without a label.
inline constexpr char kUnlabelled[] = "unlabelled";
/// A label_map target that leaves the spectrum out of the base of knowledge.
inline constexpr char kExclude[] = "exclude";

struct LabelRule {
  LabelFrom from = LabelFrom::Fixed;
  std::string fixed;                                         ///< Fixed: the label ("" = unlabelled)
  std::string column;                                        ///< Column: the list's column
  std::string header;                                        ///< Header: the FITS keyword
  std::string file, idColumn = "id", labelColumn = "label";  ///< File
  std::string regex;                                         ///< "" = none
  LabelTransform transform = LabelTransform::None;
  std::vector<std::pair<std::string, std::string>> map;  ///< value -> label|unlabelled|exclude
  std::string where;  ///< "file:line:col" of the source, for messages
};

/// The label of one spectrum.
struct LabelOutcome {
  std::string label;      ///< "" = unlabelled
  bool excluded = false;  ///< left out of the base of knowledge
  std::string reason;     ///< why it was excluded
};

/// Reads a labels file: CSV with a header row, or a VOTable (recognised by content), into
/// id -> raw value. Throws vocloud::Error ("acquire: ...") naming the file and the missing
/// column, a short row, or an id given twice with different values.
std::unordered_map<std::string, std::string> readLabelsFile(std::string const& path,
                                                            std::string const& idColumn,
                                                            std::string const& labelColumn);

/// The value of FITS keyword `key` in the first HDU (primary first) whose header has it,
/// without quotes and trailing blanks; nothing when no header has it or the file is not FITS.
/// Opens the file with CFITSIO, which reads headers only.
std::optional<std::string> fitsHeaderValue(std::string const& path, std::string const& key);

/// The name of the folder that holds `path` ("" for a file in the root).
std::string folderName(std::string const& path);

/// Labels the spectra of one source. Built once per source and process: it loads the labels
/// file and compiles the regular expression.
class Labeller {
 public:
  /// Throws vocloud::Error naming the labels file when it cannot be read.
  explicit Labeller(LabelRule rule);

  /// The raw value of one spectrum: `planned` for Fixed, Column and Folder (the plan's
  /// value), the header keyword of the file at `path` (CLASS and SUBCLASS fall back to the
  /// reader's `meta`, as SDSS keeps them in a table), or the labels file's value of `id`.
  /// Nothing when the header or the labels file has no value for it.
  std::optional<std::string> rawValue(std::string const& planned, std::string const& id,
                                      std::string const& path, io::SpectrumMeta const& meta) const;

  /// Applies the regular expression, the transform and the map to a raw value.
  LabelOutcome finish(std::string const& raw) const;

  LabelRule const& rule() const { return _rule; }

 private:
  LabelRule _rule;
  std::optional<std::regex> _regex;
  std::unordered_map<std::string, std::string> _table;
};

}  // namespace vocloud::acquire
