#include "acquire/http_client.hpp"

#include "config/redact.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/version.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

namespace vocloud::acquire {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

void ensureCurl() {
  // curl_global_init must run once per process before any handle exists.
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw Error("http: curl_global_init failed");
  });
}

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct MultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
using Multi = std::unique_ptr<CURLM, MultiDeleter>;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::string userAgent() {
  return std::string("vocloud/") + core::engineVersion();
}

void commonOptions(CURL* easy, std::string const& url, HttpOptions const& options) {
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  // Only http and https, for the request and for every redirect: a hostile listing or
  // redirect must not read local files (file://) or talk to other services (gopher://).
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connectTimeout * 1000));
  // A drip (a byte now and then) must not hold a transfer forever: below minSpeed over the
  // read_timeout window it is aborted, and no attempt lasts longer than transferTimeout.
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT,
                   static_cast<long>(std::max(1., options.minSpeed)));
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(std::max(1., options.readTimeout)));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.transferTimeout * 1000));
  curl_easy_setopt(easy, CURLOPT_USERAGENT, userAgent().c_str());
  if (!options.netrcFile.empty()) {
    curl_easy_setopt(easy, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
    curl_easy_setopt(easy, CURLOPT_NETRC_FILE, options.netrcFile.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  }
}

// Transient failures are worth another attempt; the rest (404, 401, bad URL) are not.
bool isTransient(CURLcode code, long status) {
  switch (code) {
    case CURLE_OK:
      return status >= 500 || status == 408 || status == 429;
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_COULDNT_RESOLVE_HOST:
      return true;
    default:
      return false;
  }
}

std::string describe(CURLcode code, long status) {
  if (code == CURLE_UNSUPPORTED_PROTOCOL)
    return "refused: a URL or redirect to a scheme other than http or https";
  if (code == CURLE_OPERATION_TIMEDOUT)
    return std::string(curl_easy_strerror(code)) +
           " (too slow for min_speed over read_timeout, or longer than transfer_timeout)";
  if (code != CURLE_OK) return std::string(curl_easy_strerror(code));
  return "HTTP " + std::to_string(status);
}

double backoffSeconds(HttpOptions const& options, int attempt) {
  return options.backoff * static_cast<double>(1LL << std::min(attempt - 1, 20));
}

// A document in memory that may not grow past `limit` bytes.
// Where a document's body goes as it arrives (memory or a file), never more than `limit`
// bytes of it.
struct BoundedBody {
  std::uint64_t limit = 0;
  std::uint64_t received = 0;
  bool tooLarge = false;
  std::string text;  // the body, unless it goes to `file`
  File file;
  bool writeFailed = false;
};

size_t appendToBody(char* data, size_t size, size_t count, void* target) {
  auto* body = static_cast<BoundedBody*>(target);
  std::size_t const n = size * count;
  if (body->received + n > body->limit) {
    body->tooLarge = true;
    return 0;  // makes curl stop the transfer with CURLE_WRITE_ERROR
  }
  if (body->file == nullptr) {
    body->text.append(data, n);
  } else if (std::fwrite(data, 1, n, body->file.get()) != n) {
    body->writeFailed = true;
    return 0;
  }
  body->received += n;
  return n;
}

std::string schemeOf(std::string const& url) {
  auto const colon = url.find("://");
  std::string scheme = colon == std::string::npos ? "" : url.substr(0, colon);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return scheme;
}

std::string refusedScheme(std::string const& url) {
  std::string const scheme = schemeOf(url);
  return "refused: URL scheme '" + (scheme.empty() ? std::string("none") : scheme) +
         "' (only http and https are fetched; local files come from sources of kind local)";
}

}  // namespace

bool isFetchableUrl(std::string const& url) {
  std::string const scheme = schemeOf(url);
  return scheme == "http" || scheme == "https";
}

namespace {

// GETs `url` into the body `open` gives for each attempt, retrying transient failures; throws
// as fetchText() says. Returns the body of the attempt that succeeded.
BoundedBody fetchBody(std::string const& url, HttpOptions const& options,
                      std::function<BoundedBody()> const& open) {
  ensureCurl();
  std::string const shown = config::redactSecrets(url);
  if (!isFetchableUrl(url)) throw Error("http: GET " + shown + ": " + refusedScheme(url));
  std::string reason;
  for (int attempt = 1; attempt <= options.retries + 1; ++attempt) {
    Easy easy(curl_easy_init());
    if (!easy) throw Error("http: curl_easy_init failed");
    BoundedBody body = open();
    body.limit = options.maxResponseBytes;
    commonOptions(easy.get(), url, options);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, appendToBody);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(easy.get(), CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(body.limit));
    CURLcode const code = curl_easy_perform(easy.get());
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK && status < 400) return body;
    if (body.tooLarge || code == CURLE_FILESIZE_EXCEEDED)
      throw Error(
          "http: GET " + shown + ": the response is larger than acquire.max_response_bytes (" +
          std::to_string(options.maxResponseBytes) + " bytes); raise it or narrow the query");
    if (body.writeFailed)
      throw Error("http: GET " + shown + ": cannot write the response: " + std::strerror(errno));
    reason = describe(code, status);
    if (!isTransient(code, status) || attempt > options.retries) {
      throw Error("http: GET " + shown + ": " + reason + " after " + std::to_string(attempt) +
                  " attempt(s)");
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(backoffSeconds(options, attempt)));
  }
  throw Error("http: GET " + shown + ": " + reason);
}

}  // namespace

std::string fetchText(std::string const& url, HttpOptions const& options) {
  return fetchBody(url, options, [] { return BoundedBody{}; }).text;
}

void fetchToFile(std::string const& url, std::string const& dest, HttpOptions const& options) {
  std::string const part = dest + ".part";
  try {
    BoundedBody body = fetchBody(url, options, [&] {
      BoundedBody fresh;
      fresh.file = File(std::fopen(part.c_str(), "wb"));
      if (fresh.file == nullptr)
        throw Error("http: cannot write " + part + ": " + std::strerror(errno));
      return fresh;
    });
    if (std::fclose(body.file.release()) != 0)
      throw Error("http: cannot write " + part + ": " + std::strerror(errno));
    if (std::rename(part.c_str(), dest.c_str()) != 0)
      throw Error("http: cannot rename " + part + " to " + dest + ": " + std::strerror(errno));
  } catch (...) {
    std::remove(part.c_str());
    throw;
  }
}

namespace {

// One file transfer in flight or waiting for its next attempt.
struct Job {
  std::size_t index = 0;
  Transfer const* transfer = nullptr;
  TransferOutcome outcome;
  Easy easy;
  File file;
  std::string part;
  std::uint64_t offset = 0;     // bytes of .part present when the attempt started
  bool restartChecked = false;  // the first body bytes decided whether the Range was honoured
  bool writeFailed = false;
  bool overBudget = false;  // stopped because the shared byte budget would be passed
  ByteBudget* budget = nullptr;
  std::int64_t rangeTotal = -1;  // total size from "Content-Range: bytes */N" of a 416
  Clock::time_point notBefore;
};

size_t readHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* job = static_cast<Job*>(userdata);
  std::string const line(data, size * count);
  std::string lower = line;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower.rfind("content-range:", 0) == 0) {
    auto const star = lower.find("*/");
    if (star != std::string::npos) job->rangeTotal = std::atoll(lower.c_str() + star + 2);
  }
  return size * count;
}

size_t writeBody(char* data, size_t size, size_t count, void* userdata) {
  auto* job = static_cast<Job*>(userdata);
  size_t const bytes = size * count;
  long status = 0;
  curl_easy_getinfo(job->easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status >= 400) return bytes;  // an error page: not stored
  if (!job->restartChecked) {
    job->restartChecked = true;
    if (job->offset > 0 && status != 206) {
      // The server ignored the Range request: start the file again.
      job->file.reset(std::fopen(job->part.c_str(), "wb"));
      job->offset = 0;
      job->outcome.resumed = false;
    }
  }
  // Checked as bytes arrive, over every transfer: no Content-Length (or a false one) and
  // parallel transfers cannot write more than the budget together.
  if (job->budget->limited && job->budget->used + bytes > job->budget->limit) {
    job->overBudget = true;
    return 0;
  }
  if (!job->file || std::fwrite(data, 1, bytes, job->file.get()) != bytes) {
    job->writeFailed = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  job->budget->used += bytes;
  job->outcome.bytes += bytes;
  return bytes;
}

bool verifyFile(std::string const& path, Transfer const& t, std::string& why) {
  std::error_code ec;
  auto const size = fs::file_size(path, ec);
  if (ec) {
    why = "cannot stat " + path;
    return false;
  }
  if (t.expectedSize >= 0 && size != static_cast<std::uintmax_t>(t.expectedSize)) {
    why = "size " + std::to_string(size) + " != expected " + std::to_string(t.expectedSize);
    return false;
  }
  if (!t.expectedSha256.empty() && core::sha256File(path) != t.expectedSha256) {
    why = "sha256 mismatch";
    return false;
  }
  return true;
}

}  // namespace

std::vector<TransferOutcome> downloadAll(std::vector<Transfer> const& transfers,
                                         HttpOptions const& options, int parallel,
                                         ByteBudget& budget,
                                         std::function<void(std::size_t)> const& onDone) {
  ensureCurl();
  std::vector<TransferOutcome> outcomes(transfers.size());
  std::deque<std::unique_ptr<Job>> waiting;
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    auto job = std::make_unique<Job>();
    job->index = i;
    job->transfer = &transfers[i];
    job->part = transfers[i].dest + ".part";
    waiting.push_back(std::move(job));
  }
  Multi multi(curl_multi_init());
  if (!multi) throw Error("http: curl_multi_init failed");
  std::vector<std::unique_ptr<Job>> active;

  auto finish = [&](std::unique_ptr<Job> job) {
    std::error_code ec;
    if (!job->outcome.ok) fs::remove(job->part, ec);  // nothing half-done stays behind
    outcomes[job->index] = job->outcome;
    if (onDone) onDone(job->index);
  };

  auto start = [&](std::unique_ptr<Job> job) {
    Transfer const& t = *job->transfer;
    std::error_code ec;
    if (job->outcome.attempts == 0 && fs::exists(t.dest, ec)) {
      std::string why;
      if (verifyFile(t.dest, t, why)) {  // complete from an earlier run
        job->outcome.ok = job->outcome.skipped = true;
        finish(std::move(job));
        return;
      }
      fs::remove(t.dest, ec);
    }
    if (!isFetchableUrl(t.url)) {
      job->outcome.error = refusedScheme(t.url);
      finish(std::move(job));
      return;
    }
    if (budget.exhausted()) {
      job->outcome.error = "max_bytes reached";
      finish(std::move(job));
      return;
    }
    fs::create_directories(fs::path(t.dest).parent_path(), ec);
    job->offset = fs::exists(job->part, ec) ? fs::file_size(job->part, ec) : 0;
    job->file.reset(std::fopen(job->part.c_str(), job->offset > 0 ? "ab" : "wb"));
    if (!job->file) {
      job->outcome.error = "cannot write " + job->part;
      finish(std::move(job));
      return;
    }
    job->outcome.attempts += 1;
    job->outcome.resumed = job->offset > 0;
    job->restartChecked = false;
    job->writeFailed = false;
    job->overBudget = false;
    job->budget = &budget;
    job->easy.reset(curl_easy_init());
    commonOptions(job->easy.get(), t.url, options);
    curl_easy_setopt(job->easy.get(), CURLOPT_WRITEFUNCTION, writeBody);
    curl_easy_setopt(job->easy.get(), CURLOPT_WRITEDATA, job.get());
    curl_easy_setopt(job->easy.get(), CURLOPT_HEADERFUNCTION, readHeader);
    curl_easy_setopt(job->easy.get(), CURLOPT_HEADERDATA, job.get());
    curl_easy_setopt(job->easy.get(), CURLOPT_PRIVATE, job.get());
    job->rangeTotal = -1;
    if (job->offset > 0)
      curl_easy_setopt(job->easy.get(), CURLOPT_RESUME_FROM_LARGE,
                       static_cast<curl_off_t>(job->offset));
    if (budget.limited)  // a Content-Length over what is left fails at once
      curl_easy_setopt(job->easy.get(), CURLOPT_MAXFILESIZE_LARGE,
                       static_cast<curl_off_t>(budget.limit - budget.used + job->offset));
    curl_multi_add_handle(multi.get(), job->easy.get());
    active.push_back(std::move(job));
  };

  while (!waiting.empty() || !active.empty()) {
    // Start what may start now: jobs waiting for a retry go when their time has come.
    auto const now = Clock::now();
    for (std::size_t n = waiting.size(); n > 0 && static_cast<int>(active.size()) < parallel; --n) {
      auto job = std::move(waiting.front());
      waiting.pop_front();
      if (job->notBefore > now)
        waiting.push_back(std::move(job));
      else
        start(std::move(job));
    }
    if (active.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    int running = 0;
    curl_multi_perform(multi.get(), &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Job* raw = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &raw);
      CURLcode const code = message->data.result;
      curl_multi_remove_handle(multi.get(), message->easy_handle);
      auto it =
          std::find_if(active.begin(), active.end(), [&](auto const& j) { return j.get() == raw; });
      std::unique_ptr<Job> job = std::move(*it);
      active.erase(it);
      long status = 0;
      curl_easy_getinfo(job->easy.get(), CURLINFO_RESPONSE_CODE, &status);
      job->outcome.httpStatus = status;
      job->file.reset();  // flush and close the .part file
      Transfer const& t = *job->transfer;
      std::error_code ec;
      // A 416 to a resume request whose "Content-Range: bytes */N" equals what we hold
      // means the earlier attempt had already received everything (e.g. a server that
      // announced a wrong Content-Length).
      bool const alreadyWhole = status == 416 && job->offset > 0 &&
                                job->rangeTotal == static_cast<std::int64_t>(job->offset);
      if (status == 416 && !alreadyWhole) fs::remove(job->part, ec);  // start from scratch
      bool const transferred = alreadyWhole || (code == CURLE_OK && (status == 0 || status < 400));
      bool const budgetHit = job->overBudget || (code == CURLE_FILESIZE_EXCEEDED && budget.limited);
      std::string why;
      if (transferred && verifyFile(job->part, t, why)) {
        fs::rename(job->part, t.dest, ec);
        if (ec) {
          job->outcome.error = "cannot rename " + job->part + ": " + ec.message();
        } else {
          job->outcome.ok = true;
          job->outcome.error.clear();
        }
        finish(std::move(job));
        continue;
      }
      if (transferred) {
        // Complete but wrong: start again from nothing, once per remaining attempt.
        fs::remove(job->part, ec);
        job->outcome.error = why;
      } else {
        job->outcome.error = job->writeFailed ? "cannot write " + job->part
                             : budgetHit      ? std::string("max_bytes reached")
                                              : describe(code, status);
        if (status >= 400 && status != 416) fs::remove(job->part, ec);  // never keep an error page
      }
      bool const retry =
          (transferred || isTransient(code, status) || (status == 416 && job->offset > 0)) &&
          !job->writeFailed && !budgetHit && job->outcome.attempts <= options.retries;
      if (retry) {
        job->notBefore = Clock::now() +
                         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                             backoffSeconds(options, job->outcome.attempts)));
        job->easy.reset();
        waiting.push_back(std::move(job));
      } else {
        job->outcome.error += " after " + std::to_string(job->outcome.attempts) + " attempt(s)";
        finish(std::move(job));
      }
    }
    if (!active.empty()) curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
  }
  return outcomes;
}

std::string resolveUrl(std::string const& base, std::string const& reference) {
  ensureCurl();
  CURLU* url = curl_url();
  if (url == nullptr) throw Error("http: curl_url failed");
  std::unique_ptr<CURLU, void (*)(CURLU*)> guard(url, curl_url_cleanup);
  if (curl_url_set(url, CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
      curl_url_set(url, CURLUPART_URL, reference.c_str(), 0) != CURLUE_OK)
    throw Error("http: cannot resolve '" + reference + "' against '" + base + "'");
  char* text = nullptr;
  if (curl_url_get(url, CURLUPART_URL, &text, 0) != CURLUE_OK)
    throw Error("http: cannot resolve '" + reference + "' against '" + base + "'");
  std::string result(text);
  curl_free(text);
  return result;
}

std::string urlEncode(std::string const& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

}  // namespace vocloud::acquire
