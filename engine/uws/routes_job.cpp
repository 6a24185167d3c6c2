// One job: its document (with WAIT), its children (phase, executionduration, destruction,
// error, quote, owner, parameters, results, runId) and its result files.
#include "core/files.hpp"
#include "uws/experiment_check.hpp"
#include "uws/http_util.hpp"
#include "uws/job_xml.hpp"
#include "uws/results.hpp"
#include "uws/routes.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace vocloud::uws {

namespace {

bool isActive(Phase p) {
  return p == Phase::Pending || p == Phase::Queued || p == Phase::Executing;
}

std::optional<std::int64_t> parseInteger(std::string const& text) {
  char* end = nullptr;
  long long const n = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') return std::nullopt;
  return n;
}

// Counts a request among those blocked in WAIT for as long as it lives.
struct WaitSlot {
  explicit WaitSlot(std::atomic<int>& n) : waiting(n), count(++n) {}
  ~WaitSlot() { --waiting; }
  WaitSlot(WaitSlot const&) = delete;
  WaitSlot& operator=(WaitSlot const&) = delete;
  std::atomic<int>& waiting;
  int const count;  ///< this request's place, itself included
};

std::string experimentOf(std::string const& jobDir) {
  try {
    return core::readFile(jobDir + "/experiment.yaml");
  } catch (std::exception const&) {
    return "";
  }
}

}  // namespace

JobView Routes::viewOf(Job const& job) const {
  JobView view;
  view.job = job;
  std::string const dir = service._store.jobDir(job.id);
  view.parameters.push_back({"experiment", experimentOf(dir)});
  if (std::filesystem::exists(dir + "/notify")) view.parameters.push_back({"notify", "mail"});
  view.results = listResults(dir, jobUrl(job.id));
  return view;
}

std::string Routes::applyParameters(std::map<std::string, std::string> const& params,
                                    Job& job) const {
  Job changed = job;
  if (auto it = params.find("RUNID"); it != params.end()) {
    if (!detail::isValidUtf8(it->second) || it->second.size() > 1000)
      return "uws: RUNID: not UTF-8 text of at most 1000 bytes";
    changed.runId = it->second;
  }
  if (auto it = params.find("EXECUTIONDURATION"); it != params.end()) {
    auto const n = parseInteger(it->second);
    if (!n || *n < 0) return "uws: EXECUTIONDURATION: '" + it->second + "' is not seconds >= 0";
    std::int64_t const cap = service._config.jobs.maxExecutionDuration;
    changed.executionDuration = *n == 0 ? cap : std::min(*n, cap);
  }
  if (auto it = params.find("DESTRUCTION"); it != params.end()) {
    auto const t = parseIsoTime(it->second);
    if (!t) return "uws: DESTRUCTION: '" + it->second + "' is not an ISO 8601 date-time";
    changed.destruction = *t;
  }
  std::string notifyProblem;
  auto const notify = notifyOf(params, job.owner, notifyProblem);
  if (!notifyProblem.empty()) return notifyProblem;
  if (auto it = params.find("EXPERIMENT"); it != params.end()) {
    if (job.phase != Phase::Pending)
      return "uws: the job is " + phaseName(job.phase) +
             ": its parameters may change only while it is PENDING";
    if (!detail::isValidUtf8(it->second)) return "uws: experiment: the YAML is not UTF-8 text";
    std::string const dir = std::filesystem::absolute(service._store.jobDir(job.id)).string();
    auto const& jobs = service._config.jobs;
    auto roots = jobs.dataRoots;
    if (!jobs.sharedBase.empty()) roots.push_back(jobs.sharedBase);  // every job reads it
    if (auto const problem = checkExperiment(it->second, dir, roots); !problem.empty())
      return problem;
    auto const owner = service._users.find(job.owner);
    bool const privileged = owner && owner->role != Role::User;
    auto const output = chooseOutput(it->second, dir, jobs.sharedBase, privileged);
    if (!output.problem.empty()) return output.problem;
    core::writeFileAtomic(dir + "/experiment.yaml", it->second);
    std::filesystem::remove(dir + "/output_dir");
    if (!output.dir.empty()) core::writeFileAtomic(dir + "/output_dir", output.dir + "\n");
  }
  if (notify) {
    std::string const file = service._store.jobDir(job.id) + "/notify";
    if (*notify == "mail")
      core::writeFileAtomic(file, "mail\n");
    else
      std::filesystem::remove(file);
  }
  job = changed;
  return "";
}

std::optional<std::string> Routes::notifyOf(std::map<std::string, std::string> const& params,
                                            std::string const& owner, std::string& problem) const {
  auto const it = params.find("NOTIFY");
  if (it == params.end()) return std::nullopt;
  if (it->second == "none") return it->second;
  if (it->second != "mail") {
    problem = "uws: NOTIFY: '" + it->second + "' is not mail or none";
  } else if (service._config.mail.smtpUrl.empty()) {
    problem = "uws: NOTIFY: this service sends no mail (mail.smtp_url is not set)";
  } else if (auto const user = service._users.find(owner); !user || user->email.empty()) {
    problem = "uws: NOTIFY: user '" + owner +
              "' has no mail address (email in the users file): ask the service's administrator";
  }
  return it->second;
}

void Routes::changeJob(std::map<std::string, std::string> const& params, httplib::Response& res,
                       Job const& job) {
  bool pending = true;
  std::string const problem = service._scheduler.change(job.id, [&](Job& current) {
    pending = current.phase == Phase::Pending;
    return applyParameters(params, current);
  });
  // A parameter the job's phase no longer allows is a conflict; a bad value a bad request.
  if (!problem.empty()) return detail::replyText(res, pending ? 400 : 409, problem);
  detail::redirect(res, jobUrl(job.id));
}

void Routes::getJob(httplib::Request const& req, httplib::Response& res, Job const& job) {
  Job current = job;
  auto const params = detail::formParams(req);
  if (auto it = params.find("WAIT"); it != params.end() && isActive(job.phase)) {
    auto const seconds = parseInteger(it->second);
    if (!seconds)
      return detail::replyText(res, 400, "uws: WAIT: '" + it->second + "' is not seconds");
    std::int64_t const cap = service._config.server.waitCapSeconds;
    std::int64_t const wait = *seconds < 0 ? cap : std::min(*seconds, cap);
    auto const phase = params.find("PHASE");
    bool const stillIn = phase == params.end() || phase->second == phaseName(job.phase);
    // UWS lets the server end a WAIT early: with every WAIT worker taken it answers at once.
    WaitSlot const slot(service._waiting);
    if (stillIn && wait > 0 && slot.count <= service._maxWaiting) {
      auto const after = service._store.waitForChange(job.id, job.phase, double(wait));
      if (!after) return detail::replyText(res, 404, "uws: no job " + job.id);
      current = *after;
    }
  }
  detail::replyXml(res, jobXml(viewOf(current)));
}

void Routes::postJob(httplib::Request const& req, httplib::Response& res, Job const& job) {
  auto const params = detail::formParams(req);
  if (auto it = params.find("ACTION"); it != params.end()) {
    if (it->second != "DELETE")
      return detail::replyText(res, 400, "uws: ACTION: '" + it->second + "' is not DELETE");
    service._scheduler.remove(job.id);
    return detail::redirect(res, service.jobsUrl());
  }
  if (params.count("PHASE") > 0) return postChild("phase", req, res, job);
  changeJob(params, res, job);
}

void Routes::getChild(std::string const& child, httplib::Response& res, Job const& job) {
  if (child == "phase") return detail::replyText(res, 200, phaseName(job.phase));
  if (child == "executionduration")
    return detail::replyText(res, 200, std::to_string(job.executionDuration));
  if (child == "destruction") return detail::replyText(res, 200, isoTime(job.destruction));
  if (child == "error") return detail::replyText(res, 200, job.error);
  if (child == "quote") return detail::replyText(res, 200, "");
  if (child == "owner") return detail::replyText(res, 200, job.owner);
  if (child == "runId") return detail::replyText(res, 200, job.runId);
  if (child == "parameters") return detail::replyXml(res, parametersXml(viewOf(job).parameters));
  detail::replyXml(res, resultsXml(viewOf(job).results));
}

void Routes::postChild(std::string const& child, httplib::Request const& req,
                       httplib::Response& res, Job const& job) {
  auto const params = detail::formParams(req);
  if (child == "phase") {
    auto const it = params.find("PHASE");
    std::string const phase = it == params.end() ? "" : it->second;
    std::string problem;
    if (phase == "RUN")
      problem = service._scheduler.run(job.id);
    else if (phase == "ABORT")
      problem = service._scheduler.abort(job.id);
    else if (phase == "SUSPEND")
      problem = service._scheduler.suspend(job.id);
    else if (phase == "RESUME")
      problem = service._scheduler.resume(job.id);
    else
      return detail::replyText(res, 400,
                               "uws: PHASE: '" + phase + "' is not RUN, ABORT, SUSPEND or RESUME");
    if (!problem.empty()) return detail::replyText(res, 409, "uws: " + problem);
    return detail::redirect(res, jobUrl(job.id));
  }
  std::map<std::string, std::string> wanted;
  for (auto const& [name, value] : params)
    if (name == "EXECUTIONDURATION" || name == "DESTRUCTION" || name == "RUNID" ||
        (child == "parameters" && name == "EXPERIMENT"))
      wanted.emplace(name, value);
  if (wanted.empty()) return detail::replyText(res, 400, "uws: nothing to change in " + child);
  changeJob(wanted, res, job);
}

void Routes::getResult(std::string const& id, httplib::Response& res, Job const& job) {
  std::string const dir = service._store.jobDir(job.id);
  auto const file = resultFile(dir, id);
  if (!file) return detail::replyText(res, 404, "uws: job " + job.id + " has no result " + id);
  auto stream = std::make_shared<std::ifstream>(*file, std::ios::binary);
  std::string mime = "application/octet-stream";
  for (auto const& r : listResults(dir, ""))
    if (r.id == id) mime = r.mimeType;
  stream->seekg(0, std::ios::end);
  auto const size = static_cast<std::size_t>(stream->tellg());
  stream->seekg(0);
  res.set_content_provider(
      size, mime, [stream](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        std::vector<char> buffer(std::min<std::size_t>(length, 1 << 16));
        stream->seekg(static_cast<std::streamoff>(offset));
        stream->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        sink.write(buffer.data(), static_cast<std::size_t>(stream->gcount()));
        return stream->gcount() > 0;
      });
}

}  // namespace vocloud::uws
