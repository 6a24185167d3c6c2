#include "uws/command.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace vocloud::uws {

namespace {

// Pipe ends, closed when they go out of scope.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0)
      throw Error("uws: command: pipe: " + std::string(std::strerror(errno)));
  }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  Pipe(Pipe const&) = delete;
  Pipe& operator=(Pipe const&) = delete;
  void closeEnd(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
};

// In the forked child: only async-signal-safe calls until exec.
[[noreturn]] void execChild(char* const* argv, int out, int err) {
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) signal(s, SIG_DFL);
  int const in = open("/dev/null", O_RDONLY);
  if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  execvp(argv[0], argv);
  _exit(127);
}

int statusOf(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 127;
}

// Reads both pipes until they close or the deadline passes; false on the deadline.
bool drain(int out, int err, CommandResult& result, double timeoutSeconds) {
  auto const deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(timeoutSeconds));
  pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  char buffer[4096];
  while (open > 0) {
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return false;
    int const n = poll(fds, 2, static_cast<int>(left));
    if (n < 0 && errno != EINTR) return false;
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t const got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open;
      }
    }
  }
  return true;
}

}  // namespace

CommandResult runCommand(std::vector<std::string> const& argv, double timeoutSeconds) {
  if (argv.empty()) throw Error("uws: command: empty argv");
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  Pipe out, err;
  pid_t const pid = fork();
  if (pid < 0) throw Error("uws: command: fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) execChild(cargv.data(), out.fd[1], err.fd[1]);
  out.closeEnd(1);
  err.closeEnd(1);
  CommandResult result;
  if (!drain(out.fd[0], err.fd[0], result, timeoutSeconds)) {
    ::kill(pid, SIGKILL);
    result.timedOut = true;
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return result;
  }
  result.status = statusOf(wstatus);
  return result;
}

std::string commandText(std::vector<std::string> const& argv) {
  std::string text;
  for (auto const& a : argv) text += (text.empty() ? "" : " ") + a;
  return text;
}

}  // namespace vocloud::uws
