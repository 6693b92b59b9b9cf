#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <vector>

#include <fmt/format.h>

extern char** environ;

namespace dialsoak::exec {
namespace {

constexpr std::size_t kMaxLines = 256;       // kept for TakeLine; older ones are dropped
constexpr std::size_t kMaxLineBytes = 4096;  // a babbling program cannot grow a line forever

// posix_spawn's attributes and file actions, destroyed with the scope.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

io::Result<ChildProcess> ChildProcess::Start(const Command& command, int tty_fd) {
  const std::string what = fmt::format("running '{}'", command.ToString());
  if (command.empty()) return io::Fail(io::Error{EINVAL, what + ": empty command"});
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return io::Fail(io::ErrnoError(what));
  io::UniqueFd read_end(pipe_fds[0]);
  io::UniqueFd write_end(pipe_fds[1]);

  SpawnSetup s;
  // The dialsoak process blocks SIGINT/SIGTERM in its workers (a thread waits for them):
  // the child must not inherit that, nor any handler disposition.
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
  if (tty_fd >= 0) {
    posix_spawn_file_actions_adddup2(&s.actions, tty_fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&s.actions, tty_fd, STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&s.actions, write_end.get(), STDOUT_FILENO);
  }
  posix_spawn_file_actions_adddup2(&s.actions, write_end.get(), STDERR_FILENO);
  // Other lines' ptys and sockets are O_CLOEXEC already; this also covers what a library
  // opened without it.
  posix_spawn_file_actions_addclosefrom_np(&s.actions, STDERR_FILENO + 1);

  std::vector<char*> argv;
  for (const std::string& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (int rc = ::posix_spawnp(&pid, argv[0], &s.actions, &s.attr, argv.data(), environ); rc != 0) {
    return io::Fail(io::ErrnoError(what, rc));
  }
  // glibc 2.36's <sys/pidfd.h> lacks extern "C" (fixed in 2.37): the system call itself.
  io::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) {
    const int err = errno;
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return io::Fail(io::ErrnoError(what + ": pidfd_open", err));
  }
  return ChildProcess(pid, std::move(pidfd), std::move(read_end));
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      pidfd_(std::move(o.pidfd_)),
      out_(std::move(o.out_)),
      status_(o.status_),
      partial_(std::move(o.partial_)),
      lines_(std::move(o.lines_)),
      last_line_(std::move(o.last_line_)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Kill(std::chrono::nanoseconds::zero());
}

void ChildProcess::Drain() {
  char buf[4096];
  while (out_) {
    const ssize_t n = ::read(out_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (n < 0 && errno != EAGAIN)) {
      out_.reset();  // every writer closed it
      break;
    }
    if (n < 0) break;  // EAGAIN: nothing more now
    for (ssize_t i = 0; i < n; ++i) {
      const char c = buf[i];
      if (c == '\n' || c == '\r') {
        if (partial_.empty()) continue;
        last_line_ = partial_;
        lines_.push_back(std::move(partial_));
        partial_.clear();
        if (lines_.size() > kMaxLines) lines_.pop_front();
      } else if (partial_.size() < kMaxLineBytes) {
        partial_ += c;
      }
    }
  }
}

void ChildProcess::Reap() {
  if (status_ || pid_ < 0) return;
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &st, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    status_ = st;
    Drain();  // what it wrote before it ended
    if (!partial_.empty()) {
      last_line_ = partial_;
      lines_.push_back(std::move(partial_));
      partial_.clear();
    }
  }
}

io::Result<bool> ChildProcess::Wait(Deadline deadline) {
  const std::size_t lines_before = lines_.size();
  for (;;) {
    Drain();
    Reap();
    if (status_ || lines_.size() != lines_before) return true;
    pollfd fds[2] = {{pidfd_.get(), POLLIN, 0}, {out_ ? out_.get() : -1, POLLIN, 0}};
    const int n = ::poll(fds, 2, deadline.PollTimeoutMs());
    if (n < 0 && errno != EINTR) return io::Fail(io::ErrnoError("waiting for a dial command"));
    if (n == 0) return false;
  }
}

std::optional<std::string> ChildProcess::TakeLine() {
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  return line;
}

std::optional<int> ChildProcess::exit_code() const {
  if (status_ && WIFEXITED(*status_)) return WEXITSTATUS(*status_);
  return std::nullopt;
}

std::string ChildProcess::DescribeEnd() const {
  if (!status_) return "running";
  if (WIFEXITED(*status_)) return fmt::format("exit {}", WEXITSTATUS(*status_));
  if (WIFSIGNALED(*status_)) {
    const char* name = ::sigabbrev_np(WTERMSIG(*status_));
    return fmt::format("killed by SIG{}", name ? name : std::to_string(WTERMSIG(*status_)));
  }
  return "ended";
}

void ChildProcess::Kill(std::chrono::nanoseconds grace) {
  if (pid_ < 0) return;
  Reap();
  if (!status_) {
    ::kill(-pid_, SIGTERM);
    const Deadline until = Deadline::After(grace);
    while (!status_ && !until.Expired()) {
      pollfd fd{pidfd_.get(), POLLIN, 0};
      ::poll(&fd, 1, until.PollTimeoutMs());
      Reap();
    }
  }
  ::kill(-pid_, SIGKILL);  // the leader if it outlived the grace, and what it left behind
  if (!status_) {
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    status_ = st;
  }
  Drain();
}

bool ChildProcess::GroupAlive() const { return pid_ > 0 && ::kill(-pid_, 0) == 0; }

}  // namespace dialsoak::exec
