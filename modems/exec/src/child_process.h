// ChildProcess: one command of an exec line, started with posix_spawn in a process group
// of its own (so a deadline can kill it with everything it started), with every signal at
// its default and unblocked, no descriptor of ours but its stdio, stdin and stdout on a tty
// (the way pppd runs a connect script) or on /dev/null and a pipe, stderr on the pipe.
// Its output is read line by line; its end is seen through a pidfd, so every wait is a
// poll with a deadline. The destructor kills the group and reaps. Move-only; one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include "dialsoak/exec/command.h"
#include "dialsoak/io/error.h"
#include "dialsoak/io/unique_fd.h"
#include "dialsoak/line/deadline.h"

namespace dialsoak::exec {

class ChildProcess {
 public:
  // tty_fd < 0: stdin is /dev/null and stdout goes to the pipe with stderr.
  static io::Result<ChildProcess> Start(const Command& command, int tty_fd);

  ChildProcess(ChildProcess&&) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Reads output and looks for the exit until the deadline, or until a new complete line
  // or the exit arrives. False when the deadline came first.
  io::Result<bool> Wait(Deadline deadline);
  // The next complete line of output not yet taken (without its CR/LF).
  std::optional<std::string> TakeLine();
  // The last non-empty line of output seen, for a message.
  const std::string& last_line() const { return last_line_; }

  bool exited() const { return status_.has_value(); }
  // After exited(): the exit code, or nothing when a signal ended it.
  std::optional<int> exit_code() const;
  // "exit 4", "killed by signal 9"; "running" before the end.
  std::string DescribeEnd() const;

  // SIGTERM to the whole group, SIGKILL after `grace`, and the leader reaped.
  void Kill(std::chrono::nanoseconds grace);
  // Whether any process of the group is still alive (also after the leader exited).
  bool GroupAlive() const;

 private:
  ChildProcess(pid_t pid, io::UniqueFd pidfd, io::UniqueFd out)
      : pid_(pid), pidfd_(std::move(pidfd)), out_(std::move(out)) {}
  void Drain();  // reads what the pipe has now, without waiting
  void Reap();   // collects the leader's status when it has exited

  pid_t pid_ = -1;
  io::UniqueFd pidfd_;
  io::UniqueFd out_;
  std::optional<int> status_;  // waitpid status
  std::string partial_;        // output after the last newline
  std::deque<std::string> lines_;
  std::string last_line_;
};

}  // namespace dialsoak::exec
