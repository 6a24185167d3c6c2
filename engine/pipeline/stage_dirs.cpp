#include "pipeline/stage_dirs.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "pipeline/manifest.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <optional>

namespace vocloud::pipeline {

namespace fs = std::filesystem;

namespace {

// In the partial folder: the fingerprint it is being computed for. Removed at the commit.
constexpr char kPartialMark[] = ".vocloud-partial";

// The fingerprint a partial folder records; nothing when it records none.
std::optional<std::string> recordedFingerprint(std::string const& partial) {
  std::string const mark = partial + "/" + kPartialMark;
  if (!fs::exists(mark)) return std::nullopt;
  std::string text = core::readFile(mark);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// True when `relative` (a path under the stage folder) lies in one of `dirs`.
bool under(fs::path const& relative, std::vector<std::string> const& dirs) {
  for (auto const& dir : dirs) {
    auto const d = fs::path(dir).lexically_normal();
    auto const [end, _] = std::mismatch(d.begin(), d.end(), relative.begin(), relative.end());
    if (end == d.end()) return true;
  }
  return false;
}

// Removes everything of `partial` except the reusable folders (and the folders above them).
void keepOnly(std::string const& partial, std::vector<std::string> const& reusable) {
  std::vector<fs::path> doomed;
  for (auto it = fs::recursive_directory_iterator(partial);
       it != fs::recursive_directory_iterator(); ++it) {
    fs::path const relative = it->path().lexically_relative(partial);
    if (under(relative, reusable)) {
      it.disable_recursion_pending();
      continue;
    }
    bool const above = std::any_of(reusable.begin(), reusable.end(), [&](std::string const& d) {
      return under(fs::path(d), {relative.string()});
    });
    if (above && it->is_directory() && !it->is_symlink()) continue;  // walk on into it
    doomed.push_back(it->path());
    if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
  }
  for (auto const& path : doomed) core::removeAll(path.string());
}

// Hard-links (or copies) every file of `from` missing in `to`; skips `.part` files, whose
// downloads the new run appends to in place.
void linkMissing(fs::path const& from, fs::path const& to) {
  if (!fs::is_directory(from)) return;
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator();
       ++it) {
    fs::path const target = to / it->path().lexically_relative(from);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (it->is_symlink()) {
      if (!fs::exists(fs::symlink_status(target))) fs::copy_symlink(it->path(), target, ec);
    } else if (it->is_directory()) {
      fs::create_directories(target, ec);
    } else if (it->is_regular_file() && it->path().extension() != ".part" &&
               !fs::exists(fs::symlink_status(target))) {
      fs::create_hard_link(it->path(), target, ec);
      if (ec) {
        ec.clear();
        fs::copy_file(it->path(), target, ec);
      }
    }
    if (ec)
      throw Error("pipeline: cannot take over '" + it->path().string() + "' into '" +
                  target.string() + "': " + ec.message());
  }
}

// True when `partial` is `final` taken over: the same inode, or the same link target.
bool sameFile(fs::path const& partial, fs::path const& final) {
  std::error_code ec;
  if (fs::is_symlink(partial, ec))
    return fs::is_symlink(final, ec) &&
           fs::read_symlink(partial, ec) == fs::read_symlink(final, ec);
  struct stat a {
  }, b{};
  return ::lstat(partial.c_str(), &a) == 0 && ::lstat(final.c_str(), &b) == 0 &&
         a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

// True when no running process holds the lock file `path` (or there is none).
bool unlocked(std::string const& path) {
  int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;
  bool const free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return free;
}

// A resumable stage with no partial folder of its own takes over the one of the layout
// before variants (`<root>/.<stage>.partial`) and, when it has reusable folders (acquire's
// downloads), an interrupted partial folder of another fingerprint that no run computes
// now; preparePartial then keeps of it what may be kept.
void adoptOrphanPartial(StageDirs const& dirs, bool otherFingerprints) {
  if (fs::exists(fs::symlink_status(dirs.partial))) return;
  std::string const legacy = dirs.root + "/." + dirs.name + ".partial";
  std::error_code ec;
  if (fs::is_directory(legacy) && !fs::is_symlink(legacy)) {
    fs::rename(legacy, dirs.partial, ec);
    return;
  }
  if (!otherFingerprints) return;
  std::string const dir = fs::path(dirs.partial).parent_path().string();
  for (auto const& entry : fs::directory_iterator(dir, ec)) {
    std::string const path = entry.path().string();
    std::string const suffix = ".partial";
    if (path.size() <= suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    if (!entry.is_directory() || !unlocked(path.substr(0, path.size() - suffix.size()) + ".lock"))
      continue;
    fs::rename(path, dirs.partial, ec);  // another run may have taken it first
    if (!ec) return;
  }
}

}  // namespace

void pruneTakenOver(StageDirs const& dirs, std::vector<std::string> const& reusableDirs,
                    std::set<std::string> const& named) {
  std::vector<fs::path> unused;
  for (auto const& dir : reusableDirs) {
    fs::path const from = fs::path(dirs.partial) / dir;
    if (!fs::is_directory(from)) continue;
    for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator();
         ++it) {
      if (it->is_directory() && !it->is_symlink()) continue;
      std::string const relative = it->path().lexically_relative(dirs.partial).string();
      if (!named.count(relative) && sameFile(it->path(), fs::path(dirs.final) / relative))
        unused.push_back(it->path());
    }
  }
  for (auto const& path : unused) core::removeAll(path.string());
}

std::string variantsDir(std::string const& root, std::string const& name) {
  return root + "/.variants/" + name;
}

std::string variantName(std::string const& fingerprint) {
  return fingerprint.substr(0, 16);
}

StageDirs stageDirs(std::string const& root, std::string const& name,
                    std::string const& fingerprint) {
  std::string const variant = variantsDir(root, name) + "/" + variantName(fingerprint);
  return {root,
          name,
          root + "/" + name,
          variant,
          variant + ".partial",
          variant + ".old",
          variant + ".lock"};
}

void pointLatest(StageDirs const& dirs) {
  fs::path const target = fs::path(dirs.variant).lexically_relative(dirs.root);
  std::string const temporary =
      dirs.root + "/." + dirs.name + ".link." + std::to_string(::getpid());
  std::error_code ec;
  fs::remove(temporary, ec);
  fs::create_directory_symlink(target, temporary, ec);
  if (!ec) fs::rename(temporary, dirs.final, ec);
  if (ec) {
    fs::remove(temporary);
    throw Error("pipeline: cannot point '" + dirs.final + "' at '" + dirs.variant +
                "': " + ec.message());
  }
}

void adoptLegacy(std::string const& root, std::string const& name) {
  std::string const final = root + "/" + name, old = root + "/." + name + ".old";
  if (fs::exists(fs::symlink_status(old))) {
    if (fs::exists(fs::symlink_status(final)))
      core::removeAll(old);
    else
      fs::rename(old, final);
  }
  if (fs::is_symlink(final) || !fs::is_directory(final)) return;
  auto const manifest = readManifest(final);
  if (!manifest)
    throw Error("pipeline: '" + final + "' is a folder without its " + kManifest +
                " (not a complete stage output): move it away");
  StageDirs const dirs = stageDirs(root, name, manifest->fingerprint);
  core::makeDirectories(variantsDir(root, name));
  if (fs::exists(fs::symlink_status(dirs.variant)))
    core::removeAll(final);  // the same fingerprint's output is already kept
  else
    fs::rename(final, dirs.variant);
  pointLatest(dirs);
}

void recoverCommit(StageDirs const& dirs) {
  if (!fs::exists(fs::symlink_status(dirs.old))) return;
  if (fs::exists(fs::symlink_status(dirs.variant)))
    core::removeAll(dirs.old);
  else
    fs::rename(dirs.old, dirs.variant);
}

void preparePartial(StageDirs const& dirs, PartialPlan const& plan) {
  if (plan.resumable) adoptOrphanPartial(dirs, !plan.reusableDirs.empty());
  if (fs::exists(fs::symlink_status(dirs.partial))) {
    auto const recorded = recordedFingerprint(dirs.partial);
    bool const same = !recorded || *recorded == plan.fingerprint;
    if (!plan.resumable)
      core::removeAll(dirs.partial);
    else if (plan.fresh || (!same && !plan.resume))
      keepOnly(dirs.partial, plan.reusableDirs);
  }
  core::makeDirectories(dirs.partial);
  core::writeFileAtomic(dirs.partial + "/" + kPartialMark, plan.fingerprint + "\n");
  if (!plan.resumable) return;
  // The latest complete output of the stage, whatever its fingerprint (acquire: files
  // already fetched).
  for (auto const& dir : plan.reusableDirs)
    linkMissing(fs::path(dirs.final) / dir, fs::path(dirs.partial) / dir);
}

void commitPartial(StageDirs const& dirs) {
  core::removeAll(dirs.partial + "/" + kPartialMark);
  core::removeAll(dirs.old);
  if (fs::exists(fs::symlink_status(dirs.variant))) fs::rename(dirs.variant, dirs.old);
  fs::rename(dirs.partial, dirs.variant);
  core::removeAll(dirs.old);
  pointLatest(dirs);
}

}  // namespace vocloud::pipeline
