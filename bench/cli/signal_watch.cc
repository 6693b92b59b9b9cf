#include "signal_watch.h"

#include <spdlog/spdlog.h>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exit_codes.h"

namespace dialsoak::cli {
namespace {

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void BlockStopSignals() {
  // A job started in the background by a shell inherits SIGINT ignored; an ignored signal
  // may be discarded instead of left pending, so take the default action back first.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatch::SignalWatch(std::function<void(int)> on_stop)
    : on_stop_(std::move(on_stop)), thread_([this] { Watch(); }) {}

SignalWatch::~SignalWatch() {
  done_ = true;
  thread_.join();
}

void SignalWatch::Watch() {
  const sigset_t set = StopSignals();
  const timespec period{0, 100'000'000};  // 100 ms: how soon the destructor is heard
  while (!done_) {
    int signo = sigtimedwait(&set, nullptr, &period);
    if (signo < 0) continue;  // EAGAIN (timeout) or EINTR
    if (fired_.exchange(true)) {
      static const char kMsg[] = "dialsoak: second signal, stopping at once\n";
      (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
      _exit(StopSignalExitCode(signo));
    }
    signal_.store(signo);
    on_stop_(signo);
  }
}

StopOnSignal::StopOnSignal(std::string what, std::function<void(int)> stop_engine)
    : watch_([this, what = std::move(what), stop = std::move(stop_engine)](int signo) {
        spdlog::warn("{}: {} and hanging up (again to stop at once)",
                     signo == SIGINT ? "SIGINT" : "SIGTERM", what);
        stop(signo);
        std::lock_guard<std::mutex> lock(mu_);
        requested_ = true;
        cv_.notify_all();
      }) {}

bool StopOnSignal::WaitFor(std::chrono::nanoseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, d, [this] { return requested_; });
}

}  // namespace dialsoak::cli
