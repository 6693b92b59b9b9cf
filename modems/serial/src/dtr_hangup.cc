#include "dialsoak/serial/dtr_hangup.h"

#include <fcntl.h>
#include <fmt/format.h>

#include <optional>
#include <utility>

#include "dialsoak/at/command.h"
#include "dialsoak/at/response.h"
#include "dialsoak/io/fd_io.h"

namespace dialsoak::serial {
namespace {

using namespace std::chrono_literals;

// After a confirmation with answers still to come (the probe's OK behind a late NO CARRIER,
// the answers to earlier probes), the modem's talk is read and dropped until it has been
// quiet this long, so that the next command does not take it for its own answer.
constexpr auto kDrainQuiet = 100ms;

// The descriptor non-blocking for this scope (the exec line's tty is blocking, for the
// commands that use it as their stdin and stdout), its flags restored after.
class NonBlocking {
 public:
  explicit NonBlocking(int fd) : fd_(fd), flags_(::fcntl(fd, F_GETFL)) {
    if (flags_ >= 0 && !(flags_ & O_NONBLOCK)) (void)::fcntl(fd_, F_SETFL, flags_ | O_NONBLOCK);
  }
  ~NonBlocking() {
    if (flags_ >= 0 && !(flags_ & O_NONBLOCK)) (void)::fcntl(fd_, F_SETFL, flags_);
  }
  NonBlocking(const NonBlocking&) = delete;
  NonBlocking& operator=(const NonBlocking&) = delete;

 private:
  int fd_;
  int flags_;
};

// The modem's final result codes, one at a time; bytes after one are kept for the next.
class Replies {
 public:
  Replies(int fd, const std::string& device) : fd_(fd), device_(device) {}

  // The next final result code (the echo of command skipped), or nullopt at the deadline.
  io::Result<std::optional<at::Result>> Next(std::string_view command, Deadline deadline) {
    at::ResponseReader reader(command);
    for (;;) {
      if (!left_.empty()) {
        left_.erase(0, reader.Feed(left_));
        if (reader.done()) return reader.response().final;
      }
      auto bytes = io::ReadSome(fd_, deadline, device_);
      if (!bytes) return io::Fail(bytes.error());
      if (bytes->empty()) return std::optional<at::Result>();
      left_ = std::move(*bytes);
    }
  }

  // Reads and drops what comes until kDrainQuiet passes without a byte, or the deadline.
  void Drain(Deadline deadline) {
    left_.clear();
    while (!deadline.Expired()) {
      auto bytes = io::ReadSome(fd_, deadline.Within(kDrainQuiet), device_);
      if (!bytes || bytes->empty()) return;
    }
  }

 private:
  int fd_;
  const std::string& device_;
  std::string left_;
};

bool Confirms(const at::Result& r) {
  return r.code == at::ResultCode::NoCarrier || r.code == at::ResultCode::Ok;
}

}  // namespace

DtrHangup HangupByDtr(int fd, const TtyOptions& options, const std::string& device,
                      std::chrono::nanoseconds confirm_within, Deadline deadline) {
  const auto start = Clock::now();
  auto end = [&](bool ok, std::string detail, bool io_error = false) {
    return DtrHangup{ok, Clock::now() - start, std::move(detail), io_error};
  };
  NonBlocking non_blocking(fd);
  Replies replies(fd, device);
  if (auto down = SetDtr(fd, false, options, device); !down) {
    return end(false, down.error().message);
  }
  const Deadline confirm = deadline.Within(confirm_within);
  std::string other;  // a final result that confirms nothing ("ERROR"), for the failure

  // DTR low until the modem says it hung up, or for the quiet wait: a drop undone sooner
  // may go unseen.
  const Deadline quiet = confirm.Within(kDtrQuietWait);
  for (;;) {
    auto said = replies.Next({}, quiet);
    if (!said) {
      (void)SetDtr(fd, true, options, device);
      return end(false, said.error().message, true);
    }
    if (!*said) break;
    if (Confirms(**said)) {
      auto elapsed = Clock::now() - start;
      if (auto up = SetDtr(fd, true, options, device); !up) return end(false, up.error().message);
      return DtrHangup{true, elapsed, "DTR drop, " + (*said)->text, false};
    }
    other = (*said)->text;
  }
  if (auto up = SetDtr(fd, true, options, device); !up) return end(false, up.error().message);

  // Silent: a modem in command mode (it hung up) answers AT with OK. One still hanging up
  // may say NO CARRIER first, or drop the probe: asked again while nothing answers.
  const std::string at = at::FormatCommand("");
  int probes = 0;
  while (!confirm.Expired()) {
    if (auto w = io::WriteAll(fd, at, confirm, device); !w) {
      return end(false, w.error().message, true);
    }
    ++probes;
    const Deadline answer = confirm.Within(kDtrProbeRetry);
    for (;;) {
      auto said = replies.Next(at, answer);
      if (!said) return end(false, said.error().message, true);
      if (!*said) break;
      if (!Confirms(**said)) {
        other = (*said)->text;
        continue;  // e.g. ERROR: asked again when this probe's time is up
      }
      const auto elapsed = Clock::now() - start;
      const bool ok_to_at = (*said)->code == at::ResultCode::Ok;
      std::string detail =
          ok_to_at ? "DTR drop, AT OK" : "DTR drop, " + (*said)->text + " after AT";
      if (probes > 1) detail += fmt::format(" (AT sent {} times)", probes);
      // Answers may still be on their way: the probe's OK, or those to earlier probes.
      if (!ok_to_at || probes > 1) replies.Drain(deadline.Within(kDtrProbeRetry));
      return DtrHangup{true, elapsed, std::move(detail), false};
    }
  }
  std::string detail = fmt::format(
      "DTR drop not confirmed: no NO CARRIER, and no OK to AT (sent {} time{}) within {:.1f}s",
      probes, probes == 1 ? "" : "s", std::chrono::duration<double>(Clock::now() - start).count());
  if (!other.empty()) detail += "; the modem answered " + other;
  return end(false, std::move(detail));
}

}  // namespace dialsoak::serial
