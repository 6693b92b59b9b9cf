// ScriptedModem: the master side of a PtyPair playing a modem from a script of steps,
// on its own thread, for tests of a dialer's exact behaviour (timeouts, noise, escape
// sequences) that a well-behaved simulator would never produce.
#pragma once

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/pty_pair.h"

namespace dialsoak::testutil {

struct Step {
  enum class Kind { Expect, ExpectDtrDrop, Send, CloseMaster, Sleep };
  Kind kind;
  std::string text;  // Expect: substring to wait for; Send: bytes to send
  std::chrono::milliseconds sleep{0};
};

inline Step Expect(std::string s) { return {Step::Kind::Expect, std::move(s)}; }
inline Step ExpectDtrDrop() { return {Step::Kind::ExpectDtrDrop, {}}; }
inline Step Send(std::string s) { return {Step::Kind::Send, std::move(s)}; }
inline Step CloseMaster() { return {Step::Kind::CloseMaster, {}}; }
inline Step Sleep(std::chrono::milliseconds d) { return {Step::Kind::Sleep, {}, d}; }

class ScriptedModem {
 public:
  ScriptedModem(PtyPair& pty, std::vector<Step> steps)
      : pty_(pty), steps_(std::move(steps)), thread_([this] { Run(); }) {}
  ~ScriptedModem() {
    stop_ = true;
    thread_.join();
  }
  // Waits up to timeout for every step to have run.
  bool WaitFinished(std::chrono::milliseconds timeout) const {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (!finished_ && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return finished_;
  }
  // The text the dialer sent so far, for assertions and failure messages.
  std::string seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  // Reads what the slave sent; returns false on stop or error. Sets dtr_low on B0.
  bool ReadSome(bool& dtr_low) {
    pollfd p{pty_.master(), POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) return !stop_;
    char buf[512];
    ssize_t n = ::read(pty_.master(), buf, sizeof buf);
    if (n <= 0) return !stop_;
    if (pty_.packet_mode()) {
      if (buf[0] != 0) {
        termios t{};
        ::tcgetattr(pty_.master(), &t);
        dtr_low = ::cfgetospeed(&t) == B0;
        return true;
      }
      Append(buf + 1, static_cast<size_t>(n - 1));
    } else {
      Append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  void Append(const char* p, size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.append(p, n);
  }
  // Position just past text at or after from, or npos.
  size_t Find(const std::string& text, size_t from) const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t at = seen_.find(text, from);
    return at == std::string::npos ? at : at + text.size();
  }

  void Run() {
    size_t cursor = 0;  // expectations match text after the previous match
    for (const Step& s : steps_) {
      bool dtr_low = false;
      switch (s.kind) {
        case Step::Kind::Expect:
          while (Find(s.text, cursor) == std::string::npos) {
            if (!ReadSome(dtr_low) || stop_) return;
          }
          cursor = Find(s.text, cursor);
          break;
        case Step::Kind::ExpectDtrDrop:
          while (!dtr_low) {
            if (!ReadSome(dtr_low) || stop_) return;
          }
          break;
        case Step::Kind::Send:
          if (::write(pty_.master(), s.text.data(), s.text.size()) < 0) return;
          break;
        case Step::Kind::CloseMaster:
          pty_.CloseMaster();
          break;
        case Step::Kind::Sleep:
          std::this_thread::sleep_for(s.sleep);
          break;
      }
    }
    finished_ = true;
  }

  PtyPair& pty_;
  std::vector<Step> steps_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  mutable std::mutex mu_;
  std::string seen_;
  std::thread thread_;
};

}  // namespace dialsoak::testutil
