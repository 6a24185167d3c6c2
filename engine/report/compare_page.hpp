#pragma once
// The comparison page: the kept variants of each stage (what `vocloud runs` lists, handed in
// by the pipeline) side by side with their headline figures, and a sweep's ranked summary.
#include "core/json.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vocloud::report {

/// A mean and standard deviation over cross-validation folds.
struct MeanSd {
  double mean = 0, sd = 0;
};

/// One kept variant of a stage (pipeline::VariantInfo, as `vocloud runs` prints it).
struct VariantSummary {
  std::string stage, name, fingerprint, dir, ended, summary;
  bool latest = false;
  std::map<std::string, std::string> differing;  ///< the parameters not all variants share
  std::map<std::string, double> figures;         ///< headline figures of its summary
  double bytes = 0;
};

/// One row of a sweep's ranked summary (pipeline::SweepRecord, best first).
struct SweepRow {
  std::int64_t rank = 0, variant = 0;
  std::string overrides;
  std::map<std::string, double> figures;
  std::map<std::string, std::string> stages;  ///< stage -> its variant's folder name
};

/// A sweep's ranked summary (summary.json of `vocloud sweep`).
struct SweepSummary {
  std::string rankBy;
  bool largerIsBetter = false;
  std::vector<SweepRow> rows;
};

/// Whether the comparison page has something to compare: some stage with two or more kept
/// variants, or a sweep summary.
bool hasComparison(std::vector<VariantSummary> const& variants,
                   std::optional<SweepSummary> const& sweep);

/// data/compare.js: per stage with kept variants, each variant with the parameters that
/// differ and its figures; som variants with quantisation and topographic error read from
/// their som.h5, forest variants with CV accuracy and macro-F1 (mean and sd over folds) read
/// from their forest.h5; then the sweep's ranked table. Throws vocloud::Error naming a
/// variant's file that cannot be read.
std::string compareJson(std::vector<VariantSummary> const& variants,
                        std::optional<SweepSummary> const& sweep);

}  // namespace vocloud::report
