#pragma once
// One rank's block of rows of a vocloud dataset.h5, as the learning stages (som, forest,
// predict) read it: a contiguous block of rows of /flux or a feature set, with their
// labels and the wavelength grid. Blocks are balanced by row count (rank r holds rows
// [N r / P, N (r + 1) / P)) or, for the forest, by labelled rows.
#include "comm/comm.hpp"
#include "io/h5_store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vocloud::io {

struct DatasetShard {
  std::string path;  ///< the dataset.h5
  std::string name;  ///< the HDF5 dataset of the rows ("/flux", ...)
  std::uint64_t totalRows = 0;
  std::uint64_t first = 0;  ///< global index of the first local row
  std::uint64_t count = 0;  ///< local rows
  std::uint64_t dims = 0;
  std::vector<float> rows;          ///< [count][dims]
  std::vector<std::string> labels;  ///< [count]; empty strings where /meta/label has none
  std::vector<double> wave;         ///< /wave when the rows are the flux, else empty
};

/// The HDF5 dataset a feature set name selects: "flux" -> /flux, "pca" -> /features/pca,
/// "wavelet" -> /features/wavelet. Throws vocloud::UsageError for another name.
std::string featureDataset(std::string const& features);

/// How the rows are dealt to the ranks, always as contiguous blocks in rank order.
enum class ShardBalance {
  Rows,  ///< equal row counts: rank r holds rows [N r / P, N (r + 1) / P)
  /// Equal labelled rows (what a forest trains on): with L labelled rows, rank r starts at
  /// labelled row L r / P (rounded down). No rank holds more than 2 ceil(N / P) rows (the
  /// bytes every row keeps in memory stay bounded), and every rank at least one. With fewer
  /// labelled rows than ranks, or fewer rows, the blocks are those of Rows.
  LabelledRows,
};

/// The first global row of each rank (P + 1 entries, the last N) for `balance`, from
/// `labelled` (per row of this rank's Rows block [N r / P, N (r + 1) / P): 1 when the row has
/// a label). The same on every rank. Collective over comm.
std::vector<std::uint64_t> shardStarts(std::uint64_t totalRows, ShardBalance balance,
                                       std::vector<std::uint8_t> const& labelled,
                                       comm::Comm const& comm);

/// Reads this rank's block of `features` rows (and labels, and /wave for the flux) of the
/// data set at `path`; with `withRows` false everything but the rows (read them in blocks
/// with ShardRows). Throws vocloud::UsageError naming the file and dataset when it is
/// missing or empty. Collective over comm.
DatasetShard readDatasetShard(std::string const& path, std::string const& features,
                              comm::Comm const& comm, bool withRows = true,
                              ShardBalance balance = ShardBalance::Rows);

/// Blocks of a shard's rows read from its file on demand (opened in this process only, so
/// every rank reads independently): what a stage uses to stream rows it does not keep.
class ShardRows {
 public:
  explicit ShardRows(DatasetShard const& shard);
  ShardRows(ShardRows const&) = delete;
  ShardRows& operator=(ShardRows const&) = delete;
  /// Local rows [first, first + count), row-major; valid until the next call.
  float const* read(std::uint64_t first, std::uint64_t count);

 private:
  DatasetShard const& _shard;
  H5File _file;
  H5Rows _set;
  std::vector<float> _buffer;
};

/// The sorted union of every rank's labels (empty labels dropped), the same on every rank.
/// Collective over comm.
std::vector<std::string> unionOfLabels(std::vector<std::string> const& local,
                                       comm::Comm const& comm);

/// Index of each label in `classes` (sorted, as unionOfLabels gives), -1 for labels not in
/// it (e.g. empty).
std::vector<int> classIndices(std::vector<std::string> const& labels,
                              std::vector<std::string> const& classes);

/// /meta/id and /meta/label of chosen rows of a data set.
struct RowMeta {
  std::vector<std::string> id;
  std::vector<std::string> label;  ///< empty strings when the data set has no labels
  std::vector<double> ra, dec;     ///< deg; NaN when the data set does not record them
  std::vector<std::string> path;   ///< the spectrum's file ("" when not recorded)
};

/// Reads the ids, labels, positions and paths of `rows` (global indices) of the data set at
/// `path` in this process (each dataset opened once). Throws vocloud::Error naming the file.
RowMeta readRowMeta(std::string const& path, std::vector<std::int64_t> const& rows);

}  // namespace vocloud::io
