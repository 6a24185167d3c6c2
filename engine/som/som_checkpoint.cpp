#include "som/som_checkpoint.hpp"

#include "core/error.hpp"
#include "io/h5_store.hpp"

#include <cstdio>
#include <filesystem>

namespace vocloud::som {

namespace {

constexpr int kFormat = 1;

void writeOnRoot(std::string const& path, TrainingState const& state,
                 std::string const& fingerprint) {
  std::string const temporary = path + ".tmp";
  {
    io::H5File file = io::H5File::createSerial(temporary);
    Codebook const& codebook = state.codebook;
    io::writeWholeDataset(file, "/codebook", codebook.weights, codebook.dims);
    std::vector<double> radius, qerr, topographic;
    for (auto const& record : state.history) {
      radius.push_back(record.radius);
      qerr.push_back(record.quantisationError);
      topographic.push_back(record.topographicError);
    }
    if (!state.history.empty()) {
      io::writeSmall(file, "/history/radius", radius, {radius.size()});
      io::writeSmall(file, "/history/quantisation_error", qerr, {qerr.size()});
      io::writeSmall(file, "/history/topographic_error", topographic, {topographic.size()});
    }
    file.setAttribute("/", "format", kFormat);
    file.setAttribute("/", "fingerprint", fingerprint);
    file.setAttribute("/", "next_epoch", state.nextEpoch);
    file.setAttribute("/", "exponent", state.exponent);
    file.setAttribute("/", "rows", codebook.grid.rows);
    file.setAttribute("/", "cols", codebook.grid.cols);
    file.setAttribute("/", "hexagonal", codebook.grid.hexagonal ? 1 : 0);
    file.setAttribute("/", "toroidal", codebook.grid.toroidal ? 1 : 0);
    file.close();
  }
  std::filesystem::rename(temporary, path);
}

/// Reads the file on rank 0; empty `why` means `state` holds it.
void readFileOnRoot(std::string const& path, std::string const& fingerprint, SomGrid const& grid,
                    std::size_t dims, TrainingState& state, std::string& why) {
  io::H5File file = io::H5File::openSerial(path);
  if (file.numberAttribute("/", "format") != kFormat) {
    why = path + " has another checkpoint format";
    return;
  }
  if (file.stringAttribute("/", "fingerprint") != fingerprint) {
    why = path + " was written by a training with other data or parameters";
    return;
  }
  SomGrid stored;
  stored.rows = static_cast<int>(file.numberAttribute("/", "rows"));
  stored.cols = static_cast<int>(file.numberAttribute("/", "cols"));
  stored.hexagonal = file.numberAttribute("/", "hexagonal") != 0.;
  stored.toroidal = file.numberAttribute("/", "toroidal") != 0.;
  io::H5Rows const weights = io::H5Rows::open(file, "/codebook");
  if (stored.rows != grid.rows || stored.cols != grid.cols || stored.hexagonal != grid.hexagonal ||
      stored.toroidal != grid.toroidal || weights.cols() != dims ||
      weights.rows() != static_cast<std::uint64_t>(nodeCount(grid))) {
    why = path + " holds a map of another shape";
    return;
  }
  state.codebook.grid = grid;
  state.codebook.dims = dims;
  state.codebook.weights.resize(static_cast<std::size_t>(nodeCount(grid)) * dims);
  weights.read(0, weights.rows(), state.codebook.weights.data());
  state.nextEpoch = static_cast<int>(file.numberAttribute("/", "next_epoch"));
  state.exponent = static_cast<int>(file.numberAttribute("/", "exponent"));
  state.history.clear();
  if (state.nextEpoch > 0) {
    auto const radius = io::readSmall(file, "/history/radius");
    auto const qerr = io::readSmall(file, "/history/quantisation_error");
    auto const topographic = io::readSmall(file, "/history/topographic_error");
    if (radius.size() != static_cast<std::size_t>(state.nextEpoch) ||
        qerr.size() != radius.size() || topographic.size() != radius.size())
      throw Error("som: " + path + ": the epoch history does not match next_epoch");
    for (std::size_t e = 0; e < radius.size(); ++e)
      state.history.push_back(EpochRecord{radius[e], qerr[e], topographic[e]});
  }
}

/// As readFileOnRoot; a file that cannot be read (cut short, overwritten, not HDF5) is
/// removed when `setAside`, so that the training starts over, and `why` says so.
void readOnRoot(std::string const& path, std::string const& fingerprint, SomGrid const& grid,
                std::size_t dims, bool setAside, TrainingState& state, std::string& why) {
  if (!std::filesystem::exists(path)) {
    why = "no checkpoint " + path;
    return;
  }
  try {
    readFileOnRoot(path, fingerprint, grid, dims, state, why);
  } catch (Error const& e) {
    why = path + " cannot be read (" + e.what() + ")";
    if (setAside) {
      std::filesystem::remove(path);
      why += "; it was removed and the training starts over";
    } else {
      why += "; run without --resume to start the training over";
    }
  }
}

}  // namespace

void writeCheckpoint(std::string const& path, TrainingState const& state,
                     std::string const& fingerprint, comm::Comm const& comm) {
  comm::onRoot(comm, "som: cannot write the checkpoint " + path,
               [&] { writeOnRoot(path, state, fingerprint); });
}

std::optional<TrainingState> readCheckpoint(std::string const& path, std::string const& fingerprint,
                                            SomGrid const& grid, std::size_t dims,
                                            bool setAside, comm::Comm const& comm,
                                            std::string& why) {
  TrainingState state;
  why.clear();
  comm::onRoot(comm, "som: cannot read the checkpoint " + path,
               [&] { readOnRoot(path, fingerprint, grid, dims, setAside, state, why); });
  why = comm.bcast(why, 0);
  if (!why.empty()) return std::nullopt;
  // Every rank continues from rank 0's reading.
  comm.bcast(state.codebook.weights, 0);
  state.codebook.grid = grid;
  state.codebook.dims = dims;
  int numbers[2] = {state.nextEpoch, state.exponent};
  comm.bcast(numbers, 2, 0);
  state.nextEpoch = numbers[0];
  state.exponent = numbers[1];
  std::vector<double> history;
  for (auto const& r : state.history) {
    history.push_back(r.radius);
    history.push_back(r.quantisationError);
    history.push_back(r.topographicError);
  }
  comm.bcast(history, 0);
  state.history.clear();
  for (std::size_t i = 0; i + 2 < history.size(); i += 3)
    state.history.push_back(EpochRecord{history[i], history[i + 1], history[i + 2]});
  return state;
}

}  // namespace vocloud::som
