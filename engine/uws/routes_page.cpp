// The job page (uws-ui/, built into share/vocloud/uws-ui beside the executable) at `/`, and
// GET /whoami, which tells the page who logged in and with which role.
#include "uws/http_util.hpp"
#include "uws/routes.hpp"

#include <cstdio>
#include <filesystem>

namespace vocloud::uws {

namespace fs = std::filesystem;

std::string pageDir() {
  std::error_code error;
  fs::path const exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return "";
  fs::path const dir = exe.parent_path().parent_path() / "share" / "vocloud" / "uws-ui";
  return fs::exists(dir / "index.html") ? dir.string() : std::string();
}

void Routes::installPage(httplib::Server& server) {
  server.Get("/whoami", [this](httplib::Request const& req, httplib::Response& res) {
    if (auto user = authenticate(req, res))
      detail::replyText(res, 200, user->name + " " + roleName(user->role) + "\n");
  });
  std::string const dir = pageDir();
  // The page holds no data (every job comes from /jobs with the user's credentials), so its
  // files are served without a login; httplib refuses paths that leave the folder.
  if (!dir.empty() && server.set_mount_point("/", dir)) return;
  std::fprintf(stderr,
               "vocloud-uws: warning: the job page (share/vocloud/uws-ui) is not built: `/` "
               "answers 404 (build the vocloud_uws_ui target)\n");
  server.Get("/", [](httplib::Request const&, httplib::Response& res) {
    detail::replyText(res, 404,
                      "uws: the job page is not built (share/vocloud/uws-ui); the UWS service "
                      "is at /jobs");
  });
}

}  // namespace vocloud::uws
