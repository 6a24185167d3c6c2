#include "comm/comm.hpp"

#include "core/error.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace vocloud::comm {

namespace {

MPI_Comm& raw(void* handle) { return *static_cast<MPI_Comm*>(handle); }

template <class T>
MPI_Datatype mpiType();
template <> MPI_Datatype mpiType<char>() { return MPI_CHAR; }
template <> MPI_Datatype mpiType<unsigned char>() { return MPI_UNSIGNED_CHAR; }
template <> MPI_Datatype mpiType<int>() { return MPI_INT; }
template <> MPI_Datatype mpiType<unsigned>() { return MPI_UNSIGNED; }
template <> MPI_Datatype mpiType<long>() { return MPI_LONG; }
template <> MPI_Datatype mpiType<unsigned long>() { return MPI_UNSIGNED_LONG; }
template <> MPI_Datatype mpiType<long long>() { return MPI_LONG_LONG; }
template <> MPI_Datatype mpiType<unsigned long long>() { return MPI_UNSIGNED_LONG_LONG; }
template <> MPI_Datatype mpiType<float>() { return MPI_FLOAT; }
template <> MPI_Datatype mpiType<double>() { return MPI_DOUBLE; }

MPI_Op mpiOp(Op op) {
  switch (op) {
    case Op::Sum: return MPI_SUM;
    case Op::Min: return MPI_MIN;
    case Op::Max: return MPI_MAX;
    case Op::LogicalAnd: return MPI_LAND;
    case Op::LogicalOr: return MPI_LOR;
  }
  return MPI_SUM;
}

void check(int code, char const* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string("comm: ") + what + " failed: " + std::string(text, length));
}

// MPI counts are int: large buffers go in slices.
constexpr std::size_t kSlice = std::size_t(1) << 28;

}  // namespace

Comm::Comm(void* handle) : _handle(handle) {
  check(MPI_Comm_rank(raw(_handle), &_rank), "MPI_Comm_rank");
  check(MPI_Comm_size(raw(_handle), &_size), "MPI_Comm_size");
}

Comm Comm::world() {
  auto* handle = new MPI_Comm(MPI_COMM_NULL);
  check(MPI_Comm_dup(MPI_COMM_WORLD, handle), "MPI_Comm_dup");
  // Errors are returned, not fatal, so that they become vocloud::Error with a message.
  MPI_Comm_set_errhandler(*handle, MPI_ERRORS_RETURN);
  return Comm(handle);
}

Comm Comm::self() {
  auto* handle = new MPI_Comm(MPI_COMM_NULL);
  check(MPI_Comm_dup(MPI_COMM_SELF, handle), "MPI_Comm_dup");
  MPI_Comm_set_errhandler(*handle, MPI_ERRORS_RETURN);
  return Comm(handle);
}

Comm::~Comm() {
  if (_handle == nullptr) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && raw(_handle) != MPI_COMM_NULL) MPI_Comm_free(&raw(_handle));
  delete static_cast<MPI_Comm*>(_handle);
}

Comm::Comm(Comm&& other) noexcept
    : _handle(other._handle), _rank(other._rank), _size(other._size) {
  other._handle = nullptr;
}

Comm& Comm::operator=(Comm&& other) noexcept {
  if (this != &other) {
    std::swap(_handle, other._handle);
    std::swap(_rank, other._rank);
    std::swap(_size, other._size);
  }
  return *this;
}

void Comm::barrier() const { check(MPI_Barrier(raw(_handle)), "MPI_Barrier"); }

int Comm::ranksOnThisHost() const {
  MPI_Comm host = MPI_COMM_NULL;
  check(MPI_Comm_split_type(raw(_handle), MPI_COMM_TYPE_SHARED, _rank, MPI_INFO_NULL, &host),
        "MPI_Comm_split_type");
  int size = 1;
  int const status = MPI_Comm_size(host, &size);
  MPI_Comm_free(&host);
  check(status, "MPI_Comm_size");
  return size;
}

template <class T>
void Comm::allreduce(T* data, std::size_t count, Op op) const {
  for (std::size_t start = 0; start < count; start += kSlice) {
    int const n = static_cast<int>(std::min(kSlice, count - start));
    check(MPI_Allreduce(MPI_IN_PLACE, data + start, n, mpiType<T>(), mpiOp(op), raw(_handle)),
          "MPI_Allreduce");
  }
}

template <class T>
std::vector<T> Comm::allgather(T value) const {
  std::vector<T> all(static_cast<std::size_t>(_size));
  check(MPI_Allgather(&value, 1, mpiType<T>(), all.data(), 1, mpiType<T>(), raw(_handle)),
        "MPI_Allgather");
  return all;
}

template <class T>
void Comm::allgatherv(std::vector<T> const& local, std::vector<T>& all) const {
  if (local.size() > static_cast<std::size_t>(INT_MAX))
    throw Error("comm: allgatherv of more than INT_MAX elements on one rank");
  std::vector<int> counts = allgather<int>(static_cast<int>(local.size()));
  std::vector<int> displs(counts.size(), 0);
  long long total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    if (total > INT_MAX) throw Error("comm: allgatherv result over INT_MAX elements");
    displs[r] = static_cast<int>(total);
    total += counts[r];
  }
  all.resize(static_cast<std::size_t>(total));
  check(MPI_Allgatherv(local.data(), static_cast<int>(local.size()), mpiType<T>(), all.data(),
                       counts.data(), displs.data(), mpiType<T>(), raw(_handle)),
        "MPI_Allgatherv");
}

template <class T>
void Comm::alltoallv(std::vector<T> const& send, std::vector<std::size_t> const& sendCounts,
                     std::vector<std::size_t>& recvCounts, std::vector<T>& all) const {
  if (sendCounts.size() != static_cast<std::size_t>(_size))
    throw Error("comm: alltoallv needs one send count per rank");
  std::vector<int> sc(sendCounts.size()), sd(sendCounts.size()), rc(sendCounts.size()),
      rd(sendCounts.size());
  long long at = 0;
  for (std::size_t r = 0; r < sendCounts.size(); ++r) {
    if (sendCounts[r] > static_cast<std::size_t>(INT_MAX) || at > INT_MAX)
      throw Error("comm: alltoallv send buffer over INT_MAX elements");
    sc[r] = static_cast<int>(sendCounts[r]);
    sd[r] = static_cast<int>(at);
    at += sc[r];
  }
  if (static_cast<std::size_t>(at) != send.size())
    throw Error("comm: alltoallv send counts do not add up to the buffer size");
  check(MPI_Alltoall(sc.data(), 1, MPI_INT, rc.data(), 1, MPI_INT, raw(_handle)), "MPI_Alltoall");
  long long total = 0;
  recvCounts.assign(rc.size(), 0);
  for (std::size_t r = 0; r < rc.size(); ++r) {
    if (total > INT_MAX) throw Error("comm: alltoallv result over INT_MAX elements");
    rd[r] = static_cast<int>(total);
    recvCounts[r] = static_cast<std::size_t>(rc[r]);
    total += rc[r];
  }
  all.resize(static_cast<std::size_t>(total));
  check(MPI_Alltoallv(send.data(), sc.data(), sd.data(), mpiType<T>(), all.data(), rc.data(),
                      rd.data(), mpiType<T>(), raw(_handle)),
        "MPI_Alltoallv");
}

template <class T>
T Comm::exscan(T value) const {
  T result{};
  check(MPI_Exscan(&value, &result, 1, mpiType<T>(), MPI_SUM, raw(_handle)), "MPI_Exscan");
  // MPI leaves rank 0's result undefined.
  return _rank == 0 ? T{} : result;
}

template <class T>
void Comm::bcast(T* data, std::size_t count, int root) const {
  for (std::size_t start = 0; start < count; start += kSlice) {
    int const n = static_cast<int>(std::min(kSlice, count - start));
    check(MPI_Bcast(data + start, n, mpiType<T>(), root, raw(_handle)), "MPI_Bcast");
  }
}

template <class T>
void Comm::bcast(std::vector<T>& data, int root) const {
  auto size = static_cast<unsigned long long>(data.size());
  bcast(&size, 1, root);
  data.resize(static_cast<std::size_t>(size));
  bcast(data.data(), data.size(), root);
}

std::string Comm::bcast(std::string const& text, int root) const {
  std::vector<char> bytes(text.begin(), text.end());
  bcast(bytes, root);
  return std::string(bytes.begin(), bytes.end());
}

std::uint64_t Comm::writeOrdered(std::string const& path, std::string const& localBytes) const {
  OrderedFileWriter writer(*this, path);
  writer.append(localBytes);
  writer.close();
  return writer.size();
}

OrderedFileWriter::OrderedFileWriter(Comm const& comm, std::string const& path)
    : OrderedFileWriter(comm, path, 0) {}

OrderedFileWriter::OrderedFileWriter(Comm const& comm, std::string const& path, std::uint64_t keepBytes)
    : _comm(comm), _path(path) {
  if (comm.isRoot() && keepBytes == 0) std::remove(path.c_str());  // MPI_MODE_CREATE does not truncate
  comm.barrier();
  auto* file = new MPI_File(MPI_FILE_NULL);
  int const rc = MPI_File_open(raw(comm.handle()), path.c_str(), MPI_MODE_CREATE | MPI_MODE_WRONLY,
                               MPI_INFO_NULL, file);
  if (!comm.allOk(rc == MPI_SUCCESS)) {
    if (rc == MPI_SUCCESS) MPI_File_close(file);
    delete file;
    throw Error("comm: cannot open '" + path + "' for a parallel write");
  }
  _file = file;
  if (keepBytes > 0) {
    int const cut = MPI_File_set_size(*file, static_cast<MPI_Offset>(keepBytes));
    if (!comm.allOk(cut == MPI_SUCCESS)) throw Error("comm: cannot cut '" + path + "' to resume it");
    _size = keepBytes;
  }
}

OrderedFileWriter::~OrderedFileWriter() {
  if (_file == nullptr) return;
  auto* file = static_cast<MPI_File*>(_file);
  // Reached only on an error path: MPI_File_close is collective, so it is not called here
  // (another rank may never get here); the job is about to abort anyway.
  delete file;
}

void OrderedFileWriter::append(std::string const& localBytes) {
  auto* file = static_cast<MPI_File*>(_file);
  auto const mine = static_cast<unsigned long long>(localBytes.size());
  unsigned long long const offset = _size + _comm.exscan(mine);
  unsigned long long const total = _comm.allreduce(mine, Op::Sum);
  // Every rank takes part in the same number of collective writes.
  unsigned long long const mySlices = (localBytes.size() + kSlice - 1) / kSlice;
  unsigned long long const slices = _comm.allreduce(mySlices, Op::Max);
  bool ok = true;
  for (unsigned long long s = 0; s < slices; ++s) {
    std::size_t const start = std::min<std::size_t>(localBytes.size(), s * kSlice);
    int const n = static_cast<int>(std::min(kSlice, localBytes.size() - start));
    MPI_Status status;
    int const rc = MPI_File_write_at_all(*file, static_cast<MPI_Offset>(offset + start),
                                         localBytes.data() + start, n, MPI_BYTE, &status);
    ok = ok && rc == MPI_SUCCESS;
  }
  if (!_comm.allOk(ok)) throw Error("comm: parallel write to '" + _path + "' failed");
  _size += total;
}

void OrderedFileWriter::close() {
  if (_file == nullptr) return;
  auto* file = static_cast<MPI_File*>(_file);
  int const rc = MPI_File_close(file);
  delete file;
  _file = nullptr;
  if (!_comm.allOk(rc == MPI_SUCCESS)) throw Error("comm: closing '" + _path + "' failed");
}

void Comm::abort(int code) const { MPI_Abort(raw(_handle), code); std::_Exit(code); }

void onRoot(Comm const& comm, std::string const& what, std::function<void()> const& action) {
  std::string failure;
  if (comm.isRoot()) {
    try {
      action();
    } catch (std::exception const& e) {
      failure = e.what();
    }
  }
  failure = comm.bcast(failure, 0);
  if (!failure.empty()) throw CollectiveError(what + ": " + failure);
}

std::pair<int, std::string> firstFailure(Comm const& comm, std::string const& localFailure) {
  int const failed =
      comm.allreduce<int>(localFailure.empty() ? comm.size() : comm.rank(), Op::Min);
  if (failed == comm.size()) return {-1, std::string()};
  return {failed, comm.bcast(localFailure, failed)};
}

void checkOnEveryRank(Comm const& comm, std::function<void()> const& check) {
  std::string failure;
  try {
    check();
  } catch (Error const& e) {
    failure = e.what();
  }
  auto const [rank, message] = firstFailure(comm, failure);
  if (rank > 0) throw UsageError(message + " (on rank " + std::to_string(rank) + ")");
  if (rank == 0) throw UsageError(message);
}

#define VOCLOUD_COMM_INSTANTIATE(T)                                                             \
  template void Comm::allreduce<T>(T*, std::size_t, Op) const;                                  \
  template std::vector<T> Comm::allgather<T>(T) const;                                          \
  template void Comm::allgatherv<T>(std::vector<T> const&, std::vector<T>&) const;              \
  template void Comm::alltoallv<T>(std::vector<T> const&, std::vector<std::size_t> const&,      \
                                   std::vector<std::size_t>&, std::vector<T>&) const;           \
  template T Comm::exscan<T>(T) const;                                                          \
  template void Comm::bcast<T>(T*, std::size_t, int) const;                                     \
  template void Comm::bcast<T>(std::vector<T>&, int) const;

VOCLOUD_COMM_INSTANTIATE(char)
VOCLOUD_COMM_INSTANTIATE(unsigned char)
VOCLOUD_COMM_INSTANTIATE(int)
VOCLOUD_COMM_INSTANTIATE(unsigned)
VOCLOUD_COMM_INSTANTIATE(long)
VOCLOUD_COMM_INSTANTIATE(unsigned long)
VOCLOUD_COMM_INSTANTIATE(long long)
VOCLOUD_COMM_INSTANTIATE(unsigned long long)
VOCLOUD_COMM_INSTANTIATE(float)
VOCLOUD_COMM_INSTANTIATE(double)
#undef VOCLOUD_COMM_INSTANTIATE

Environment::Environment(int& argc, char**& argv) {
  int provided = 0;
  int const rc = MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  if (rc != MPI_SUCCESS) {
    std::fprintf(stderr, "vocloud: MPI_Init_thread failed\n");
    std::exit(1);
  }
}

Environment::~Environment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

bool everyRankArrivesWithin(double seconds) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized) return true;
  MPI_Request request = MPI_REQUEST_NULL;
  if (MPI_Ibarrier(MPI_COMM_WORLD, &request) != MPI_SUCCESS) return false;
  auto const deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(seconds));
  for (;;) {
    int done = 0;
    if (MPI_Test(&request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return false;
    if (done) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;  // the request stays open: the job aborts next
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void abortWorld(int code) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

int worldRank() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized) return 0;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

}  // namespace vocloud::comm
