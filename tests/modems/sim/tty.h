// Tty: a test's end of an emulated port, opened like a dialer opens a serial device
// (O_RDWR|O_NOCTTY|O_NONBLOCK, raw, 115200), closed by RAII. Reads wait with deadlines.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "dialsoak/io/unique_fd.h"

namespace dialsoak::sim::testing {

using namespace std::chrono_literals;

class Tty {
 public:
  explicit Tty(const std::string& path) { Open(path); }
  // Takes a descriptor as it is (a pty master standing for the far end of a cable).
  explicit Tty(io::UniqueFd fd) : fd_(std::move(fd)) {}

  void Open(const std::string& path) {
    fd_.reset(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd_) throw std::runtime_error("open " + path);
    termios t{};
    ::tcgetattr(fd_.get(), &t);
    ::cfmakeraw(&t);
    ::cfsetispeed(&t, B115200);
    ::cfsetospeed(&t, B115200);
    ::tcsetattr(fd_.get(), TCSANOW, &t);
    ::tcflush(fd_.get(), TCIFLUSH);
    buffer_.clear();
  }
  void Close() { fd_.reset(); }
  int fd() const { return fd_.get(); }

  void Write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && errno == EAGAIN) {
        pollfd p{fd_.get(), POLLOUT, 0};
        ::poll(&p, 1, 100);
      } else {
        throw std::runtime_error("write to tty failed");
      }
    }
  }

  // Reads until `needle` has arrived; consumes through it and returns true. On timeout
  // returns false and keeps what arrived (see pending()).
  bool WaitFor(std::string_view needle, std::chrono::milliseconds timeout = 5s) {
    return !WaitForAny({needle}, timeout).empty();
  }

  // Reads until one of the needles has arrived (the earliest, if several), consumes
  // through it and returns it; returns "" on timeout.
  std::string WaitForAny(std::initializer_list<std::string_view> needles,
                         std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      std::size_t best = std::string::npos;
      std::string_view found;
      for (std::string_view n : needles) {
        if (auto at = buffer_.find(n); at < best) {
          best = at;
          found = n;
        }
      }
      if (best != std::string::npos) {
        buffer_.erase(0, best + found.size());
        return std::string(found);
      }
      if (!ReadOnce(deadline)) return "";
    }
  }

  // Reads until `needle` has arrived and returns everything through it, consuming it; on
  // timeout returns "" and keeps what arrived.
  std::string ReadThrough(std::string_view needle, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto at = buffer_.find(needle); at != std::string::npos) {
        std::string out = buffer_.substr(0, at + needle.size());
        buffer_.erase(0, at + needle.size());
        return out;
      }
      if (!ReadOnce(deadline)) return "";
    }
  }

  // Reads until n bytes are pending and returns (consumes) them; on timeout returns what
  // arrived.
  std::string ReadBytes(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.size() < n && ReadOnce(deadline)) {
    }
    std::string out = buffer_.substr(0, std::min(n, buffer_.size()));
    buffer_.erase(0, out.size());
    return out;
  }

  // What was pending plus everything that arrives until `quiet` passes without a byte;
  // consumes it.
  std::string Drain(std::chrono::milliseconds quiet = 50ms) {
    while (ReadOnce(std::chrono::steady_clock::now() + quiet)) {
    }
    return std::exchange(buffer_, {});
  }

  const std::string& pending() const { return buffer_; }

  // "DTR" as a pty carries it: speed B0 drops it, 115200 raises it.
  void SetDtr(bool up) {
    termios t{};
    ::tcgetattr(fd_.get(), &t);
    ::cfsetispeed(&t, up ? B115200 : B0);
    ::cfsetospeed(&t, up ? B115200 : B0);
    ::tcsetattr(fd_.get(), TCSANOW, &t);
  }

 private:
  bool ReadOnce(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      char buf[4096];
      ssize_t n = ::read(fd_.get(), buf, sizeof buf);
      if (n > 0) {
        buffer_.append(buf, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return false;  // EOF: hung up
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_.get(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
    }
  }

  io::UniqueFd fd_;
  std::string buffer_;
};

}  // namespace dialsoak::sim::testing
