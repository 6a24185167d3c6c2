#pragma once
// `vocloud sweep`: the variants of an experiment's `sweep:` section (a grid of values for
// some keys, and/or a list of overrides), the record each variant's run leaves in
// `<output>/<experiment>/sweep/`, and the summary table that ranks them.
#include "config/config.hpp"
#include "pipeline/pipeline.hpp"

#include <map>
#include <string>
#include <vector>

namespace vocloud::pipeline {

/// One variant of a sweep: the overrides that make it, applied after the file and --set.
struct SweepVariant {
  std::vector<config::Override> overrides;
  std::string label;  ///< "som.rows=5 som.cols=5"
};

/// The variants of `config`'s sweep section: every combination of the grid's values (the
/// first key varies slowest), then the listed variants. Throws vocloud::UsageError at the
/// sweep key when there is none or an override is malformed.
std::vector<SweepVariant> sweepVariants(config::Config const& config);

/// What one variant's run produced: its stages' variants and headline figures.
struct SweepRecord {
  int index = 0;
  std::string label;
  std::vector<StageOutcome> outcomes;
  std::map<std::string, double> figures;  ///< headlineFigures of every stage's summary
};

/// `<output>/<experiment>/sweep`.
std::string sweepDir(config::Config const& config);

/// Writes `<dir>/variant-<index>.json` (atomically).
void writeSweepRecord(std::string const& dir, SweepRecord const& record);

/// Every variant-*.json in `dir`, by index. Throws vocloud::Error naming an unreadable one.
std::vector<SweepRecord> readSweepRecords(std::string const& dir);

/// The figure `rankBy` ranks by ("auto": cv_macro_f1 when some record has it, else
/// quantisation_error) and whether larger is better.
std::pair<std::string, bool> rankingFigure(std::vector<SweepRecord> const& records,
                                           std::string const& rankBy);

/// The records best first by `rankBy` (records without the figure last, by index).
std::vector<SweepRecord> rankRecords(std::vector<SweepRecord> records, std::string const& rankBy);

/// The summary as CSV (rank, variant, overrides, figures, each stage's variant) and JSON
/// (which also names the ranking figure).
std::string summaryCsv(std::vector<SweepRecord> const& ranked);
std::string summaryJson(std::vector<SweepRecord> const& ranked, std::string const& rankBy);

/// Rewrites summary.csv and summary.json of `dir` from every record there, holding a lock
/// so that array tasks finishing together each see the others' records.
void writeSweepSummary(std::string const& dir, std::string const& rankBy);

}  // namespace vocloud::pipeline
