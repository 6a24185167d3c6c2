#include "uws/mail.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

namespace vocloud::uws {

namespace {

// Header values come from job data and the users file: no line breaks may end up in them.
std::string oneLine(std::string text) {
  for (char& c : text)
    if (c == '\r' || c == '\n') c = ' ';
  return text;
}

std::string rfc5322Date() {
  std::time_t const now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return text;
}

// libcurl reads the upload from this: the message text, consumed from `offset`.
struct Upload {
  std::string text;
  std::size_t offset = 0;
};

std::size_t readUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t const n = std::min(size * count, upload->text.size() - upload->offset);
  std::memcpy(buffer, upload->text.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

MailMessage jobEndedMail(Job const& job, std::string const& to, std::string const& jobUrl,
                         std::vector<std::pair<std::string, std::string>> const& resultLinks) {
  MailMessage m;
  m.to = to;
  std::string const phase = phaseName(job.phase);
  m.subject = "vocloud-uws: job " + job.id + (job.runId.empty() ? "" : " (" + job.runId + ")") +
              " " + phase;
  double const runTime =
      job.startTime > 0 && job.endTime >= job.startTime ? job.endTime - job.startTime : 0.0;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", runTime);
  std::string& b = m.body;
  b += "Job: " + job.id + "\n";
  if (!job.runId.empty()) b += "Run id: " + job.runId + "\n";
  b += "Phase: " + phase + "\n";
  b += "Run time: " + std::string(seconds) + " s\n";
  if (job.startTime > 0) b += "Started: " + isoTime(job.startTime) + "\n";
  if (job.endTime > 0) b += "Ended: " + isoTime(job.endTime) + "\n";
  b += "Job: " + jobUrl + "\n";
  if (!job.error.empty()) b += "\nError:\n" + job.error + "\n";
  b += "\nResults:\n";
  for (auto const& [name, url] : resultLinks) b += "  " + name + ": " + url + "\n";
  return m;
}

std::string mailText(MailMessage const& message, std::string const& from) {
  std::string text = "Date: " + rfc5322Date() + "\r\nFrom: <" + oneLine(from) + ">\r\nTo: <" +
                     oneLine(message.to) + ">\r\nSubject: " + oneLine(message.subject) +
                     "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     "Content-Transfer-Encoding: 8bit\r\n\r\n";
  for (char c : message.body) {
    if (c == '\n')
      text += "\r\n";
    else if (c != '\r')
      text += c;
  }
  return text;
}

std::string sendMail(MailOptions const& options, MailMessage const& message) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return "libcurl could not start";
  Upload upload{mailText(message, options.from)};
  std::unique_ptr<curl_slist, SlistDeleter> to(
      curl_slist_append(nullptr, ("<" + oneLine(message.to) + ">").c_str()));
  std::string const from = "<" + oneLine(options.from) + ">";
  char error[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options.smtpUrl.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, readUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeoutSeconds * 1000));
  if (!options.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options.password.c_str());
  }
  CURLcode const rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return "";
  return std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : "");
}

Mailer::Mailer(MailOptions options) : _options(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted; released in the destructor
  _thread = std::thread([this] { loop(); });
}

Mailer::~Mailer() {
  {
    std::lock_guard lock(_mutex);
    _stop = true;
  }
  _wake.notify_all();
  _thread.join();
  curl_global_cleanup();
}

void Mailer::post(MailMessage message, std::string what) {
  {
    std::lock_guard lock(_mutex);
    _queue.emplace_back(std::move(message), std::move(what));
  }
  _wake.notify_all();
}

void Mailer::loop() {
  for (;;) {
    std::unique_lock lock(_mutex);
    _wake.wait(lock, [this] { return _stop || !_queue.empty(); });
    if (_queue.empty()) return;  // stopping, nothing left
    auto [message, what] = std::move(_queue.front());
    _queue.pop_front();
    lock.unlock();
    std::string const problem = sendMail(_options, message);
    if (problem.empty())
      std::fprintf(stderr, "vocloud-uws: mail: %s: sent to %s\n", what.c_str(), message.to.c_str());
    else
      std::fprintf(stderr, "vocloud-uws: mail: %s: could not send to %s through %s: %s\n",
                   what.c_str(), message.to.c_str(), _options.smtpUrl.c_str(), problem.c_str());
  }
}

}  // namespace vocloud::uws
