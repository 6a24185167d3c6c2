// The job list (GET /jobs with PHASE, AFTER, LAST) and job creation (POST /jobs), plus the
// route table and the helpers every handler uses.
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "uws/http_util.hpp"
#include "uws/job_xml.hpp"
#include "uws/limits.hpp"
#include "uws/results.hpp"
#include "uws/routes.hpp"

#include <openssl/rand.h>

#include <cmath>
#include <cstdio>

namespace vocloud::uws {

namespace {

constexpr char const* kJobPattern = "/jobs/([0-9a-f]{16})";
constexpr char const* kChildPattern =
    "/jobs/([0-9a-f]{16})/"
    "(phase|executionduration|destruction|error|quote|owner|parameters|results|runId)";

std::string newJobId() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error("uws: no random bytes for a job id");
  char text[17];
  for (int i = 0; i < 8; ++i) std::snprintf(text + 2 * i, 3, "%02x", bytes[i]);
  return text;
}

// A handler that needs an authenticated user (and, with a job id in the path, the job).
template <class F>
httplib::Server::Handler withUser(Routes* routes, F f) {
  return [routes, f](httplib::Request const& req, httplib::Response& res) {
    if (auto user = routes->authenticate(req, res)) f(req, res, *user);
  };
}

template <class F>
httplib::Server::Handler withJob(Routes* routes, F f) {
  return withUser(routes, [routes, f](auto const& req, auto& res, User const& user) {
    if (auto job = routes->visibleJob(req.matches[1], user, res)) f(req, res, *job);
  });
}

// Parses PHASE (repeatable), AFTER and LAST; "" or the problem.
std::string listFilter(httplib::Request const& req, JobFilter& filter) {
  for (auto const& [name, value] : req.params) {
    std::string key = name;
    for (auto& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (key == "PHASE") {
      auto const phase = parsePhase(value);
      if (!phase) return "uws: PHASE: '" + value + "' is not a UWS phase";
      filter.phases.insert(*phase);
    } else if (key == "AFTER") {
      auto const t = parseIsoTime(value);
      if (!t) return "uws: AFTER: '" + value + "' is not an ISO 8601 date-time";
      filter.after = *t;
    } else if (key == "LAST") {
      char* end = nullptr;
      long const n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n <= 0 || n > 1000000)
        return "uws: LAST: '" + value + "' is not a positive integer";
      filter.last = static_cast<int>(n);
    }
  }
  return "";
}

}  // namespace

void Routes::install(httplib::Server& server) {
  server.Get("/jobs",
             withUser(this, [this](auto const& q, auto& r, User const& u) { listJobs(q, r, u); }));
  server.Post("/jobs", withUser(this, [this](auto const& q, auto& r, User const& u) {
                createJob(q, r, u);
              }));
  server.Get(kJobPattern,
             withJob(this, [this](auto const& q, auto& r, Job const& j) { getJob(q, r, j); }));
  server.Post(kJobPattern,
              withJob(this, [this](auto const& q, auto& r, Job const& j) { postJob(q, r, j); }));
  server.Delete(kJobPattern, withJob(this, [this](auto const&, auto& r, Job const& j) {
                  service._scheduler.remove(j.id);
                  detail::redirect(r, service.jobsUrl());
                }));
  server.Get(kChildPattern, withJob(this, [this](auto const& q, auto& r, Job const& j) {
               getChild(q.matches[2], r, j);
             }));
  server.Post(kChildPattern, withJob(this, [this](auto const& q, auto& r, Job const& j) {
                postChild(q.matches[2], q, r, j);
              }));
  server.Get("/jobs/([0-9a-f]{16})/results/(.+)",
             withJob(this, [this](auto const& q, auto& r, Job const& j) {
               getResult(q.matches[2], r, j);
             }));
  installPage(server);
  server.set_exception_handler([](auto const&, auto& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      std::rethrow_exception(ep);
    } catch (std::exception const& e) {
      what = e.what();
    } catch (...) {
    }
    std::fprintf(stderr, "vocloud-uws: %s\n", what.c_str());
    detail::replyText(res, 500, "uws: internal error: " + what);
  });
}

std::optional<User> Routes::authenticate(httplib::Request const& req,
                                         httplib::Response& res) const {
  if (auto credentials = detail::basicCredentials(req))
    if (auto user = service._users.authenticate(credentials->first, credentials->second))
      return user;
  res.set_header("WWW-Authenticate", "Basic realm=\"vocloud-uws\", charset=\"UTF-8\"");
  detail::replyText(res, 401, "uws: a user name and password are needed (HTTP Basic)");
  return std::nullopt;
}

std::optional<Job> Routes::visibleJob(std::string const& id, User const& user,
                                      httplib::Response& res) const {
  auto job = service._store.get(id);
  if (job && (job->owner == user.name || user.role == Role::Supervisor)) return job;
  detail::replyText(res, 404, "uws: no job " + id);
  return std::nullopt;
}

bool Routes::withinDiskLimit(User const& user, httplib::Response& res) const {
  double const limit = service._config.jobs.maxDiskPerUserBytes;
  if (limit <= 0) return true;
  double const used = double(userDiskBytes(service._store, user.name));
  if (used < limit) return true;
  char text[256];
  std::snprintf(text, sizeof text,
                "uws: user '%s' has reached the disk limit: their jobs hold %.1f MiB of the "
                "%.1f MiB allowed (jobs.max_disk_per_user); delete old jobs to create new ones",
                user.name.c_str(), used / 1048576.0, limit / 1048576.0);
  detail::replyText(res, 403, text);
  return false;
}

std::string Routes::jobUrl(std::string const& id) const {
  return service.jobsUrl() + "/" + id;
}

void Routes::listJobs(httplib::Request const& req, httplib::Response& res, User const& user) {
  JobFilter filter;
  if (auto const problem = listFilter(req, filter); !problem.empty())
    return detail::replyText(res, 400, problem);
  if (user.role != Role::Supervisor) filter.owner = user.name;
  detail::replyXml(res, jobListXml(service._store.list(filter), service.jobsUrl()));
}

void Routes::createJob(httplib::Request const& req, httplib::Response& res, User const& user) {
  auto params = detail::formParams(req);
  // COPY=<job id> (extension): resend or re-run an old job; the old job's experiment unless
  // a new one is given, and its run label and execution duration.
  std::optional<Job> source;
  if (auto it = params.find("COPY"); it != params.end()) {
    source = visibleJob(it->second, user, res);
    if (!source) return;
    params.emplace("EXPERIMENT",
                   core::readFile(service._store.jobDir(source->id) + "/experiment.yaml"));
    params.emplace("EXECUTIONDURATION", std::to_string(source->executionDuration));
    params.emplace("RUNID", source->runId);
  }
  if (params.count("EXPERIMENT") == 0)
    return detail::replyText(res, 400,
                             "uws: POST /jobs needs the parameter 'experiment' (the experiment "
                             "YAML, inline or uploaded) or 'COPY' (a job to copy)");
  if (!withinDiskLimit(user, res)) return;
  Job job;
  job.id = newJobId();
  job.owner = user.name;
  // Whole milliseconds, as documents show it: AFTER=<a job's creationTime> excludes that job.
  job.creationTime = std::floor(nowSeconds() * 1000.0) / 1000.0;
  job.executionDuration = service._config.jobs.defaultExecutionDuration;
  job.destruction = job.creationTime + service._config.jobs.defaultDestructionDays * 86400.0;
  core::makeDirectories(service._store.jobDir(job.id));
  if (auto const problem = applyParameters(params, job); !problem.empty()) {
    core::removeAll(service._store.jobDir(job.id));
    return detail::replyText(res, 400, problem);
  }
  service._store.create(job);
  auto const phase = params.find("PHASE");
  if (phase != params.end() && phase->second == "RUN") service._scheduler.run(job.id);
  detail::redirect(res, jobUrl(job.id));
}

}  // namespace vocloud::uws
