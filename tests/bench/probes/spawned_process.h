// SpawnedProcess: a child program for the probe tests (sleep, under a name of the test's
// choosing), with its stdio on /dev/null and optional extra descriptors. Stopped by PID
// (SIGKILL) and reaped when the object goes away; Kill() without Reap() leaves a zombie.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace dialsoak::probes::testing {

class SpawnedProcess {
 public:
  // Runs path with argv (argv[0] included); extra_fds descriptors on /dev/null are opened
  // in the child at 10, 11, ...
  SpawnedProcess(const std::string& path, std::vector<std::string> argv, int extra_fds = 0) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int fd = 0; fd <= 2; ++fd) {
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0);
    }
    for (int i = 0; i < extra_fds; ++i) {
      posix_spawn_file_actions_addopen(&actions, 10 + i, "/dev/null", O_RDONLY, 0);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, path.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + path);
    WaitUntilAsleep(argv[0]);
  }
  SpawnedProcess(const SpawnedProcess&) = delete;
  SpawnedProcess& operator=(const SpawnedProcess&) = delete;
  ~SpawnedProcess() {
    Kill();
    Reap();
  }

  pid_t pid() const { return pid_; }

  void Kill() {
    if (pid_ > 0 && !killed_) ::kill(pid_, SIGKILL);
    killed_ = true;
  }

  // Waits for the child to exit (after Kill) and collects it.
  void Reap() {
    if (pid_ <= 0) return;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

  // Kills and waits until the child is a zombie (exited, not reaped). False on timeout.
  bool KillAndLeaveZombie(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    Kill();
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (State() == 'Z') return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  // posix_spawn returns while the child is still inside execve (its parent is let go
  // before the new program's comm and arguments are in place) and then the loader runs:
  // wait until it sleeps with its own argv[0], so the tests see a settled process.
  void WaitUntilAsleep(const std::string& argv0,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      std::ifstream in("/proc/" + std::to_string(pid_) + "/cmdline");
      std::string first;
      std::getline(in, first, '\0');
      if (first == argv0 && State() == 'S') return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    throw std::runtime_error("child " + std::to_string(pid_) + " did not start " + argv0);
  }

  // Field 3 of /proc/<pid>/stat, read independently of the probe; '?' if unreadable.
  char State() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    return close == std::string::npos || close + 2 >= text.size() ? '?' : text[close + 2];
  }

 private:
  pid_t pid_ = -1;
  bool killed_ = false;
};

// Entries of /proc/<pid>/fd counted with std::filesystem: an oracle independent of the
// probe's getdents64 loop.
inline long CountFdsIndependently(pid_t pid) {
  long n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++n;
  }
  return n;
}

// Resident bytes from VmRSS in /proc/<pid>/status, another file than the probe reads.
inline long long ResidentBytesFromStatus(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string key; in >> key;) {
    if (key == "VmRSS:") {
      long long kb = -1;
      in >> kb;
      return kb < 0 ? -1 : kb * 1024;
    }
  }
  return -1;
}

// Runs fn (returning a std::string) in a forked child as user and group nobody (65534)
// and returns what it returned ("" if it could not change user). Needs root.
template <typename Fn>
std::string RunAsNobody(Fn fn) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(pipe_fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    const std::string text = fn();
    const ssize_t wrote = ::write(pipe_fds[1], text.data(), text.size());
    ::_exit(wrote == static_cast<ssize_t>(text.size()) ? 0 : 3);
  }
  ::close(pipe_fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return out;
}

// A temporary directory of symlinks to /bin/sleep, so a child runs under a chosen name.
class NamedSleepers {
 public:
  NamedSleepers() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "dialsoak-probes-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  NamedSleepers(const NamedSleepers&) = delete;
  NamedSleepers& operator=(const NamedSleepers&) = delete;
  ~NamedSleepers() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // The path of a program called name that is /bin/sleep.
  std::string Program(const std::string& name) {
    const auto path = dir_ / name;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path))) {
      std::filesystem::create_symlink(SleepPath(), path);
    }
    return path.string();
  }

  static std::string SleepPath() {
    return std::filesystem::exists("/bin/sleep") ? "/bin/sleep" : "/usr/bin/sleep";
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace dialsoak::probes::testing
