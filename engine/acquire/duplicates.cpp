#include "acquire/duplicates.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

#include <algorithm>
#include <sstream>
#include <unordered_map>

namespace vocloud::acquire {

namespace {

constexpr std::size_t kShown = 5;  // duplicates named in the warning

std::size_t columnOf(std::vector<std::string> const& names, char const* name,
                     std::string const& file) {
  auto const it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw Error("acquire: " + file + " has no column '" + name + "'");
  return static_cast<std::size_t>(it - names.begin());
}

}  // namespace

std::vector<Duplicate> findDuplicates(std::string const& catalogCsv, std::string const& name) {
  std::istringstream in(catalogCsv);
  std::string line;
  if (!std::getline(in, line)) return {};
  auto const names = core::splitCsvLine(line);
  std::size_t const id = columnOf(names, "id", name), path = columnOf(names, "path", name);
  std::size_t const sha = columnOf(names, "sha256", name);
  std::size_t const object = columnOf(names, "object", name);
  std::size_t const need = std::max({id, path, sha, object}) + 1;
  struct First {
    std::string id, path;
  };
  std::unordered_map<std::string, First> byId, byBytes;
  std::vector<Duplicate> out;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto fields = core::splitCsvLine(line);
    if (fields.size() < need)
      throw Error("acquire: " + name + " line " + std::to_string(number) + " has too few fields");
    First const row{fields[id], fields[path]};
    auto const sameId = byId.emplace(row.id, row);
    auto const sameBytes = fields[sha].empty() ? std::make_pair(byBytes.end(), true)
                                               : byBytes.emplace(fields[sha], row);
    if (!sameId.second)
      out.push_back({row.id, row.path, fields[object], sameId.first->second.id,
                     sameId.first->second.path, "same id"});
    else if (!sameBytes.second)
      out.push_back({row.id, row.path, fields[object], sameBytes.first->second.id,
                     sameBytes.first->second.path, "same bytes"});
  }
  return out;
}

std::uint64_t reportDuplicates(std::string const& bokDir, core::Log const& log) {
  std::string const catalog = bokDir + "/catalog.csv";
  std::vector<Duplicate> const found = findDuplicates(core::readFile(catalog), catalog);
  std::string text = "id,path,object,duplicate_of_id,duplicate_of_path,reason\n";
  std::string shown;
  for (std::size_t i = 0; i < found.size(); ++i) {
    Duplicate const& d = found[i];
    text += core::csvField(d.id) + "," + core::csvField(d.path) + "," + core::csvField(d.object) +
            "," + core::csvField(d.firstId) + "," + core::csvField(d.firstPath) + "," + d.reason +
            "\n";
    if (i < kShown) shown += "\n  " + d.path + " repeats " + d.firstPath + " (" + d.reason + ")";
  }
  core::writeFileAtomic(bokDir + "/duplicates.csv", text);
  if (!found.empty())
    log.warn("acquire: " + std::to_string(found.size()) +
             " spectra repeat an earlier one (listed in duplicates.csv; grouped folds keep "
             "copies together):" +
             shown + (found.size() > kShown ? "\n  ..." : ""));
  return found.size();
}

}  // namespace vocloud::acquire
