#pragma once
// `vocloud preview`: chosen spectra of a dataset.h5 after preprocessing beside their raw
// input, as a PNG drawn with Cairo (one row of two panels per spectrum) or as the report's
// spectrum view (a small report folder holding just those spectra, opening at the first),
// so that a person can check what preprocessing did. Serial; reads only the chosen rows and
// their raw files.
#include "io/spectrum.hpp"
#include "report/spectra_shards.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vocloud::report {

/// Most spectra one preview shows.
inline constexpr std::size_t kMaxPreviewSpectra = 200;

/// One chosen spectrum: its row of dataset.h5 and its raw file as read.
struct PreviewSpectrum {
  std::uint64_t row = 0;  ///< row in /flux and /meta
  std::string id, label, layout;
  std::string path;  ///< the raw file, resolved against the BoK when /meta/path is relative
  double ra = 0, dec = 0, z = 0, snr = 0;  ///< deg, deg, redshift, S/N as in /meta
  std::vector<float> flux;                 ///< preprocessed flux on the grid
  std::vector<std::uint8_t> mask;          ///< 1 = interpolated (no data) on the grid
  bool rawRead = false;                    ///< false when the raw file could not be read
  std::string rawError;                    ///< why, when rawRead is false
  io::Spectrum raw;                        ///< as stored in the file (Å, file order)
  /// The grid's first and last wavelength (Å) moved into the raw file's frame (undoing the
  /// rest-frame shift and the air/vacuum conversion of the preprocess stage), for marking
  /// on the raw spectrum.
  double gridFrom = 0, gridTo = 0;
};

/// Everything a preview shows.
struct PreviewData {
  std::string datasetPath;
  std::vector<double> wave;  ///< the grid, Å (/wave)
  std::string frame;         ///< preprocess.frame of the run ("vacuum", "air", "as_is"; "" unknown)
  bool restFrame = false;    ///< preprocess.rest_frame of the run
  std::vector<PreviewSpectrum> spectra;  ///< in the order asked for
};

/// Reads the rows of `ids` (in that order) from dataset.h5 at `datasetPath` and their raw
/// files (io::readSpectrum). A raw file that cannot be read leaves rawRead false with the
/// reason; the preview still shows the preprocessed row. Throws vocloud::UsageError
/// ("preview: ...") naming the ids that are not in /meta/id: for each one listed in
/// /rejected/id the reason it was rejected, for the others a few valid ids (and the
/// closest one when it looks like a typo); also for no ids or more than kMaxPreviewSpectra.
/// Throws vocloud::Error naming the file when dataset.h5 cannot be read.
PreviewData loadPreview(std::string const& datasetPath, std::vector<std::string> const& ids);

/// Draws `data` with Cairo and writes it as a PNG (RGB, 8 bits) to `path`: a title band
/// with a legend, then per spectrum a line of metadata over two panels, the raw flux over its
/// own wavelength range (grid range marked, outside shaded, bad pixels red) and the
/// preprocessed flux on the grid (masked pixels shaded and red). 1000 pixels wide, 64 + 260
/// per spectrum high. Throws vocloud::Error ("preview: ...") naming the file when it cannot.
void writePreviewPng(PreviewData const& data, std::string const& path);

/// Writes the spectrum view of `data` as a small report: the data files of
/// docs/report-data.md for just these spectra (overview, grid, spectra index and shards, the
/// stages recomputed with `recipe`; overview's "start" opens the first of them) in the folder
/// of `htmlPath`, and the front end's index.html as `htmlPath` with its assets/ and licenses/
/// beside it when `bundleDir` holds it. Returns false when there was no front end (data only).
bool writePreviewReport(PreviewData const& data, SpectralRecipe const& recipe,
                        std::string const& htmlPath, std::string const& bundleDir);

/// `vocloud preview DATASET --ids ID,... --out OUT`: loadPreview(datasetPath, ids), then
/// writes OUT as PNG when it ends in ".png", as the spectrum view (writePreviewReport) when
/// it ends in ".html" or ".htm" (case-insensitive). Throws vocloud::UsageError for any other
/// ending (before reading anything) and the errors of loadPreview(). Returns false when an
/// HTML preview was written without the front end.
bool writePreview(std::string const& datasetPath, std::vector<std::string> const& ids,
                  std::string const& outPath, SpectralRecipe const& recipe,
                  std::string const& bundleDir);

namespace detail {

/// The wavelength ranges (Å) covered by runs of flagged pixels: a run of pixels i..j spans
/// from halfway to the pixel before i to halfway to the pixel after j (half a step beyond
/// the ends of the array). `wave` and `flagged` have one length; wave may decrease.
std::vector<std::pair<double, double>> flaggedSpans(std::vector<double> const& wave,
                                                    std::vector<bool> const& flagged);

/// "label emission · layout sdss · S/N 50.9 · z 0.000123 · RA 10.53410 Dec -25.90023"
/// with `separator` between the parts; parts whose value is unknown are left out.
std::string describeSpectrum(PreviewSpectrum const& s, std::string const& separator);

/// The grid pixels flagged in s.mask (interpolated, no data).
std::vector<bool> gridFlags(PreviewSpectrum const& s);
/// The raw pixels preprocessing leaves out: a nonzero raw mask, or an inverse variance that
/// is not a positive number.
std::vector<bool> rawFlags(PreviewSpectrum const& s);

}  // namespace detail

}  // namespace vocloud::report
