// SerialLine's recovery: a device that was lost (EIO, POLLHUP: unplugged, its driver gone)
// opened again with a backoff until the dial's deadline; a modem that answered nothing to
// a dial (silent, rebooting) initialised again. See serial_line.h.
#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "dialsoak/serial/serial_line.h"

namespace dialsoak::serial {
namespace {

using namespace std::chrono_literals;

constexpr auto kFirstBackoff = 100ms;
constexpr auto kMaxBackoff = 2s;
constexpr auto kAtRetry = 500ms;  // a rebooting modem: AT again this often

}  // namespace

io::Result<void> SerialLine::Reopen(Deadline deadline) {
  std::chrono::nanoseconds backoff = kFirstBackoff;
  std::string last;
  for (int tries = 1;; ++tries) {
    if (fd_) ReleaseTty(fd_.get());
    fd_.reset();
    auto fd = OpenTty(config_.device, config_.tty);
    if (fd) {
      fd_ = std::move(*fd);
      if (config_.hangup != HangupPolicy::Escape && CanDropDtr(fd_.get())) {
        method_ = HangupMethod::Dtr;
      } else {
        method_ = HangupMethod::Escape;
      }
      lost_ = false;
      unsure_ = false;
      auto init = Reinitialise(deadline);
      if (init) {
        ++reopens_;
        return {};
      }
      last = init.error().message;
    } else {
      last = fd.error().message;
    }
    if (deadline.Remaining() <= backoff) {
      lost_ = true;
      return io::Fail(io::Error{EIO, fmt::format("{} lost ({}); not back after {} open(s): {}",
                                                 config_.device, lost_why_, tries, last)});
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min<std::chrono::nanoseconds>(2 * backoff, kMaxBackoff);
  }
}

io::Result<void> SerialLine::Reinitialise(Deadline deadline) {
  // A modem that is rebooting answers nothing for a while: AT until OK, then the init.
  std::string last = "no answer";
  while (!deadline.Expired()) {
    Exchange ex = Send(at::FormatCommand(""), deadline.Within(kAtRetry));
    if (!ex.error.empty()) return io::Fail(io::Error{EIO, ex.error});
    if (!ex.timed_out && ex.response.final->code == at::ResultCode::Ok) {
      auto init = Initialise(deadline);
      if (init) unsure_ = false;
      return init;
    }
    if (!ex.timed_out) {
      last = "answered " + ex.response.final->text;
      std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(kAtRetry, deadline.Remaining()));
    }
  }
  return io::Fail(io::Error{ETIMEDOUT, fmt::format("{}: the modem did not answer AT before the "
                                                   "deadline ({}) after a dial with no result",
                                                   config_.device, last)});
}

}  // namespace dialsoak::serial
