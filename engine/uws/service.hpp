#pragma once
// The vocloud-uws service: the job store, the accounts, the scheduler with its launcher and
// the HTTP(S) server (cpp-httplib) that serves UWS 1.1 at /jobs.
#include "uws/job_store.hpp"
#include "uws/launcher.hpp"
#include "uws/mail.hpp"
#include "uws/scheduler.hpp"
#include "uws/service_config.hpp"
#include "uws/users.hpp"

#include <atomic>
#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace vocloud::uws {

struct Routes;

class Service {
 public:
  /// Opens the store and the users file, builds the launcher (`self` is the vocloud-uws
  /// executable, whose folder also holds `vocloud` unless launcher.vocloud says otherwise)
  /// and binds the listening socket. Throws vocloud::Error when any of it fails.
  Service(ServiceConfig config, std::string const& self);
  ~Service();
  Service(Service const&) = delete;
  Service& operator=(Service const&) = delete;

  /// The URL of the job list ("http://127.0.0.1:8080/jobs").
  std::string jobsUrl() const { return _baseUrl + "/jobs"; }
  /// Reconciles the store with running jobs, then serves until stop(). Returns false when
  /// the server failed.
  bool serve();
  /// Ends serve() (from another thread); running jobs keep running.
  void stop();

 private:
  friend struct Routes;
  /// Mails the owner of a job that has just ended, when they asked (NOTIFY=mail).
  void notifyEnded(Job const& job);

  ServiceConfig _config;
  JobStore _store;
  Users _users;
  std::unique_ptr<Launcher> _launcher;
  Mailer _mailer;  ///< before the scheduler, whose thread posts to it
  Scheduler _scheduler;
  std::unique_ptr<httplib::Server> _http;
  std::unique_ptr<Routes> _routes;  ///< the handlers point to it: it lives as long as _http
  std::string _baseUrl;
  std::atomic<int> _waiting{0};  ///< requests blocked in WAIT now
  int _maxWaiting = 1;           ///< beyond it a WAIT answers at once (workers kept free)
};

}  // namespace vocloud::uws
