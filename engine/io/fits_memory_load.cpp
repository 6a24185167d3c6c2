// Getting a FITS file's bytes into memory: FileBytes (read on demand with pread), gzip
// inflated with zlib, and the rare unix-compress (.Z) and pack files uncompressed by CFITSIO.
#include "io/fits_memory.hpp"

#include "io/fits_file.hpp"
#include "io/fits_read.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <utility>

namespace vocloud::io {
namespace detail {

namespace {

using Reason = ReadError::Reason;

// Blocks read when a file is opened (headers of most spectra; a small file whole) and the
// least read at a time after: a syscall costs as much as copying a few blocks.
constexpr std::size_t kFirstReadBlocks = 8;
constexpr std::size_t kWholeFileBytes = 64 * 1024;
constexpr std::size_t kMinReadBlocks = 4;

// An inflate stream, ended on scope exit.
class InflateStream {
 public:
  InflateStream() {
    if (inflateInit2(&_stream, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  InflateStream(InflateStream const&) = delete;
  InflateStream& operator=(InflateStream const&) = delete;
  ~InflateStream() { inflateEnd(&_stream); }
  z_stream* get() { return &_stream; }

 private:
  z_stream _stream{};
};

bool startsWith(std::string_view bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && bytes.compare(0, magic.size(), magic) == 0;
}

}  // namespace

void ByteBuffer::resize(std::size_t size) {
  if (size > _capacity) {
    void* grown = std::realloc(_data.get(), size);
    if (grown == nullptr) throw std::bad_alloc();
    _data.release();
    _data.reset(static_cast<char*>(grown));
    _capacity = size;
  }
  _size = size;
}

FileBytes FileBytes::open(std::string const& path) {
  FileBytes file;
  file._path = path;
  // O_NONBLOCK: opening a FIFO by mistake must not wait for a writer.
  file._fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (file._fd < 0) {
    int const error = errno;
    if (error == ENOENT || error == ENOTDIR)
      throw ReadError(Reason::NotFound, path, "no such file");
    throw ReadError(Reason::Unreadable, path, std::strerror(error));
  }
  struct stat info {};
  if (::fstat(file._fd, &info) != 0)
    throw ReadError(Reason::Unreadable, path, std::strerror(errno));
  if (S_ISDIR(info.st_mode)) throw ReadError(Reason::Unreadable, path, "is a directory");
  if (!S_ISREG(info.st_mode)) throw ReadError(Reason::Unreadable, path, "not a regular file");
  if (info.st_size == 0) throw ReadError(Reason::ZeroLength, path, "the file is empty (0 bytes)");
  std::size_t const size = static_cast<std::size_t>(info.st_size);
  file._bytes.resize(size);
  std::size_t const blocks = (size + kFitsBlock - 1) / kFitsBlock;
  file._loaded.assign(blocks, false);
  file._missing = blocks;
  file.readBlocks(0, size <= kWholeFileBytes ? blocks : std::min(blocks, kFirstReadBlocks));
  return file;
}

FileBytes::FileBytes(std::string path, ByteBuffer bytes)
    : _path(std::move(path)), _bytes(std::move(bytes)) {}

FileBytes::FileBytes(FileBytes&& other) noexcept
    : _path(std::move(other._path)),
      _fd(std::exchange(other._fd, -1)),
      _bytes(std::move(other._bytes)),
      _loaded(std::move(other._loaded)),
      _missing(std::exchange(other._missing, 0)) {}

FileBytes& FileBytes::operator=(FileBytes&& other) noexcept {
  if (this != &other) {
    if (_fd >= 0) ::close(_fd);
    _path = std::move(other._path);
    _fd = std::exchange(other._fd, -1);
    _bytes = std::move(other._bytes);
    _loaded = std::move(other._loaded);
    _missing = std::exchange(other._missing, 0);
  }
  return *this;
}

FileBytes::~FileBytes() {
  if (_fd >= 0) ::close(_fd);
}

void FileBytes::readBlocks(std::size_t first, std::size_t end) {
  std::size_t const from = first * kFitsBlock;
  std::size_t const to = std::min(end * kFitsBlock, _bytes.size());
  std::size_t got = 0;
  while (from + got < to) {
    ssize_t const n =
        ::pread(_fd, _bytes.data() + from + got, to - from - got, static_cast<off_t>(from + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ReadError(Reason::Unreadable, _path, std::strerror(errno));
    if (n == 0)
      throw ReadError(Reason::Truncated, _path,
                      "the file ends at byte " + std::to_string(from + got) +
                          ", shorter than the " + std::to_string(_bytes.size()) +
                          " bytes it had when opened");
    got += static_cast<std::size_t>(n);
  }
  for (std::size_t block = first; block < end; ++block) _loaded[block] = true;
  _missing -= end - first;
}

char const* FileBytes::ensure(std::uint64_t offset, std::uint64_t length) {
  std::uint64_t const size = _bytes.size();
  if (_missing == 0 || length == 0 || offset >= size) return _bytes.data();
  std::uint64_t const end = length > size - offset ? size : offset + length;
  std::size_t block = static_cast<std::size_t>(offset / kFitsBlock);
  std::size_t const last = static_cast<std::size_t>((end + kFitsBlock - 1) / kFitsBlock);
  while (block < last) {
    if (_loaded[block]) {
      ++block;
      continue;
    }
    std::size_t stop = block + 1;
    while (stop < _loaded.size() && !_loaded[stop] &&
           (stop < last || stop - block < kMinReadBlocks))
      ++stop;
    readBlocks(block, stop);
    block = stop;
  }
  return _bytes.data();
}

std::string_view FileBytes::all() {
  ensure(0, _bytes.size());
  return _bytes.view();
}

}  // namespace detail

std::uint64_t inflateLimit(ReadOptions const& options, std::uint64_t packedBytes) {
  double const byRatio = std::max(0.0, options.maxInflateRatio) * static_cast<double>(packedBytes);
  std::uint64_t const wanted =
      byRatio >= 1.8e19 ? ~std::uint64_t{0}
                        : std::max(static_cast<std::uint64_t>(byRatio), kInflateFloorBytes);
  return std::min(wanted, options.maxInflatedBytes);
}

namespace detail {

std::string inflatedTooLarge(std::uint64_t packedBytes, ReadOptions const& options,
                             char const* kind) {
  std::uint64_t const limit = inflateLimit(options, packedBytes);
  char text[280];
  std::snprintf(
      text, sizeof text,
      "the %s content goes on past %llu bytes, %.0f times its %llu compressed bytes "
      "(inflating stops at max(%g x, 16 MiB), at most %llu bytes; real spectra inflate "
      "2-5 times): a %s bomb?",
      kind, static_cast<unsigned long long>(limit),
      static_cast<double>(limit) / static_cast<double>(std::max<std::uint64_t>(1, packedBytes)),
      static_cast<unsigned long long>(packedBytes), options.maxInflateRatio,
      static_cast<unsigned long long>(options.maxInflatedBytes), kind);
  return text;
}

GzipContent inflateGzip(std::string_view packed, std::uint64_t limit) {
  // One byte past the limit tells content that goes on from content that ends there.
  std::size_t const most =
      static_cast<std::size_t>(std::min<std::uint64_t>(limit, SIZE_MAX - 1)) + 1;
  // ISIZE, the last 4 bytes, is the content size modulo 2^32 (of the last member): a good
  // first guess, grown by doubling when wrong.
  std::size_t guess = packed.size() * 4;
  if (packed.size() >= 18) {
    auto const* tail = reinterpret_cast<unsigned char const*>(packed.data() + packed.size() - 4);
    std::size_t const isize = tail[0] | tail[1] << 8 | tail[2] << 16 | std::size_t{tail[3]} << 24;
    // deflate expands at most ~1032 times: a corrupt ISIZE must not reserve gigabytes
    if (isize >= kFitsBlock) guess = std::min(isize, packed.size() * 1032);
  }
  ByteBuffer bytes(std::min(most, std::max<std::size_t>(guess, kFitsBlock)));
  InflateStream stream;
  z_stream* z = stream.get();
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  std::size_t inputLeft = packed.size(), produced = 0;
  GzipContent content;
  while (true) {
    if (produced == most) {
      content.tooLarge = true;
      produced = most - 1;
      break;
    }
    if (produced == bytes.size()) bytes.resize(std::min(most, bytes.size() * 2));
    // zlib counts in uInt: feed and drain at most 1 GiB per call
    uInt const in = static_cast<uInt>(std::min<std::size_t>(inputLeft, 1u << 30));
    uInt const out = static_cast<uInt>(std::min<std::size_t>(bytes.size() - produced, 1u << 30));
    z->avail_in = in;
    z->next_out = reinterpret_cast<Bytef*>(bytes.data() + produced);
    z->avail_out = out;
    int const status = inflate(z, Z_NO_FLUSH);
    inputLeft -= in - z->avail_in;
    produced += out - z->avail_out;
    if (status == Z_STREAM_END) {
      // Concatenated members (gzip -c a b) are one file; anything else after is ignored.
      if (inputLeft >= 2 && z->next_in[0] == 0x1f && z->next_in[1] == 0x8b) {
        inflateReset(z);
        continue;
      }
      break;
    }
    if (status == Z_OK) continue;
    // room runs out (grow), or more than 1 GiB of input to feed
    if (status == Z_BUF_ERROR && (z->avail_out == 0 || inputLeft > 0)) continue;
    if (status == Z_BUF_ERROR)
      content.complete = false;  // cut: the content up to the cut, judged by the caller
    else
      content.problem =
          std::string("corrupt gzip stream: ") + (z->msg != nullptr ? z->msg : "zlib error");
    break;
  }
  bytes.resize(produced);
  content.bytes = std::move(bytes);
  return content;
}

FitsMemory FitsMemory::fromGzip(std::string path, std::string_view packed,
                                ReadOptions const& options) {
  GzipContent content = inflateGzip(packed, inflateLimit(options, packed.size()));
  if (content.tooLarge)
    throw ReadError(Reason::TooLarge, path, inflatedTooLarge(packed.size(), options));
  std::size_t const produced = content.bytes.size();
  bool const fits = startsWith(content.bytes.view(), "SIMPLE  =");
  // A cut stream still gives the content up to the cut: as for a cut plain file, the FITS
  // layer decides whether what a reader needs is there (a lost trailer is harmless). With no
  // FITS content to judge, the stream itself is truncated.
  if (!content.problem.empty() && (fits || produced < 9))
    throw ReadError(Reason::Unreadable, path, content.problem);
  if (!content.complete && produced < 9)
    throw ReadError(
        Reason::Truncated, path,
        "the gzip stream ends early, after " + std::to_string(produced) + " bytes of content");
  if (!fits) throw ReadError(Reason::NotFits, path, "gzip-compressed, but the content is not FITS");
  return FitsMemory(std::move(path), std::move(content.bytes));
}

namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

}  // namespace

GzipContent uncompressLzw(std::string_view packed, std::uint64_t limit) {
  std::unique_ptr<archive, ArchiveFree> const reader(archive_read_new());
  if (!reader) throw std::bad_alloc();
  archive* a = reader.get();
  archive_read_support_filter_compress(a);
  archive_read_support_format_raw(a);
  GzipContent content;
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(a, packed.data(), packed.size()) != ARCHIVE_OK ||
      archive_read_next_header(a, &entry) != ARCHIVE_OK) {
    content.problem = std::string("corrupt unix-compress stream: ") + archive_error_string(a);
    return content;
  }
  // One byte past the limit tells content that goes on from content that ends there.
  std::size_t const most =
      static_cast<std::size_t>(std::min<std::uint64_t>(limit, SIZE_MAX - 1)) + 1;
  ByteBuffer bytes(std::min(most, std::max<std::size_t>(packed.size() * 4, kFitsBlock)));
  std::size_t produced = 0;
  while (true) {
    if (produced == most) {
      content.tooLarge = true;
      produced = most - 1;
      break;
    }
    if (produced == bytes.size()) bytes.resize(std::min(most, bytes.size() * 2));
    la_ssize_t const n = archive_read_data(a, bytes.data() + produced, bytes.size() - produced);
    if (n == 0) break;
    if (n < 0) {
      content.problem = std::string("corrupt unix-compress stream: ") + archive_error_string(a);
      break;
    }
    produced += static_cast<std::size_t>(n);
  }
  bytes.resize(produced);
  content.bytes = std::move(bytes);
  return content;
}

FitsMemory FitsMemory::fromCompressed(std::string path, std::string_view packed,
                                      ReadOptions const& options) {
  std::uint64_t const limit = inflateLimit(options, packed.size());
  if (startsWith(packed, "\x1f\x9d")) {
    GzipContent content = uncompressLzw(packed, limit);
    if (content.tooLarge)
      throw ReadError(Reason::TooLarge, path,
                      inflatedTooLarge(packed.size(), options, "unix-compress"));
    if (!startsWith(content.bytes.view(), "SIMPLE  ="))
      throw ReadError(
          content.problem.empty() ? Reason::NotFits : Reason::Unreadable, path,
          content.problem.empty() ? "compressed, but the content is not FITS" : content.problem);
    if (!content.problem.empty()) throw ReadError(Reason::Unreadable, path, content.problem);
    return FitsMemory(std::move(path), std::move(content.bytes));
  }
  // CFITSIO allocates the size a pkzip header claims before it fails (4.2 cannot uncompress
  // pkzip): a 100-byte file asked for 3.6 GB under the fuzzer.
  if (startsWith(packed, "PK\x03\x04"))
    throw ReadError(Reason::Unreadable, path,
                    "pkzip-compressed: not read (CFITSIO cannot uncompress it); unzip it first");
  if (packed.size() * 8 > limit)
    throw ReadError(Reason::TooLarge, path,
                    "a pack-compressed file of " + std::to_string(packed.size()) +
                        " bytes may uncompress to 8 times that, past the " + std::to_string(limit) +
                        " bytes a compressed file may reach");
  // CFITSIO uncompresses the file into memory when it opens it; copying every HDU into a
  // memory file gives us the bytes.
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  void* memory = nullptr;
  std::size_t memorySize = 0;
  std::unique_ptr<void, Free> owned;
  try {
    FitsFile const in = FitsFile::open(path);
    fitsfile* out = nullptr;
    int status = 0;
    fits_create_memfile(&out, &memory, &memorySize, 0, std::realloc, &status);
    if (status == 0) {
      fits_copy_file(in.get(), out, 1, 1, 1, &status);
      int closing = 0;
      fits_close_file(out, &closing);  // keeps the memory (ours to free)
      if (status == 0) status = closing;
    }
    owned.reset(memory);
    checkFits(status, "uncompressing", path);
  } catch (FitsError const& e) {
    owned.reset(memory);
    throw ReadError(reasonForStatus(e.status()), path, e.what());
  }
  ByteBuffer bytes(memorySize);
  if (memorySize > 0) std::memcpy(bytes.data(), memory, memorySize);
  if (!startsWith(bytes.view(), "SIMPLE  ="))
    throw ReadError(Reason::NotFits, path, "compressed, but the content is not FITS");
  return FitsMemory(std::move(path), std::move(bytes));
}

}  // namespace detail
}  // namespace vocloud::io
