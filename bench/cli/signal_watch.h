// SignalWatch: SIGINT and SIGTERM handled on a thread of their own (sigtimedwait), so no
// work happens in a signal handler. The first signal calls on_stop (the engine then stops
// starting cycles and hangs up); a second one ends the process at once with kInterrupted.
// BlockStopSignals() must run in main before any other thread starts, so that every
// thread inherits the blocked mask and the signals reach only the watcher.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace dialsoak::cli {

void BlockStopSignals();

class SignalWatch {
 public:
  explicit SignalWatch(std::function<void(int signo)> on_stop);
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  bool fired() const { return fired_.load(); }

 private:
  void Watch();

  std::function<void(int)> on_stop_;
  std::atomic<bool> fired_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace dialsoak::cli
