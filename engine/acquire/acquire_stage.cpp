#include "acquire/acquire_stage.hpp"

#include "acquire/duplicates.hpp"
#include "acquire/labels.hpp"
#include "acquire/plan.hpp"
#include "comm/shard.hpp"
#include "config/redact.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "core/progress.hpp"
#include "core/reason_tally.hpp"
#include "io/read_error.hpp"
#include "io/reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace vocloud::acquire {

namespace fs = std::filesystem;

namespace {

// Items per rank and round: bounds the rows a rank holds before a collective append.
constexpr std::uint64_t kRoundBlock = 256;

std::string number(double x, char const* format) {
  if (!std::isfinite(x)) return "";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, format, x);
  return buffer;
}

// Where an item came from, as catalogs and logs show it (secrets redacted).
std::string sourceUrl(Item const& item) {
  return config::redactSecrets(item.remote ? item.location : "file://" + item.location);
}

// Moves a placed file that was rejected out of files/ to rejected/ (same relative path),
// so that files/ holds only what the catalog lists; returns its path relative to the BoK.
std::string setAside(std::string const& bokDir, std::string const& relative) {
  std::string const kept = "rejected/" + relative.substr(std::string("files/").size());
  std::error_code ec;
  fs::create_directories(fs::path(bokDir + "/" + kept).parent_path(), ec);
  fs::rename(bokDir + "/" + relative, bokDir + "/" + kept, ec);
  if (ec) {
    fs::remove(bokDir + "/" + relative, ec);
    return "";
  }
  return kept;
}

std::string rejectRow(Item const& item, std::string const& status, std::string const& error,
                      int attempts) {
  return csvField(item.id) + "," + csvField(sourceUrl(item)) + "," + csvField(status) + "," +
         csvField(error) + "," + std::to_string(attempts) + "\n";
}

// Places a local file into the BoK by copy, hard link (copy across file systems) or symlink.
// Returns false when the destination was already complete.
bool placeLocal(Item const& item, std::string const& dest) {
  std::error_code ec;
  if (fs::exists(dest, ec) && (item.mode == LocalMode::Symlink ||
                               fs::file_size(dest, ec) == fs::file_size(item.location, ec)))
    return false;
  fs::create_directories(fs::path(dest).parent_path(), ec);
  std::string const temporary = dest + ".part";
  fs::remove(temporary, ec);
  switch (item.mode) {
    case LocalMode::Symlink:
      fs::create_symlink(item.location, temporary, ec);
      break;
    case LocalMode::Link:
      fs::create_hard_link(item.location, temporary, ec);
      if (!ec) break;
      ec.clear();
      [[fallthrough]];
    case LocalMode::Copy:
      fs::copy_file(item.location, temporary, fs::copy_options::overwrite_existing, ec);
      break;
  }
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);  // no half-copied .part stays in files/
    throw Error("acquire: cannot place '" + item.location + "' at '" + dest + "': " + ec.message());
  }
  fs::rename(temporary, dest, ec);
  if (ec) throw Error("acquire: cannot rename '" + temporary + "': " + ec.message());
  return true;
}

// The catalog id of a placed file: a file's own identifier when its reader found one
// (Ondřejov DS_IDPUB or FILENAME, LAMOST OBSID, SDSS spec-PLATE-MJD-FIBER), so that labels
// files, `vocloud inspect` and the catalog agree; else the plan's id (the file's stem).
// Spectra from a list (votable, ssap) keep the list's id.
std::string catalogId(Item const& item, SourceKind kind, io::Spectrum const& spectrum,
                      std::string const& path) {
  bool const fromList = kind == SourceKind::VoTableList || kind == SourceKind::Ssap;
  if (fromList || spectrum.meta.id.empty()) return item.id;
  if (spectrum.meta.id == detail::stemOf(path) || spectrum.meta.id == detail::stemOf(item.location))
    return item.id;  // the reader's fallback, the file name: keep the plan's
  return spectrum.meta.id;
}

// The labellers of every source, built once per process.
std::vector<Labeller> makeLabellers(AcquireConfig const& config) {
  std::vector<Labeller> out;
  for (auto const& s : config.sources) out.emplace_back(s.labels);
  return out;
}

// Counts of one rank's labelling, summed at the end for the log.
struct LabelCounts {
  std::uint64_t missing = 0;   ///< no value in the labels file or the header
  std::uint64_t excluded = 0;  ///< label_map said exclude
};

// Labels one placed spectrum; counts ids the labels file lacks.
LabelOutcome labelOf(Labeller const& labeller, Item const& item, std::string const& id,
                     std::string const& path, io::Spectrum const& spectrum, LabelCounts& counts) {
  auto const raw = labeller.rawValue(item.label, id, path, spectrum.meta);
  if (!raw) {
    ++counts.missing;
    return {};
  }
  LabelOutcome outcome = labeller.finish(*raw);
  if (outcome.excluded) ++counts.excluded;
  return outcome;
}

// A placed file's catalog row, or its reject row (unreadable, or excluded by label_map).
struct Verified {
  std::string catalogRow, rejectRow;
  std::uint64_t bytes = 0;
  std::string unreadable;  ///< the reason a file could not be read ("" otherwise)
};

Verified verifyPlaced(Item const& item, SourceKind kind, std::string const& bokDir,
                      Labeller const& labeller, int attempts, LabelCounts& counts,
                      io::ReadOptions const& read) {
  std::string const relative = "files/" + std::to_string(item.source) + "/" + item.name;
  std::string const path = bokDir + "/" + relative;
  // Readable as a spectrum? Its layout and header metadata fill what the list lacked.
  io::Spectrum spectrum;
  try {
    spectrum = io::readSpectrum(path, read);
  } catch (io::ReadError const& e) {
    std::string const why = io::reasonName(e.reason()) + ": " + e.what();
    std::string const kept = setAside(bokDir, relative);
    std::string const listed = why + (kept.empty() ? " (removed)" : " (kept as " + kept + ")");
    return {"", rejectRow(item, "unreadable", listed, attempts), 0, "unreadable: " + why};
  }
  Item listed = item;
  listed.id = catalogId(item, kind, spectrum, path);
  LabelOutcome const label = labelOf(labeller, item, listed.id, path, spectrum, counts);
  if (label.excluded) {
    std::error_code ec;
    fs::remove(path, ec);  // not in the base of knowledge
    return {"", rejectRow(listed, "excluded", label.reason, attempts), 0, ""};
  }
  double const ra = std::isfinite(item.ra) ? item.ra : spectrum.meta.ra;
  double const dec = std::isfinite(item.dec) ? item.dec : spectrum.meta.dec;
  double const z = std::isfinite(item.z) ? item.z : spectrum.meta.z;
  std::uint64_t const bytes = fs::file_size(path);
  std::string const row = csvField(listed.id) + "," + csvField(relative) + "," + spectrum.layout +
                          "," + csvField(label.label) + "," + number(ra, "%.8f") + "," +
                          number(dec, "%.8f") + "," + number(z, "%.9g") + "," +
                          csvField(sourceUrl(item)) + "," + std::to_string(bytes) + "," +
                          core::sha256File(path) + "," + csvField(spectrum.meta.object) + "\n";
  return {row, "", bytes, ""};
}

// The result over all ranks, with the labelling warnings and the duplicates report.
AcquireResult summed(AcquireResult const& local, LabelCounts const& counts,
                     std::string const& bokDir, comm::Comm const& comm, core::Log const& log) {
  AcquireResult total;
  total.planned = local.planned;
  std::vector<unsigned long long> sums = {local.acquired, local.reused,   local.rejected,
                                          local.bytes,    counts.missing, counts.excluded};
  comm.allreduce(sums, comm::Op::Sum);
  total.acquired = sums[0];
  total.reused = sums[1];
  total.rejected = sums[2];
  total.bytes = sums[3];
  total.unlabelledMissing = sums[4];
  total.excluded = sums[5];
  if (total.unlabelledMissing > 0)
    log.warn("acquire: " + std::to_string(total.unlabelledMissing) +
             " spectra have no value in their source's labels file or header: kept unlabelled");
  if (total.excluded > 0)
    log.info("acquire: " + std::to_string(total.excluded) +
             " spectra excluded by label_map (listed in catalog_rejects.csv)");
  if (comm.isRoot()) total.duplicates = reportDuplicates(bokDir, log);
  unsigned long long duplicates = total.duplicates;
  comm.bcast(&duplicates, 1, 0);
  total.duplicates = duplicates;
  return total;
}

// Rejects are summarised at WARN; a run that placed nothing fails with the reasons counted
// and a few examples (every rank throws together). Collective over comm.
void summariseRejects(core::ReasonTally const& local, std::uint64_t planned,
                      std::string const& bokDir, comm::Comm const& comm, core::Log const& log) {
  std::string const text = local.encode();
  auto const all = comm.allgatherv(std::vector<char>(text.begin(), text.end()));
  core::ReasonTally const rejects = core::ReasonTally::decode(std::string(all.begin(), all.end()));
  if (rejects.total() == 0) return;
  if (rejects.total() == planned)
    throw CollectiveError(
        "acquire: kept none of the " + core::countOf(planned, "spectrum", "spectra") +
        " planned; rejects by reason: " + rejects.countsText() + "; for example:\n" +
        rejects.examplesText() + "(every reject is listed in " + bokDir + "/catalog_rejects.csv)");
  log.warn("acquire: rejected " + core::countOf(rejects.total(), "spectrum", "spectra") + " of " +
           std::to_string(planned) + ", by reason: " + rejects.countsText() + " (listed in " +
           bokDir + "/catalog_rejects.csv)");
}

}  // namespace

std::string acquireCatalogHeader() {
  return "id,path,format,label,ra,dec,z,source_url,bytes,sha256,object\n";
}
std::string rejectsHeader() {
  return "id,source_url,status,error,attempts\n";
}

AcquireResult runAcquire(AcquireConfig const& config, std::string const& bokDir,
                         comm::Comm const& comm, core::Log const& log, core::Timers& timers) {
  // The plan is made once, on rank 0 (queries, index pages, globs), then shared. A failure
  // there ends the job with rank 0's message.
  std::string encoded;
  if (comm.isRoot()) {
    core::ScopedTimer timer(timers, "plan");
    core::makeDirectories(bokDir + "/files");
    encoded = encodePlan(planItems(config, bokDir, log));
  }
  std::vector<Item> const items = decodePlan(comm.bcast(encoded, 0));

  // Every rank reads the labels files; a bad one stops every rank with the same message.
  std::vector<Labeller> labellers;
  comm::checkOnEveryRank(comm, [&] { labellers = makeLabellers(config); });
  LabelCounts counts;
  AcquireResult local;
  local.planned = items.size();
  std::uint64_t const share =
      (items.size() + comm.size() - 1) / static_cast<std::uint64_t>(comm.size());
  comm::CyclicLayout const layout{
      items.size(), std::max<std::uint64_t>(1, std::min(kRoundBlock, share)), comm.size()};
  // max_bytes is split over the ranks up front, so their sum never exceeds it.
  ByteBudget budget{config.maxBytes > 0, config.maxBytes / static_cast<std::uint64_t>(comm.size()),
                    0};

  comm::OrderedFileWriter catalog(comm, bokDir + "/catalog.csv");
  comm::OrderedFileWriter rejectsFile(comm, bokDir + "/catalog_rejects.csv");
  catalog.append(comm.isRoot() ? acquireCatalogHeader() : std::string());
  rejectsFile.append(comm.isRoot() ? rejectsHeader() : std::string());
  core::Progress progress(log, "acquire", items.size());
  core::ReasonTally rejects;  // this rank's, for the summary

  for (std::uint64_t round = 0; round < layout.rounds(); ++round) {
    comm::Range const block = layout.rows(comm.rank(), round);
    std::string catalogRows, rejectRows;
    // Remote items of the block go through one multi transfer; local ones are placed here.
    std::vector<Transfer> transfers;
    std::vector<std::size_t> transferItem;
    std::vector<std::string> status(block.size()), error(block.size());
    std::vector<int> attempts(block.size(), 1);
    std::vector<bool> placed(block.size(), false), fresh(block.size(), false);
    {
      core::ScopedTimer timer(timers, "transfer");
      for (std::uint64_t k = block.begin; k < block.end; ++k) {
        Item const& item = items[k];
        std::string const dest = bokDir + "/files/" + std::to_string(item.source) + "/" + item.name;
        if (item.remote) {
          transfers.push_back({item.location, dest, item.expectedSize, item.expectedSha256});
          transferItem.push_back(k - block.begin);
          continue;
        }
        try {
          fresh[k - block.begin] = placeLocal(item, dest);
          placed[k - block.begin] = true;
        } catch (Error const& e) {
          status[k - block.begin] = "io";
          error[k - block.begin] = e.what();
        }
      }
      auto const outcomes = downloadAll(transfers, config.http, config.parallelTransfers, budget);
      for (std::size_t t = 0; t < outcomes.size(); ++t) {
        std::size_t const j = transferItem[t];
        placed[j] = outcomes[t].ok;
        fresh[j] = outcomes[t].ok && !outcomes[t].skipped;
        attempts[j] = outcomes[t].attempts;
        status[j] = outcomes[t].httpStatus ? std::to_string(outcomes[t].httpStatus) : "none";
        error[j] = outcomes[t].error;
      }
    }
    core::ScopedTimer timer(timers, "verify");
    for (std::uint64_t k = block.begin; k < block.end; ++k) {
      std::size_t const j = k - block.begin;
      Item const& item = items[k];
      progress.advance();
      if (!placed[j]) {
        rejectRows += rejectRow(item, status[j], error[j], attempts[j]);
        bool const refused = error[j].rfind("refused", 0) == 0;
        rejects.add(sourceUrl(item), (status[j] == "io"     ? "io"
                                      : refused             ? "refused"
                                      : status[j] == "none" ? "no_response"
                                                            : "http_" + status[j]) +
                                         ": " + error[j]);
        continue;
      }
      Verified const v = verifyPlaced(item, config.sources[item.source].kind, bokDir,
                                      labellers[item.source], attempts[j], counts, config.read);
      if (!v.rejectRow.empty()) {
        rejectRows += v.rejectRow;
        if (!v.unreadable.empty()) rejects.add(sourceUrl(item), v.unreadable);
        continue;
      }
      catalogRows += v.catalogRow;
      local.acquired += 1;
      local.reused += fresh[j] ? 0 : 1;
      local.bytes += v.bytes;
    }
    local.rejected +=
        static_cast<std::uint64_t>(std::count(rejectRows.begin(), rejectRows.end(), '\n'));
    catalog.append(catalogRows);
    rejectsFile.append(rejectRows);
    // Every rank has placed its block of the round: the rounds so far are done.
    progress.setGlobal(
        std::min<std::uint64_t>(items.size(), (round + 1) * layout.block * comm.size()));
  }
  catalog.close();
  rejectsFile.close();
  progress.finish();
  summariseRejects(rejects, items.size(), bokDir, comm, log);

  return summed(local, counts, bokDir, comm, log);
}

std::string describe(AcquireResult const& r, std::string const& bokDir) {
  char size[32];
  std::snprintf(size, sizeof size, "%.1f MB", static_cast<double>(r.bytes) / 1e6);
  return std::to_string(r.acquired) + " of " + core::countOf(r.planned, "spectrum", "spectra") +
         " acquired (" + std::to_string(r.reused) + " already present, " +
         std::to_string(r.rejected) + " rejected, " + size + ") in " + bokDir +
         (r.duplicates > 0 ? "; " + std::to_string(r.duplicates) + " duplicates" : "");
}

}  // namespace vocloud::acquire
