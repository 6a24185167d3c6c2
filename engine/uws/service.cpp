#include "uws/service.hpp"

#include "core/error.hpp"
#include "uws/local_launcher.hpp"
#include "uws/results.hpp"
#include "uws/routes.hpp"
#include "uws/slurm_launcher.hpp"

#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace vocloud::uws {

namespace {

SchedulerOptions schedulerOptions(ServiceConfig const& config) {
  SchedulerOptions o;
  o.maxRunning = config.launcher.maxRunning;
  o.maxRunningPerUser = config.jobs.maxRunningPerUser;
  o.pollSeconds = config.launcher.pollSeconds;
  o.killGraceSeconds = config.launcher.killGraceSeconds;
  o.reaperSeconds = config.jobs.reaperSeconds;
  return o;
}

std::unique_ptr<Launcher> makeLauncher(ServiceConfig const& config, std::string const& self) {
  namespace fs = std::filesystem;
  std::string const selfPath = fs::absolute(self).string();
  std::string vocloud = config.launcher.vocloud;
  if (vocloud.empty()) vocloud = (fs::path(selfPath).parent_path() / "vocloud").string();
  if (!fs::exists(vocloud))
    throw UsageError("uws: launcher.vocloud: no vocloud executable at " + vocloud);
  if (config.launcher.kind == "slurm")
    return std::make_unique<SlurmLauncher>(config.launcher.slurm, selfPath,
                                           fs::absolute(vocloud).string());
  return std::make_unique<LocalLauncher>(config.launcher, selfPath, vocloud);
}

std::unique_ptr<httplib::Server> makeServer(ServerOptions const& options) {
  if (options.tlsCert.empty()) return std::make_unique<httplib::Server>();
  auto server =
      std::make_unique<httplib::SSLServer>(options.tlsCert.c_str(), options.tlsKey.c_str());
  if (!server->is_valid())
    throw UsageError("uws: server.tls_cert: cannot load the certificate " + options.tlsCert +
                     " with the key " + options.tlsKey);
  return server;
}

}  // namespace

Service::Service(ServiceConfig config, std::string const& self)
    : _config(std::move(config)),
      _store(_config.storeDir),
      _users(_config.usersFile),
      _launcher(makeLauncher(_config, self)),
      _mailer(_config.mail),
      _scheduler(_store, *_launcher, schedulerOptions(_config)),
      _http(makeServer(_config.server)) {
  auto const& s = _config.server;
  _http->set_payload_max_length(static_cast<std::size_t>(s.maxRequestBytes));
  // WAIT requests block a worker each: room for many waiting clients, and a reserve of
  // workers that WAIT never takes, so that other requests are answered meanwhile.
  int const threads = s.threads;
  _maxWaiting = threads - std::max(4, threads / 8);
  _http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // One line per request on stderr (never bodies or credentials).
  _http->set_logger([](httplib::Request const& req, httplib::Response const& res) {
    std::string path = req.path.substr(0, 200);
    for (char& c : path)  // no control characters from a user into the log
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    std::fprintf(stderr, "vocloud-uws: %s %s %s %d\n", req.remote_addr.c_str(), req.method.c_str(),
                 path.c_str(), res.status);
  });
  _scheduler.onFinal([this](Job const& job) { notifyEnded(job); });
  _routes = std::make_unique<Routes>(Routes{*this});
  _routes->install(*_http);
  int port = s.port;
  if (port == 0) {
    port = _http->bind_to_any_port(s.host);
    if (port < 0) throw Error("uws: server: cannot listen on " + s.host);
  } else if (!_http->bind_to_port(s.host, port)) {
    throw Error("uws: server: cannot listen on " + s.host + ":" + std::to_string(port));
  }
  std::string const host = s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host;
  _baseUrl = !s.publicUrl.empty() ? s.publicUrl
                                  : std::string(s.tlsCert.empty() ? "http" : "https") + "://" +
                                        host + ":" + std::to_string(port);
  while (!_baseUrl.empty() && _baseUrl.back() == '/') _baseUrl.pop_back();
}

Service::~Service() {
  stop();
  _scheduler.stop();
}

void Service::notifyEnded(Job const& job) {
  std::string const dir = _store.jobDir(job.id);
  if (!std::filesystem::exists(dir + "/notify")) return;
  auto const owner = _users.find(job.owner);
  if (_config.mail.smtpUrl.empty() || !owner || owner->email.empty()) {
    std::fprintf(stderr, "vocloud-uws: mail: job %s: no mail sent (%s)\n", job.id.c_str(),
                 _config.mail.smtpUrl.empty() ? "mail.smtp_url is not set"
                                              : "its owner has no email in the users file");
    return;
  }
  std::string const url = jobsUrl() + "/" + job.id;
  std::vector<std::pair<std::string, std::string>> links;
  for (auto const& result : listResults(dir, url)) links.emplace_back(result.id, result.href);
  _mailer.post(jobEndedMail(job, owner->email, url, links), "job " + job.id);
}

bool Service::serve() {
  _scheduler.start();
  bool const ok = _http->listen_after_bind();
  _store.wakeAll();
  _scheduler.stop();
  return ok;
}

void Service::stop() {
  _store.wakeAll();
  _http->stop();
}

}  // namespace vocloud::uws
