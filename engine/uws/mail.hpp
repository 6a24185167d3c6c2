#pragma once
// Mail to a job's owner when the job reaches a final phase: the message (job id, phase, run
// time, links to the results) and its delivery over SMTP with libcurl, on a thread of its own
// so that a slow or absent mail server never holds up a job. A failure is logged, never
// raised: mail never fails a job.
#include "uws/job.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vocloud::uws {

/// Where and how mail is sent (the service's `mail` section).
struct MailOptions {
  std::string smtpUrl;  ///< smtp://host:port or smtps://...; empty: no mail is sent
  std::string from = "vocloud-uws@localhost";
  std::string user;      ///< SMTP login (empty: none)
  std::string password;  ///< its password
  double timeoutSeconds = 20;
};

struct MailMessage {
  std::string to;
  std::string subject;
  std::string body;
};

/// The message telling `to` that `job` ended: its id, run label, phase, run time (seconds),
/// error summary, and the links of its results (`resultLinks`: name -> URL) and its page.
MailMessage jobEndedMail(Job const& job, std::string const& to, std::string const& jobUrl,
                         std::vector<std::pair<std::string, std::string>> const& resultLinks);

/// The RFC 5322 text of `message` from `from` (headers, a blank line, the body with CRLF).
std::string mailText(MailMessage const& message, std::string const& from);

/// Sends `message` through options.smtpUrl; returns "" or why it failed (libcurl's words).
std::string sendMail(MailOptions const& options, MailMessage const& message);

/// Sends messages one after another on its own thread; the destructor sends what is queued
/// (each within the timeout) and joins it.
class Mailer {
 public:
  explicit Mailer(MailOptions options);
  ~Mailer();
  Mailer(Mailer const&) = delete;
  Mailer& operator=(Mailer const&) = delete;

  /// Queues `message`; `what` names it in the log ("job 0123...").
  void post(MailMessage message, std::string what);

 private:
  void loop();

  MailOptions _options;
  std::mutex _mutex;
  std::condition_variable _wake;
  std::deque<std::pair<MailMessage, std::string>> _queue;
  bool _stop = false;
  std::thread _thread;
};

}  // namespace vocloud::uws
