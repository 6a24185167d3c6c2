#pragma once
// The HTTP handlers of the service (internal to engine/uws): each authenticates the caller,
// finds the job only among those the caller may see (another user's job is a 404), and
// answers as UWS 1.1 says.
#include "uws/job_xml.hpp"
#include "uws/service.hpp"

#include <httplib.h>

#include <map>
#include <optional>
#include <string>

namespace vocloud::uws {

struct Routes {
  Service& service;

  /// Registers every route on the server.
  void install(httplib::Server& server);

  // routes_page.cpp: the job page at `/` (share/vocloud/uws-ui) and GET /whoami
  void installPage(httplib::Server& server);

  // routes_list.cpp: the job list and job creation
  void listJobs(httplib::Request const& req, httplib::Response& res, User const& user);
  void createJob(httplib::Request const& req, httplib::Response& res, User const& user);

  // routes_job.cpp: one job and its children
  void getJob(httplib::Request const& req, httplib::Response& res, Job const& job);
  void postJob(httplib::Request const& req, httplib::Response& res, Job const& job);
  void getChild(std::string const& child, httplib::Response& res, Job const& job);
  void postChild(std::string const& child, httplib::Request const& req, httplib::Response& res,
                 Job const& job);
  void getResult(std::string const& id, httplib::Response& res, Job const& job);
  /// Applies `params` to the job as stored now (through the scheduler) and answers 303, or
  /// 400 / 409 with the problem.
  void changeJob(std::map<std::string, std::string> const& params, httplib::Response& res,
                 Job const& job);

  // helpers
  /// The authenticated user, or nullopt after answering 401.
  std::optional<User> authenticate(httplib::Request const& req, httplib::Response& res) const;
  /// The job when it exists and `user` may see it, or nullopt after answering 404.
  std::optional<Job> visibleJob(std::string const& id, User const& user,
                                httplib::Response& res) const;
  std::string jobUrl(std::string const& id) const;
  JobView viewOf(Job const& job) const;
  /// Applies EXPERIMENT / RUNID / EXECUTIONDURATION / DESTRUCTION of `params` to `job`
  /// (PENDING only for the experiment). Returns "" or the problem (then nothing changed).
  std::string applyParameters(std::map<std::string, std::string> const& params, Job& job) const;
  /// NOTIFY of `params` ("mail" or "none"), or nullopt when absent; sets `problem` when the
  /// value is bad or no mail can reach `owner` (no mail server, no address).
  std::optional<std::string> notifyOf(std::map<std::string, std::string> const& params,
                                      std::string const& owner, std::string& problem) const;
  /// Refuses a new job (403 answered, false) when `user`'s job folders already hold
  /// jobs.max_disk_per_user.
  bool withinDiskLimit(User const& user, httplib::Response& res) const;
};

}  // namespace vocloud::uws
