#pragma once
// The data set also as the big CSV of the original VO-CLOUD (one row per spectrum: id,
// label, metadata, values) and as a TABLEDATA VOTable for TOPCAT. Both are written by all
// ranks at once, one chunk per rank and round at offsets in row order, so they stream for
// millions of rows.
#include "comm/comm.hpp"
#include "preprocess/dataset_layout.hpp"
#include "preprocess/preprocess_config.hpp"
#include "spectral/grid.hpp"

#include <memory>
#include <string>

namespace vocloud::preprocess {

class ExportWriters {
 public:
  /// Opens dataset.csv / dataset.vot in `outputDir` when the config asks for them, keeping
  /// the first csvKeep / votKeep bytes of a resumed run (0: start anew). Collective.
  ExportWriters(PreprocessConfig const& config, spectral::Grid const& grid,
                std::string const& outputDir, comm::Comm const& comm, std::uint64_t csvKeep,
                std::uint64_t votKeep);
  ~ExportWriters();
  /// Appends this rank's rows of a round. Collective.
  void append(AcceptedRows const& rows, std::uint64_t dims);
  /// Writes the VOTable's closing tags and closes both files. Collective.
  void finish();
  std::uint64_t csvBytes() const;
  std::uint64_t votBytes() const;

 private:
  comm::Comm const& _comm;
  std::unique_ptr<comm::OrderedFileWriter> _csv, _vot;
  std::string _votFooter;
};

}  // namespace vocloud::preprocess
