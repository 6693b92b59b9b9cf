#include "dialsoak/chart/gnuplot.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>
#include <thread>

#include "dialsoak/io/unique_fd.h"

extern char** environ;

namespace dialsoak::chart {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxStderr = 64 * 1024;  // kept of gnuplot's standard error
constexpr std::size_t kMaxMessage = 2000;      // of it in the error message

io::Error StartError(std::string_view step, int code) {
  return io::ErrnoError(fmt::format("starting gnuplot ({})", step), code);
}

// A copy of fd numbered 3 or above, so that the dup2s onto 0, 1 and 2 in the child cannot
// clobber one another even when the parent runs with a standard descriptor closed.
io::Result<io::UniqueFd> AboveStdio(int fd, std::string_view what) {
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (copy < 0) return io::Fail(StartError(what, errno));
  return io::UniqueFd(copy);
}

// A child started with posix_spawnp; its destructor kills and reaps it unless Wait()
// already did, so no path out of RunGnuplot leaves a running gnuplot or a zombie.
class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) KillAndReap();
  }

  // 0 on success, else the errno posix_spawnp reported (ENOENT: not on PATH).
  int Spawn(int stdin_fd, int stdout_fd, int stderr_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);
    // The caller's blocked or ignored signals (a soak ignores SIGPIPE) are not gnuplot's.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char name[] = "gnuplot";
    char defaults[] = "--default-settings";
    char* argv[] = {name, defaults, nullptr};
    int rc = ::posix_spawnp(&pid_, name, &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
    return rc;
  }

  // Waits for the exit until `end`. Returns the wait status, or nullopt on timeout.
  std::optional<int> WaitUntil(Clock::time_point end) {
    for (;;) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return status;
      }
      if (r < 0 && errno != EINTR) {  // ECHILD: reaped by someone else's SIGCHLD handler
        pid_ = -1;
        return -1;
      }
      if (Clock::now() >= end) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  void KillAndReap() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

int MillisUntil(Clock::time_point end) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(end - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

// Feeds the script and collects standard error until gnuplot closes it (it exited) or the
// deadline passes. Returns false on timeout.
bool Converse(io::UniqueFd& script_out, int err_fd, std::string_view script, std::string& err,
              Clock::time_point end) {
  std::size_t sent = 0;
  if (script.empty()) script_out.reset();
  for (;;) {
    if (Clock::now() >= end) return false;
    pollfd fds[2] = {{err_fd, POLLIN, 0}, {script_out.get(), POLLOUT, 0}};
    nfds_t n = script_out ? 2 : 1;
    if (::poll(fds, n, MillisUntil(end)) < 0) {
      if (errno == EINTR) continue;
      return true;  // cannot wait any more; the exit status tells the rest
    }
    if (n == 2 && fds[1].revents != 0) {
      // A socket, not a pipe: MSG_NOSIGNAL turns a gnuplot that quit early into EPIPE
      // instead of a SIGPIPE for the whole soak.
      ssize_t w = ::send(script_out.get(), script.data() + sent, script.size() - sent,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
      if (w > 0) sent += static_cast<std::size_t>(w);
      bool failed = w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
      if (failed || sent == script.size()) script_out.reset();  // end of file for gnuplot
    }
    if (fds[0].revents != 0) {
      char buf[4096];
      ssize_t r = ::read(err_fd, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) return true;
      if (r > 0 && err.size() < kMaxStderr) err.append(buf, static_cast<std::size_t>(r));
    }
  }
}

std::string Trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return "(no message on standard error)";
  text = text.substr(first, text.find_last_not_of(kSpace) - first + 1);
  if (text.size() <= kMaxMessage) return std::string(text);
  return std::string(text.substr(0, kMaxMessage)) + " ...";
}

io::Error ExitError(int status, std::string_view err) {
  std::string how;
  if (status == -1) {
    how = "exit status lost (reaped elsewhere)";
  } else if (WIFSIGNALED(status)) {
    how = fmt::format("killed by signal {}", WTERMSIG(status));
  } else {
    how = fmt::format("exit status {}", WEXITSTATUS(status));
  }
  return io::Error{0, fmt::format("gnuplot failed ({}): {}", how, Trimmed(err))};
}

}  // namespace

io::Result<void> RunGnuplot(std::string_view script, int output_fd,
                            std::chrono::milliseconds deadline) {
  const auto end = Clock::now() + deadline;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return io::Fail(StartError("socketpair", errno));
  }
  io::UniqueFd script_out(sv[0]), script_in_raw(sv[1]);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return io::Fail(StartError("pipe", errno));
  io::UniqueFd err_read(pipe_fds[0]), err_write_raw(pipe_fds[1]);

  auto script_in = AboveStdio(script_in_raw.get(), "dup stdin");
  if (!script_in) return io::Fail(script_in.error());
  auto out = AboveStdio(output_fd, "dup stdout");
  if (!out) return io::Fail(out.error());
  auto err_write = AboveStdio(err_write_raw.get(), "dup stderr");
  if (!err_write) return io::Fail(err_write.error());
  script_in_raw.reset();
  err_write_raw.reset();

  Child child;
  if (int rc = child.Spawn(script_in->get(), out->get(), err_write->get()); rc != 0) {
    if (rc == ENOENT) return io::Fail(io::Error{ENOENT, "gnuplot not found: install gnuplot-nox"});
    return io::Fail(StartError("posix_spawnp", rc));
  }
  // Only the child holds these now: its exit closes standard error, ending Converse.
  script_in->reset();
  out->reset();
  err_write->reset();

  std::string err;
  bool in_time = Converse(script_out, err_read.get(), script, err, end);
  script_out.reset();
  std::optional<int> status;
  if (in_time) status = child.WaitUntil(end);
  if (!status) {
    child.KillAndReap();
    return io::Fail(
        io::Error{ETIMEDOUT,
                  fmt::format("gnuplot did not finish within {} ms; killed it", deadline.count())});
  }
  if (*status != -1 && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) return {};
  return io::Fail(ExitError(*status, err));
}

}  // namespace dialsoak::chart
