// SignalWatch: SIGINT and SIGTERM handled on a thread of their own (sigtimedwait), so no
// work happens in a signal handler. The first signal calls on_stop (the engine then stops
// starting cycles and hangs up) and is remembered (signal()), so that the exit code can
// say which one stopped a run that found nothing wrong (130 SIGINT, 143 SIGTERM); a second
// one ends the process at once with 128 + its number, no verdict being possible then.
// BlockStopSignals() must run in main before any other thread starts, so that every
// thread inherits the blocked mask and the signals reach only the watcher.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
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
  // The first signal received (SIGINT or SIGTERM), 0 before any.
  int signal() const { return signal_.load(); }

 private:
  void Watch();

  std::function<void(int)> on_stop_;
  std::atomic<bool> fired_{false};
  std::atomic<int> signal_{0};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// What both commands do with a stop signal: say so (what: "stopping new cycles"), stop the
// engine (handed the signal's number), and end a --linger wait early.
class StopOnSignal {
 public:
  StopOnSignal(std::string what, std::function<void(int signo)> stop_engine);

  // The signal that stopped the run (SIGINT or SIGTERM), 0 when none came.
  int signal() const { return watch_.signal(); }

  // Waits up to `d` for a stop signal (the --linger after a run); true if one came.
  bool WaitFor(std::chrono::nanoseconds d);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  SignalWatch watch_;  // last: its thread uses the members above
};

}  // namespace dialsoak::cli
