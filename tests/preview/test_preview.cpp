// writePreview on a real dataset.h5: made by the real `vocloud run` ($VOCLOUD_BIN) from 100
// synthetic spectra plus two files the preprocess stage rejects. The PNG (drawn by Cairo) is
// decoded by png_check.py (size, line pixels in every panel); the HTML preview is the
// report's spectrum view, whose data files view_check.py compares with h5py's reading of
// dataset.h5 (one spectrum per id in order, the normalised panel equal to the /flux row, every
// grid point, all raw points); ids that are unknown or were rejected are refused with the
// reason.
#include "core/error.hpp"
#include "io/h5_store.hpp"
#include "pipeline/report_input.hpp"
#include "preview_test_support.hpp"
#include "report/preview.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace pre = vocloud::report;
namespace io = vocloud::io;
using namespace preview_test;

namespace {

// The MPI environment of this test process (a singleton) must not leak into the child
// vocloud, which starts its own.
std::string vocloudCommand(std::string const& arguments, fs::path const& log) {
  char const* bin = std::getenv("VOCLOUD_BIN");
  if (bin == nullptr) throw std::runtime_error("VOCLOUD_BIN is not set (ctest sets it)");
  return "env $(env | sed -n 's/^\\(OMPI_[A-Z_]*\\|PMIX_[A-Z_]*\\|PRTE_[A-Z_]*\\)=.*/-u \\1/p' | "
         "grep -v -e OMPI_ALLOW -e OMPI_MCA_rmaps_base_oversubscribe -e OMPI_MCA_btl_vader) " +
         quote(bin) + " " + arguments + " > " + quote(log.string()) + " 2>&1";
}

// A dataset.h5 from synth (100 spectra) + preprocess of that BoK with two unusable files
// added: "bad-1" (not FITS) and "bad-2" (a text spectrum far from the grid).
struct Dataset {
  Scratch scratch{"dataset"};
  std::string path;
  Dataset() {
    fs::path const dir = scratch.path;
    std::ofstream(dir / "synth.yaml") << "experiment: s\noutput: " << (dir / "out").string()
                                      << "\nstages: [synth]\nsynth: {count: 100, seed: 42}\n";
    if (runStatus(
            vocloudCommand("run " + quote((dir / "synth.yaml").string()), dir / "synth.log")) != 0)
      throw std::runtime_error("vocloud synth failed: see " + (dir / "synth.log").string());
    fs::path const bok = dir / "out/s/synth/bok", bok2 = dir / "bok2";
    fs::create_directories(bok2);
    fs::create_directory_symlink(bok / "files", bok2 / "files");
    std::ofstream(bok2 / "garbage.fits") << "garbage\n";
    {
      std::ofstream blue(bok2 / "blue.csv");
      for (int i = 0; i < 200; ++i) blue << 4000 + 2.5 * i << "," << 1.0 + 0.01 * (i % 7) << "\n";
    }
    std::ifstream catalog(bok / "catalog.csv");
    std::ofstream out(bok2 / "catalog.csv");
    out << catalog.rdbuf() << "bad-1,garbage.fits,unknown,,,,,,\nbad-2,blue.csv,text,,,,,,\n";
    out.close();
    std::ofstream(dir / "pre.yaml")
        << "experiment: p\noutput: " << (dir / "out").string()
        << "\nstages: [preprocess]\npreprocess: {input: directory, bok_dir: " << bok2.string()
        << ", pca_components: 2}\n";
    if (runStatus(vocloudCommand("run " + quote((dir / "pre.yaml").string()), dir / "pre.log")) !=
        0)
      throw std::runtime_error("vocloud preprocess failed: see " + (dir / "pre.log").string());
    path = (dir / "out/p/preprocess/dataset.h5").string();
  }
};

Dataset const& dataset() {
  static Dataset const d;
  return d;
}

// writePreview of `ids` from `path` into `out`, as `vocloud preview` calls it (no front end
// in this test: the HTML view is its data files). Returns whether the front end was copied.
bool write(std::string const& path, std::vector<std::string> const& ids, std::string const& out) {
  bool restFrame = false;
  pre::SpectralRecipe const recipe = vocloud::pipeline::datasetRecipe(path, restFrame);
  return pre::writePreview(path, ids, out, recipe, "");
}

// The UsageError message writePreview throws, "" when it throws none.
std::string usageError(std::vector<std::string> const& ids, std::string const& out) {
  try {
    write(dataset().path, ids, out);
  } catch (vocloud::UsageError const& e) {
    return e.what();
  }
  return "";
}

bool contains(std::string const& text, std::string const& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(preview)

BOOST_AUTO_TEST_CASE(png_shows_each_spectrum_in_two_panels) {
  Scratch scratch("png");
  std::vector<std::string> const ids = {"synth-000000004", "synth-000000001", "synth-000000007"};
  std::string const out = (scratch.path / "preview.png").string();
  BOOST_TEST(write(dataset().path, ids, out));
  BOOST_TEST(check("panels " + quote(out) + " 3 64 260 12") == 0);
}

BOOST_AUTO_TEST_CASE(html_is_the_spectrum_view_of_the_chosen_spectra) {
  Scratch scratch("html");
  std::vector<std::string> const ids = {"synth-000000002", "synth-000000001", "synth-000000009"};
  std::string const out = (scratch.path / "preview.HTML").string();
  BOOST_TEST(!write(dataset().path, ids, out));  // no front end here: the data files only
  io::H5File const file = io::H5File::openSerial(dataset().path);
  std::size_t const dims = io::readSmall(file, "/wave").size();
  BOOST_TEST(dims == 800u);  // the default grid: 6300-6700 Å, 800 points
  // The raw points the view must hold: every point of the file as read.
  std::string expected;
  for (pre::PreviewSpectrum const& s : pre::loadPreview(dataset().path, ids).spectra) {
    BOOST_TEST(s.raw.wave.size() > 100u);
    expected += " " + quote(s.id + ":" + std::to_string(s.raw.wave.size()));
  }
  BOOST_TEST(viewCheck(quote(scratch.path.string()) + " " + quote(dataset().path) + " " +
                       std::to_string(dims) + expected) == 0);
}

BOOST_AUTO_TEST_CASE(load_reads_the_rows_asked_for_in_order) {
  io::H5File const file = io::H5File::openSerial(dataset().path);
  io::H5Rows const ids = io::H5Rows::open(file, "/meta/id");
  std::vector<std::string> const all = ids.readStrings(0, ids.rows());
  BOOST_REQUIRE(all.size() == 100u);
  std::vector<std::string> const asked(all.rbegin(), all.rend());
  pre::PreviewData const data = pre::loadPreview(dataset().path, asked);
  BOOST_REQUIRE(data.spectra.size() == 100u);
  BOOST_TEST(data.frame == "vacuum");
  BOOST_TEST(!data.restFrame);
  io::H5Rows const flux = io::H5Rows::open(file, "/flux");
  int air = 0, vacuum = 0;
  for (std::size_t k = 0; k < asked.size(); ++k) {
    pre::PreviewSpectrum const& s = data.spectra[k];
    BOOST_TEST_INFO("spectrum " << s.id);
    BOOST_TEST(s.id == asked[k]);
    BOOST_TEST(s.row == 99 - k);
    std::vector<float> row(flux.cols());
    flux.read(s.row, 1, row.data());
    BOOST_TEST(s.flux == row, boost::test_tools::per_element());
    BOOST_TEST(s.rawRead);
    BOOST_TEST(s.raw.path == s.path);
    // The grid edges in the file's frame: vacuum files keep 6300/6700 Å; air files get
    // the IAU vacuum-to-air formula (Morton 1991) written out here.
    auto air6300 = [](double v) {
      return v / (1 + 2.735182e-4 + 131.4182 / (v * v) + 2.76249e8 / (v * v * v * v));
    };
    if (s.raw.frame == io::WavelengthFrame::Air) {
      ++air;
      BOOST_TEST(s.gridFrom == air6300(6300.0), boost::test_tools::tolerance(1e-12));
      BOOST_TEST(s.gridTo == air6300(6700.0), boost::test_tools::tolerance(1e-12));
    } else {
      ++vacuum;
      BOOST_TEST(s.gridFrom == 6300.0);
      BOOST_TEST(s.gridTo == 6700.0);
    }
  }
  BOOST_TEST(air > 0);
  BOOST_TEST(vacuum > 0);
}

BOOST_AUTO_TEST_CASE(unknown_and_rejected_ids_are_refused_with_the_reason) {
  Scratch scratch("errors");
  std::string const out = (scratch.path / "p.png").string();
  std::string const typo = usageError({"synth-000000001", "synth-00000003"}, out);
  BOOST_TEST_INFO(typo);
  BOOST_TEST(contains(typo, "preview: " + dataset().path));
  BOOST_TEST(contains(typo, "no spectrum 'synth-00000003' in /meta/id or /rejected/id"));
  BOOST_TEST(contains(typo, "did you mean 'synth-000000003'?"));
  BOOST_TEST(contains(typo, "the data set has 100 spectra, e.g. synth-000000000 synth-000000001"));

  std::string const rejected = usageError({"bad-1"}, out);
  BOOST_TEST_INFO(rejected);
  BOOST_TEST(contains(rejected, "spectrum 'bad-1' was rejected by preprocessing"));
  BOOST_TEST(contains(rejected, "garbage.fits"));
  io::H5File const file = io::H5File::openSerial(dataset().path);
  std::string const reason = io::H5Rows::open(file, "/rejected/reason").readStrings(0, 1).front();
  BOOST_TEST(io::H5Rows::open(file, "/rejected/id").readStrings(0, 1).front() == "bad-1");
  BOOST_TEST(contains(rejected, reason));   // the stage's reason, e.g. "zero_length: ...
  BOOST_TEST(!contains(rejected, "e.g."));  // nothing else was wrong

  std::string const both = usageError({"bad-2", "nonsense"}, out);
  BOOST_TEST_INFO(both);
  BOOST_TEST(contains(both, "'bad-2' was rejected by preprocessing"));
  BOOST_TEST(contains(both, "coverage"));
  BOOST_TEST(contains(both, "no spectrum 'nonsense'"));
  BOOST_TEST(!fs::exists(out));

  BOOST_TEST(contains(usageError({"synth-000000001"}, (scratch.path / "p.jpg").string()),
                      "must end in .png or .html"));
  BOOST_TEST(contains(usageError({}, out), "no spectrum ids"));
  BOOST_TEST(contains(usageError({""}, out), "empty spectrum id"));
  BOOST_CHECK_THROW(pre::writePreview((scratch.path / "missing.h5").string(), {"x"}, out, {}, ""),
                    vocloud::UsageError);
  BOOST_TEST(!fs::exists(out));
}

BOOST_AUTO_TEST_CASE(a_raw_file_that_is_gone_still_gives_a_preview) {
  Scratch scratch("moved");
  fs::path const copy = scratch.path / "dataset.h5";
  fs::copy_file(dataset().path, copy);
  BOOST_REQUIRE(runStatus(python() + " -c " +
                          quote("import h5py, sys\nwith h5py.File(sys.argv[1], 'r+') as f:\n"
                                "    f['/meta/path'][1] = b'/nonexistent/moved.fits'\n") +
                          " " + quote(copy.string())) == 0);
  pre::PreviewData const data =
      pre::loadPreview(copy.string(), {"synth-000000001", "synth-000000002"});
  BOOST_TEST(!data.spectra[0].rawRead);
  BOOST_TEST(contains(data.spectra[0].rawError, "/nonexistent/moved.fits"));
  BOOST_TEST(data.spectra[1].rawRead);
  write(copy.string(), {"synth-000000001", "synth-000000002"}, (scratch.path / "p.png").string());
  write(copy.string(), {"synth-000000001", "synth-000000002"}, (scratch.path / "p.html").string());
  std::ifstream shard(scratch.path / "data/spectra/shard-000000.js");
  std::string const view((std::istreambuf_iterator<char>(shard)), std::istreambuf_iterator<char>());
  // The moved spectrum says why it has no raw panel; the other has one and no error.
  BOOST_TEST(contains(view, "\"raw_error\":\""));
  BOOST_TEST(contains(view, "/nonexistent/moved.fits"));
  BOOST_TEST(contains(view, "\"raw_error\":\"\""));
}

BOOST_AUTO_TEST_SUITE_END()
