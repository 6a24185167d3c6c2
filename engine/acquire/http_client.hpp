#pragma once
// HTTP(S) transfers with libcurl: small documents into memory (VOTables, index pages) and
// files to disk with a multi handle (N transfers at once), retries with back-off, resume of
// partial files, size and checksum checks. A file appears under its final name only once it
// is complete and verified; until then it is "<dest>.part".
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vocloud::acquire {

struct HttpOptions {
  double connectTimeout = 15;     ///< seconds
  double readTimeout = 60;        ///< window (s) over which a transfer must average minSpeed
  double minSpeed = 1024;         ///< bytes/s; slower over readTimeout seconds: aborted
  double transferTimeout = 3600;  ///< seconds one attempt of one transfer may take in all
  std::uint64_t maxResponseBytes = 256ULL << 20;  ///< largest document fetchText keeps
  int retries = 3;                                ///< further attempts after a transient failure
  double backoff = 1;     ///< seconds before the first retry, doubled each time
  std::string netrcFile;  ///< credentials for Basic auth ("" = none)
};

/// True when `url` is http:// or https:// (any case): the only schemes requested or
/// followed in a redirect. Local files come only from sources of kind local.
bool isFetchableUrl(std::string const& url);

/// GETs `url` into memory, retrying transient failures. Throws vocloud::Error
/// ("http: GET <url>: <reason> after N attempt(s)", the URL with its secrets redacted) when
/// it cannot: a scheme other than http(s), a body over `maxResponseBytes` (checked as bytes
/// arrive), a transfer slower than `minSpeed` or longer than `transferTimeout`.
std::string fetchText(std::string const& url, HttpOptions const& options);

/// GETs `url` into the file `dest` as the bytes arrive (through "<dest>.part", renamed when
/// complete; nothing is left behind on failure), so that a large response is never held in
/// memory. Limits, retries and errors as fetchText().
void fetchToFile(std::string const& url, std::string const& dest, HttpOptions const& options);

struct Transfer {
  std::string url;
  std::string dest;                ///< final path; the download goes to dest + ".part"
  std::int64_t expectedSize = -1;  ///< bytes, -1 = unknown
  std::string expectedSha256;      ///< hex, "" = unknown
};

struct TransferOutcome {
  bool ok = false;
  bool skipped = false;  ///< dest already complete: nothing downloaded
  bool resumed = false;  ///< continued a partial file with a Range request
  long httpStatus = 0;   ///< last HTTP status (0 when none was received)
  int attempts = 0;
  std::uint64_t bytes = 0;  ///< bytes received in this run
  std::string error;        ///< why it failed ("" when ok)
};

/// Bytes that downloads may write together; one budget may serve several downloadAll calls.
struct ByteBudget {
  bool limited = false;
  std::uint64_t limit = 0;  ///< bytes, when limited
  std::uint64_t used = 0;   ///< bytes written so far
  bool exhausted() const { return limited && used >= limit; }
};

/// Downloads every transfer, at most `parallel` at once. `budget` bounds the bytes written
/// by all transfers together (and counts them): a transfer that would pass it is stopped as
/// its bytes arrive, and those that did not start fail, all with "max_bytes reached". A URL
/// other than http(s) is refused without a request. A transfer that fails for good leaves
/// no ".part" file behind.
/// `onDone(i)` is called as each transfer i ends. Outcomes are in the order of `transfers`.
std::vector<TransferOutcome> downloadAll(std::vector<Transfer> const& transfers,
                                         HttpOptions const& options, int parallel,
                                         ByteBudget& budget,
                                         std::function<void(std::size_t)> const& onDone = {});

/// `reference` resolved against `base` (RFC 3986), e.g. for links of an index page.
std::string resolveUrl(std::string const& base, std::string const& reference);

/// Percent-encodes a query parameter value.
std::string urlEncode(std::string const& text);

}  // namespace vocloud::acquire
