#pragma once
// The only door to MPI. A Comm owns a duplicated communicator, so library traffic never
// mixes with a caller's; collectives are typed templates instantiated in comm.cpp for the
// arithmetic types vocloud uses. No header outside engine/comm includes mpi.h.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace vocloud::comm {

enum class Op { Sum, Min, Max, LogicalAnd, LogicalOr };

class Comm {
public:
  /// A duplicate of MPI_COMM_WORLD. Collective over all processes.
  static Comm world();
  /// A communicator of this process alone (a duplicate of MPI_COMM_SELF): runs the
  /// distributed code on one process's data, e.g. as a serial reference in tests.
  static Comm self();
  ~Comm();
  Comm(Comm&& other) noexcept;
  Comm& operator=(Comm&& other) noexcept;
  Comm(Comm const&) = delete;
  Comm& operator=(Comm const&) = delete;

  int rank() const { return _rank; }
  int size() const { return _size; }
  bool isRoot() const { return _rank == 0; }

  /// Collective over comm.
  void barrier() const;

  /// How many ranks of this communicator share this rank's host (shared memory), e.g. to
  /// divide the host's memory between them. Collective over comm.
  int ranksOnThisHost() const;

  /// Element-wise reduction of `count` values in place, result on every rank.
  /// Collective over comm.
  template <class T>
  void allreduce(T* data, std::size_t count, Op op) const;
  template <class T>
  void allreduce(std::vector<T>& data, Op op) const { allreduce(data.data(), data.size(), op); }
  /// Reduction of one value. Collective over comm.
  template <class T>
  T allreduce(T value, Op op) const {
    allreduce(&value, 1, op);
    return value;
  }

  /// One value from every rank, indexed by rank. Collective over comm.
  template <class T>
  std::vector<T> allgather(T value) const;

  /// Concatenation of every rank's vector in rank order. Collective over comm.
  template <class T>
  std::vector<T> allgatherv(std::vector<T> const& local) const {
    std::vector<T> all;
    allgatherv(local, all);
    return all;
  }
  /// The same into `all` (resized; its storage is reused when large enough).
  template <class T>
  void allgatherv(std::vector<T> const& local, std::vector<T>& all) const;

  /// Personalised exchange: `send` holds, in rank order, sendCounts[r] elements for each
  /// rank r; returns what every rank sent to this one, in rank order, and sets
  /// recvCounts[r] to the number of elements from rank r. Collective over comm.
  template <class T>
  std::vector<T> alltoallv(std::vector<T> const& send, std::vector<std::size_t> const& sendCounts,
                           std::vector<std::size_t>& recvCounts) const {
    std::vector<T> all;
    alltoallv(send, sendCounts, recvCounts, all);
    return all;
  }
  /// The same into `all` (resized; its storage is reused when large enough).
  template <class T>
  void alltoallv(std::vector<T> const& send, std::vector<std::size_t> const& sendCounts,
                 std::vector<std::size_t>& recvCounts, std::vector<T>& all) const;

  /// Exclusive prefix sum: the sum of `value` over ranks below this one (0 on rank 0).
  /// Collective over comm.
  template <class T>
  T exscan(T value) const;

  /// Broadcasts `count` values from `root`. Collective over comm.
  template <class T>
  void bcast(T* data, std::size_t count, int root) const;
  template <class T>
  void bcast(std::vector<T>& data, int root) const;
  /// Broadcasts a string from `root`. Collective over comm.
  std::string bcast(std::string const& text, int root) const;

  /// Writes every rank's bytes into one file, in rank order, at offsets given by an
  /// exclusive scan of the byte counts (MPI-IO, collective). Replaces the file.
  /// Returns the total size. Collective over comm.
  std::uint64_t writeOrdered(std::string const& path, std::string const& localBytes) const;

  /// True on every rank when `ok` is true on every rank. Collective over comm.
  bool allOk(bool ok) const { return allreduce<int>(ok ? 1 : 0, Op::Min) == 1; }

  /// Ends every process of the job with `code` (MPI_Abort). Never returns.
  [[noreturn]] void abort(int code) const;

  /// The MPI_Comm handle as an opaque integer-sized value, for engine/comm internals.
  void* handle() const { return _handle; }

private:
  explicit Comm(void* handle);
  void* _handle = nullptr;  // MPI_Comm stored opaquely to keep mpi.h out of this header
  int _rank = 0;
  int _size = 1;
};

/// One file written by all ranks together: each append() adds every rank's bytes after
/// what is already there, in rank order (MPI-IO collective writes at offsets from an
/// exclusive scan). Memory stays at one chunk per rank however large the file grows.
class OrderedFileWriter {
public:
  /// Creates (truncates) `path`. Collective over comm.
  OrderedFileWriter(Comm const& comm, std::string const& path);
  /// Reopens `path` keeping its first `keepBytes` bytes (cut there), to continue an
  /// interrupted file; keepBytes 0 creates it anew. Collective over comm.
  OrderedFileWriter(Comm const& comm, std::string const& path, std::uint64_t keepBytes);
  ~OrderedFileWriter();
  OrderedFileWriter(OrderedFileWriter const&) = delete;
  OrderedFileWriter& operator=(OrderedFileWriter const&) = delete;

  /// Appends this rank's bytes. Collective over comm: every rank calls it the same number
  /// of times (with empty strings when it has nothing).
  void append(std::string const& localBytes);
  /// Closes the file; errors on any rank throw on every rank. Collective over comm.
  void close();
  /// Bytes written so far (the same on every rank).
  std::uint64_t size() const { return _size; }

private:
  Comm const& _comm;
  std::string _path;
  void* _file = nullptr;  // MPI_File, opaque here
  std::uint64_t _size = 0;
};

/// Starts MPI (thread level funneled) and ends it in the destructor.
class Environment {
public:
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(Environment const&) = delete;
  Environment& operator=(Environment const&) = delete;
};

/// Rank 0 runs `action` (typically file-system work); every rank learns whether it worked
/// and throws vocloud::CollectiveError("<what>: <reason>") when it did not. Collective over comm.
void onRoot(Comm const& comm, std::string const& what, std::function<void()> const& action);

/// The failure that counts when ranks may fail independently: the lowest rank whose
/// `localFailure` is not empty, and its message, the same on every rank; rank -1 and an
/// empty message when no rank failed. Collective over comm.
std::pair<int, std::string> firstFailure(Comm const& comm, std::string const& localFailure);

/// Whether every process of MPI_COMM_WORLD calls this within `seconds` (a non-blocking
/// barrier polled until the deadline): ranks that fail together learn that they agree; a
/// rank that fails alone learns that the others are elsewhere (e.g. waiting in a collective
/// it will never join). True when MPI is not running.
bool everyRankArrivesWithin(double seconds);

/// Runs `check` on every rank (a check of the configuration or of inputs, before a stage's
/// first collective); when it throws vocloud::Error on any rank, every rank throws
/// vocloud::UsageError with the lowest failing rank's message (which names that rank when
/// it is not 0), so that all ranks stop together with one message. Collective over comm.
void checkOnEveryRank(Comm const& comm, std::function<void()> const& check);

/// Ends every process of MPI_COMM_WORLD with `code`, for error paths that have no Comm.
[[noreturn]] void abortWorld(int code);

/// Rank in MPI_COMM_WORLD, or 0 before MPI is started.
int worldRank();

}  // namespace vocloud::comm
