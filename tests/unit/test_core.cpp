#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/memory.hpp"
#include "core/progress.hpp"
#include "core/reason_tally.hpp"
#include "core/records.hpp"
#include "core/timers.hpp"
#include "core/version.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace vocloud;

BOOST_AUTO_TEST_SUITE(core_suite)

BOOST_AUTO_TEST_CASE(sha256_matches_the_fips_180_test_vectors) {
  // FIPS 180-2 appendix B examples.
  BOOST_TEST(core::sha256Hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(core::sha256Hex("") ==
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  core::Sha256 incremental;
  incremental.update("ab");
  incremental.update("c");
  BOOST_TEST(incremental.hexDigest() == core::sha256Hex("abc"));
}

BOOST_AUTO_TEST_CASE(sha256_of_a_file_equals_sha256_of_its_bytes) {
  auto const path = (std::filesystem::temp_directory_path() / "vocloud_hash_test.bin").string();
  std::string bytes(100000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 + 3);
  core::writeFileAtomic(path, bytes);
  BOOST_TEST(core::sha256File(path) == core::sha256Hex(bytes));
  std::remove(path.c_str());
  BOOST_CHECK_THROW(core::sha256File(path), Error);
}

BOOST_AUTO_TEST_CASE(atomic_write_leaves_no_temporary_and_reads_back) {
  auto const dir = std::filesystem::temp_directory_path() / "vocloud_files_test";
  core::removeAll(dir.string());
  core::makeDirectories((dir / "a/b").string());
  core::writeFileAtomic((dir / "a/b/x.txt").string(), "hello\n");
  BOOST_TEST(core::readFile((dir / "a/b/x.txt").string()) == "hello\n");
  int entries = 0;
  for ([[maybe_unused]] auto const& e : std::filesystem::directory_iterator(dir / "a/b")) ++entries;
  BOOST_TEST(entries == 1);
  core::removeAll(dir.string());
  BOOST_CHECK_THROW(core::readFile((dir / "a/b/x.txt").string()), Error);
}

BOOST_AUTO_TEST_CASE(json_writer_escapes_and_nests) {
  core::JsonWriter json;
  json.beginObject()
      .key("name").value("a \"quoted\"\nline")
      .key("n").value(3)
      .key("x").value(0.5)
      .key("list").beginArray().value(true).null().endArray()
      .endObject();
  BOOST_TEST(json.str() == R"({"name":"a \"quoted\"\nline","n":3,"x":0.5,"list":[true,null]})");
}

BOOST_AUTO_TEST_CASE(progress_line_reports_rate_and_eta) {
  // 500 of 2000 in 10 s: 50/s, 1500 left -> 30 s.
  BOOST_TEST(core::Progress::describe("synth", 500, 2000, 10.) ==
             "synth 500/2000 (25.0%) 50.0/s ETA 30s");
  BOOST_TEST(core::Progress::describe("x", 2000, 2000, 4.) == "x 2000/2000 (100.0%) 500.0/s ETA 0s");
}

BOOST_AUTO_TEST_CASE(progress_shows_the_global_count_never_above_the_total) {
  std::FILE* sink = std::tmpfile();
  core::Log const log(0, 2, {}, sink);
  core::Progress progress(log, "x", 10);  // 10 items over 2 ranks
  progress.advance(3);
  BOOST_TEST(progress.shown() == 3u);      // before any sync: this rank's own
  progress.setGlobal(7);                   // both ranks together at a round's end
  BOOST_TEST(progress.shown() == 7u);
  progress.advance(2);
  BOOST_TEST(progress.shown() == 9u);      // the global count plus this rank's since
  progress.advance(5);
  BOOST_TEST(progress.shown() == 10u);     // capped at the total
  BOOST_TEST(core::Progress::describe("x", 57, 55, 1.) == "x 55/55 (100.0%) 55.0/s ETA 0s");
  std::fclose(sink);
}

BOOST_AUTO_TEST_CASE(reason_tally_counts_tokens_and_merges_through_text) {
  core::ReasonTally a, b;
  a.add("a.fits", "not_found: fits: cannot open 'a.fits'");
  a.add("b.fits", "flat_spectrum: preprocess: flat");
  b.add("c.fits", "not_found: fits: cannot open 'c.fits'");
  b.add("d.fits", "not_found: x");
  auto const merged = core::ReasonTally::decode(a.encode() + b.encode());
  BOOST_TEST(merged.total() == 4u);
  BOOST_TEST(merged.counts().at("not_found") == 3u);
  BOOST_TEST(merged.countsText() == "not_found (3), flat_spectrum (1)");
  // The first kExamples examples, in order.
  BOOST_TEST(merged.examplesText() ==
             "  a.fits: not_found: fits: cannot open 'a.fits'\n"
             "  b.fits: flat_spectrum: preprocess: flat\n"
             "  c.fits: not_found: fits: cannot open 'c.fits'\n");
  BOOST_TEST(core::countOf(1, "spectrum", "spectra") == "1 spectrum");
  BOOST_TEST(core::countOf(0, "spectrum", "spectra") == "0 spectra");
  BOOST_TEST(core::countOf(2, "spectrum", "spectra") == "2 spectra");
}

BOOST_AUTO_TEST_CASE(log_prints_only_on_rank_zero_unless_all_ranks) {
  core::LogOptions options;
  core::Log root(0, 4, options), other(3, 4, options);
  BOOST_TEST(root.enabled(core::LogLevel::Info));
  BOOST_TEST(!other.enabled(core::LogLevel::Info));
  BOOST_TEST(other.enabled(core::LogLevel::Error));  // errors come from whichever rank has them
  options.allRanks = true;
  core::Log every(3, 4, options);
  BOOST_TEST(every.enabled(core::LogLevel::Info));
  BOOST_TEST(!every.enabled(core::LogLevel::Debug));
  BOOST_TEST(static_cast<int>(core::parseLogLevel("warn")) == static_cast<int>(core::LogLevel::Warn));
  BOOST_CHECK_THROW(core::parseLogLevel("verbose"), Error);
}

BOOST_AUTO_TEST_CASE(timers_accumulate_per_step_in_first_use_order) {
  core::Timers timers;
  timers.add("read", 1.5);
  timers.add("write", 2.);
  timers.add("read", 0.5);
  BOOST_TEST(timers.entries().size() == 2u);
  BOOST_TEST(timers.entries()[0].first == "read");
  BOOST_TEST(timers.entries()[0].second == 2.);
}

BOOST_AUTO_TEST_CASE(version_names_the_project_version) {
  std::string const version = core::engineVersion();
  BOOST_TEST(version.rfind("0.1.0+", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(records_pack_and_unpack_to_the_same_fields) {
  std::vector<std::vector<std::string>> const records = {
      {"0", "files/a b.fits", ""}, {"1", "http://127.0.0.1/x?y=1,2", "label, with comma"}};
  BOOST_TEST((core::unpackRecords(core::packRecords(records), 3) == records));
  BOOST_TEST(core::unpackRecords(core::packRecords({}), 3).empty());
  BOOST_CHECK_THROW(core::unpackRecords(core::packRecords(records), 4), Error);
}

namespace {

/// The kernel's transparent huge page mode: "always", "madvise", "never" or "" (unknown).
std::string hugePageMode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string text;
  std::getline(in, text);
  auto const open = text.find('['), close = text.find(']');
  return open == std::string::npos || close == std::string::npos
             ? std::string()
             : text.substr(open + 1, close - open - 1);
}

/// AnonHugePages (KiB) of the mapping of this process that holds address p, from
/// /proc/self/smaps; -1 when no mapping holds it.
long hugePagesKiBAt(void const* p) {
  auto const address = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    unsigned long long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx ", &lo, &hi) == 2 && line.find(':') > line.find(' ')) {
      inside = address >= lo && address < hi;
      continue;
    }
    long kib = 0;
    if (inside && std::sscanf(line.c_str(), "AnonHugePages: %ld kB", &kib) == 1) return kib;
  }
  return -1;
}

}  // namespace

// The kernel backs advised memory with huge pages (where it has them on request): the
// smaps of this process show them in the advised array and, in "madvise" mode, not in an
// array of the same size left alone.
BOOST_AUTO_TEST_CASE(advised_arrays_get_huge_pages) {
  std::string const mode = hugePageMode();
  if (mode != "madvise" && mode != "always") {
    BOOST_TEST_MESSAGE("transparent huge pages are '" << mode << "' here: nothing to check");
    return;
  }
  std::size_t const bytes = std::size_t(32) << 20;
  std::vector<char> advised, plain;
  advised.reserve(bytes);
  plain.reserve(bytes);
  core::adviseHugePages(advised.data(), bytes);
  advised.resize(bytes, 1);
  plain.resize(bytes, 1);
  BOOST_TEST(hugePagesKiBAt(advised.data() + bytes / 2) >= 2048);
  if (mode == "madvise") BOOST_TEST(hugePagesKiBAt(plain.data() + bytes / 2) == 0);
  core::adviseHugePages(nullptr, bytes);  // nothing to advise: no effect, no error
  core::adviseHugePages(advised.data(), 100);
}

BOOST_AUTO_TEST_SUITE_END()
