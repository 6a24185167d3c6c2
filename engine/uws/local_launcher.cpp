#include "uws/local_launcher.hpp"

#include "core/error.hpp"
#include "core/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vocloud::uws {

namespace {

// argv as the char* array execv wants; the strings stay owned by `args`.
std::vector<char*> cArgv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// In the forked child: only async-signal-safe calls until exec.
[[noreturn]] void execMonitor(char const* dir, char const* out, char const* err,
                              char* const* argv) {
  setsid();
  if (chdir(dir) != 0) _exit(126);
  int const in = open("/dev/null", O_RDONLY);
  int const o = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
  int const e = open(err, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || o < 0 || e < 0) _exit(126);
  dup2(in, 0);
  dup2(o, 1);
  dup2(e, 2);
  // The server's sockets and database stay with the server.
  if (close_range(3, ~0U, 0) != 0)
    for (int fd = 3; fd < 65536; ++fd) close(fd);
  execv(argv[0], argv);
  _exit(127);
}

std::optional<int> readExitCode(std::string const& jobDir) {
  std::ifstream in(jobDir + "/exit_code");
  int code = 0;
  if (in >> code) return code;
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> processStartTicks(std::int64_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto const close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  // Fields after the command name: state is field 3, starttime field 22.
  std::istringstream fields(text.substr(close + 2));
  std::string field, state;
  fields >> state;
  if (state == "Z" || state == "X") return std::nullopt;  // ended, not yet reaped
  for (int i = 4; i <= 22; ++i) fields >> field;
  try {
    return std::stoull(field);
  } catch (std::exception const&) {
    return std::nullopt;
  }
}

std::vector<std::int64_t> sessionMembers(std::int64_t sid) {
  std::vector<std::int64_t> members;
  std::error_code ec;
  for (auto const& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string const name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto const close = text.rfind(')');
    if (close == std::string::npos) continue;
    // After the command name: state, ppid, pgrp, session.
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    std::int64_t ppid = 0, pgrp = 0, session = 0;
    if (fields >> state >> ppid >> pgrp >> session && session == sid)
      members.push_back(std::stoll(name));
  }
  return members;
}

std::vector<std::string> runArgv(LauncherOptions const& options, std::string const& vocloud,
                                 LaunchRequest const& request) {
  std::vector<std::string> argv = {options.mpirun, "-n", std::to_string(options.ranks)};
  argv.insert(argv.end(), options.mpirunArgs.begin(), options.mpirunArgs.end());
  argv.insert(argv.end(),
              {vocloud, "run", request.experimentFile, "--set", "output=" + request.outputDir});
  return argv;
}

LocalLauncher::LocalLauncher(LauncherOptions options, std::string self, std::string vocloud)
    : _options(std::move(options)), _self(std::move(self)), _vocloud(std::move(vocloud)) {}

RunHandle LocalLauncher::start(LaunchRequest const& request) {
  std::vector<std::string> args = {_self, "run-job", request.jobDir, "--"};
  auto const run = runArgv(_options, _vocloud, request);
  args.insert(args.end(), run.begin(), run.end());
  auto argv = cArgv(args);
  std::string const out = request.jobDir + "/stdout.log", err = request.jobDir + "/stderr.log";
  ::unlink((request.jobDir + "/exit_code").c_str());
  pid_t const pid = fork();
  if (pid < 0) throw Error("uws: launcher: fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) execMonitor(request.jobDir.c_str(), out.c_str(), err.c_str(), argv.data());
  RunHandle handle;
  handle.pid = pid;
  handle.start = processStartTicks(pid).value_or(0);
  return handle;
}

RunStatus LocalLauncher::poll(RunHandle const& handle, std::string const& jobDir) {
  RunStatus status;
  int wstatus = 0;
  pid_t const reaped = waitpid(static_cast<pid_t>(handle.pid), &wstatus, WNOHANG);
  if (reaped == 0) return status;  // our child, still running
  if (reaped < 0) {                // not our child: a run adopted after a restart
    auto const ticks = processStartTicks(handle.pid);
    if (ticks && *ticks == handle.start) return status;
  }
  status.state = RunState::Exited;
  status.exitCode = readExitCode(jobDir).value_or(-1);
  return status;
}

// mpirun puts each rank in a process group of its own, but all stay in the session that
// the monitor leads (setsid): every member of the session gets the signal.
void LocalLauncher::signalGroup(RunHandle const& handle, int signal) const {
  auto const ticks = processStartTicks(handle.pid);
  if (!ticks || *ticks != handle.start) return;  // gone, or the pid now belongs to another
  for (std::int64_t pid : sessionMembers(handle.pid)) ::kill(static_cast<pid_t>(pid), signal);
}

void LocalLauncher::suspend(RunHandle const& handle) {
  signalGroup(handle, SIGSTOP);
}
void LocalLauncher::resume(RunHandle const& handle) {
  signalGroup(handle, SIGCONT);
}

void LocalLauncher::terminate(RunHandle const& handle) {
  signalGroup(handle, SIGTERM);
  signalGroup(handle, SIGCONT);  // a stopped process handles SIGTERM only once continued
}

void LocalLauncher::kill(RunHandle const& handle) {
  signalGroup(handle, SIGKILL);
}

}  // namespace vocloud::uws
