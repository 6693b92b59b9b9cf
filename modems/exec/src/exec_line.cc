#include "dialsoak/exec/exec_line.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <thread>

#include <fmt/format.h>

#include "child_process.h"
#include "dialsoak/at/connect_info.h"
#include "dialsoak/serial/dtr_hangup.h"

namespace dialsoak::exec {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::string Seconds(std::chrono::nanoseconds d) {
  return fmt::format("{:.1f}s", std::chrono::duration<double>(d).count());
}

// "exit 4 (busy)", with the command's last line of output after a colon when it said one.
std::string WithLastLine(std::string head, const ChildProcess& p) {
  if (p.last_line().empty()) return head;
  return head + ": " + p.last_line();
}

// How a finished command ends a dial: its exit code through the map, 0 as Connect.
std::pair<CallResult, std::string> ResultOfExit(const ChildProcess& p,
                                                const std::map<int, CallResult>& results) {
  const auto code = p.exit_code();
  if (!code) return {CallResult::Error, WithLastLine(p.DescribeEnd(), p)};
  if (auto it = results.find(*code); it != results.end()) {
    return {it->second, WithLastLine(fmt::format("exit {} ({})", *code, ToString(it->second)), p)};
  }
  if (*code == 0) return {CallResult::Connect, WithLastLine("exit 0", p)};
  return {CallResult::Error, WithLastLine(p.DescribeEnd(), p)};
}

struct RunResult {
  bool finished;  // false: killed at the deadline
  std::optional<int> exit_code;
  std::string detail;  // "exit 1: its last line", "no end in 2.0s: ..."
};

}  // namespace

std::optional<CallResult> ParseCallResult(std::string_view name) {
  for (int i = 0; i < kCallResultCount; ++i) {
    const auto r = static_cast<CallResult>(i);
    if (ToString(r) == name) return r;
  }
  return std::nullopt;
}

std::optional<std::string> CheckConfig(const ExecLineConfig& c) {
  if (c.dial.empty()) return "the exec backend needs a dial command";
  if (c.connected_when == ConnectedWhen::Output) {
    if (c.connect_regex.empty()) return "connected by output needs a regex to look for";
    try {
      std::regex re(c.connect_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return fmt::format("the connect regex '{}' does not compile: {}", c.connect_regex, e.what());
    }
  }
  if (c.connected_when == ConnectedWhen::Check && (!c.check || c.check->empty())) {
    return "connected by check needs a check command";
  }
  if (c.hangup && c.hangup->empty()) return "the hang-up command is empty";
  return std::nullopt;
}

namespace {

// A connected call's detail (the line that matched, the dialer's last line), when it holds
// the modem's CONNECT (chat -v, wvdial, a dialer echoing the modem:
// "CONNECT 33600/ARQ/V34/LAPM/V42BIS"): its rate and protocol.
void SetConnectInfo(DialOutcome& out) {
  const std::size_t at = out.detail.find("CONNECT");
  if (at == std::string::npos) return;
  const auto result = at::ParseResult(std::string_view(out.detail).substr(at));
  if (!result || result->code != at::ResultCode::Connect) return;
  at::ConnectInfo c = at::ParseConnectInfo(*result);
  out.connect_rate = c.rate;
  out.modulation = std::move(c.modulation);
  out.error_control = std::move(c.error_control);
  out.compression = std::move(c.compression);
}

}  // namespace

class ExecLine::Impl {
 public:
  Impl(ExecLineConfig config, io::UniqueFd tty)
      : config_(std::move(config)), tty_(std::move(tty)) {
    if (config_.connected_when == ConnectedWhen::Output) {
      regex_ = std::regex(config_.connect_regex, std::regex::ECMAScript);
    }
  }

  DialOutcome Dial(std::string_view number, Deadline deadline) {
    const auto start = Clock::now();
    auto done = [&](CallResult r, std::string detail) {
      DialOutcome out{r, Clock::now() - start, std::move(detail)};
      if (r == CallResult::Connect) {
        connected_ = true;
        SetConnectInfo(out);
      }
      return out;
    };
    number_ = std::string(number);
    call_.reset();
    ended_.reset();
    if (tty_) ::tcflush(tty_.get(), TCIOFLUSH);  // what the modem said after the last call
    auto child = ChildProcess::Start(Expand(config_.dial, Vars()), tty_ ? tty_.get() : -1);
    if (!child) return done(CallResult::Error, child.error().message);
    auto next_check = Clock::now();
    for (;;) {
      if (config_.connected_when == ConnectedWhen::Check && Clock::now() >= next_check &&
          !(child->exited() && child->exit_code() != 0)) {
        const RunResult check = Run(*config_.check, deadline, /*on_tty=*/false);
        if (check.exit_code == 0) {
          if (!child->exited()) call_.emplace(std::move(*child));
          return done(CallResult::Connect, fmt::format("'{}' exits 0", config_.check->ToString()));
        }
        next_check = Clock::now() + config_.check_interval;
      }
      if (config_.connected_when == ConnectedWhen::Output) {
        while (auto line = child->TakeLine()) {
          if (std::regex_search(*line, regex_)) {
            if (!child->exited()) call_.emplace(std::move(*child));
            return done(CallResult::Connect, std::move(*line));
          }
        }
      }
      if (child->exited()) {
        auto [result, detail] = ResultOfExit(*child, config_.exit_results);
        if (config_.connected_when == ConnectedWhen::Exit || result != CallResult::Connect) {
          return done(result, std::move(detail));
        }
        if (config_.connected_when == ConnectedWhen::Output) {
          return done(CallResult::Error,
                      WithLastLine(fmt::format("exit 0 before a line matched /{}/",
                                               config_.connect_regex),
                                   *child));
        }
        // Check: exit 0 (pon returns at once); the check decides, until the deadline.
      }
      if (deadline.Expired()) {
        child->Kill(config_.kill_grace);
        unsure_ = true;
        return done(CallResult::Timeout,
                    WithLastLine(fmt::format("no result in {}, dial command stopped",
                                             Seconds(Clock::now() - start)),
                                 *child));
      }
      Deadline wait = deadline;
      if (config_.connected_when == ConnectedWhen::Check) wait = Deadline(std::min(deadline.at(), next_check));
      if (child->exited()) {
        std::this_thread::sleep_for(wait.Remaining());
        continue;
      }
      if (auto w = child->Wait(wait); !w) {
        child->Kill(config_.kill_grace);
        return done(CallResult::IoError, w.error().message);
      }
    }
  }

  HangupOutcome Hangup(Deadline deadline) {
    const auto start = Clock::now();
    if (ended_) {
      connected_ = false;
      call_.reset();
      return HangupOutcome{true, {}, "call already ended: " + *std::exchange(ended_, std::nullopt),
                           HangupMethod::None};
    }
    if (!connected_ && !unsure_) return HangupOutcome{true, {}, "on hook", HangupMethod::None};
    bool ok = true;
    std::string detail;
    HangupMethod method = HangupMethod::None;
    auto add = [&detail](std::string part) {
      detail += detail.empty() ? part : ", " + part;
    };
    if (config_.hangup) {
      method = HangupMethod::Command;
      RunResult r = Run(*config_.hangup, deadline, /*on_tty=*/true);
      ok = r.exit_code == 0;
      add("hang-up command " + r.detail);
      // The dial command that held the call should end by itself now (poff ends pppd).
      if (call_) {
        while (!call_->exited() && !deadline.Expired()) (void)call_->Wait(deadline);
        if (!call_->exited()) {
          ok = false;
          add("dial command still running, stopped");
        }
      }
    } else {
      if (call_) {
        method = HangupMethod::Signal;
        call_->Kill(std::min<std::chrono::nanoseconds>(config_.kill_grace, deadline.Remaining()));
        add("dial command ended (" + call_->DescribeEnd() + ")");
      }
      if (tty_) {  // the modem itself is told too, as pppd drops DTR when it ends a call
        // Done only when the modem confirms: NO CARRIER, or OK to AT after a silent drop.
        method = HangupMethod::Dtr;
        serial::DtrHangup r = serial::HangupByDtr(tty_.get(), config_.tty_options, config_.tty,
                                                  config_.dtr_confirm_within, deadline);
        ok = r.ok;
        add(std::move(r.detail));
      }
      if (method == HangupMethod::None) {
        add("nothing to hang up (no hang-up command, the dial command has ended)");
      }
    }
    call_.reset();  // kills what is left of the dial command's group
    if (config_.connected_when == ConnectedWhen::Check && ok) {
      // Hung up only once the check says so (ppp0 gone).
      bool still = true;
      while (still && !deadline.Expired()) {
        still = Run(*config_.check, deadline, /*on_tty=*/false).exit_code == 0;
        if (still) std::this_thread::sleep_for(std::min(config_.check_interval, deadline.Remaining()));
      }
      if (still) {
        ok = false;
        add(fmt::format("still connected: '{}' exits 0", config_.check->ToString()));
      }
    }
    connected_ = false;
    unsure_ = false;
    return HangupOutcome{ok, Clock::now() - start, std::move(detail), method};
  }

  bool Watchable() const { return tty_.valid() || call_.has_value(); }

  std::optional<std::string> Watch(Deadline deadline) {
    if (ended_) return ended_;
    if (call_) {
      while (!call_->exited() && !deadline.Expired()) {
        if (auto w = call_->Wait(deadline); !w) return Ended(w.error().message);
        while (call_->TakeLine()) {
        }
      }
      if (call_->exited()) return Ended(WithLastLine("dial command ended (" + call_->DescribeEnd() + ")", *call_));
      return std::nullopt;
    }
    if (!tty_) return std::nullopt;
    // Online, a modem speaks again only to say the call is over.
    while (!deadline.Expired()) {
      auto said = ReadTty(deadline);
      if (!said) return Ended("device lost: " + said.error().message);
      watched_ += *said;
      if (watched_.size() > 4096) watched_.erase(0, watched_.size() - 64);
      if (watched_.find("NO CARRIER") != std::string::npos) {
        watched_.clear();
        return Ended("NO CARRIER");
      }
    }
    return std::nullopt;
  }

 private:
  std::map<std::string, std::string> Vars() const {
    return {{"number", number_}, {"line", std::to_string(config_.line_index)},
            {"device", config_.tty}};
  }

  std::optional<std::string> Ended(std::string why) {
    ended_ = std::move(why);
    return ended_;
  }

  // Runs a command to its end, killing it at the deadline.
  RunResult Run(const Command& command, Deadline deadline, bool on_tty) {
    auto child = ChildProcess::Start(Expand(command, Vars()), on_tty && tty_ ? tty_.get() : -1);
    if (!child) return RunResult{false, std::nullopt, child.error().message};
    while (!child->exited() && !deadline.Expired()) {
      if (auto w = child->Wait(deadline); !w) break;
      while (child->TakeLine()) {
      }
    }
    if (!child->exited()) {
      child->Kill(config_.kill_grace);
      return RunResult{false, std::nullopt,
                       WithLastLine("no end by its deadline, stopped", *child)};
    }
    return RunResult{true, child->exit_code(), WithLastLine(child->DescribeEnd(), *child)};
  }

  // What the tty has now, waiting until the deadline for the first byte; empty on timeout.
  io::Result<std::string> ReadTty(Deadline deadline) {
    pollfd fd{tty_.get(), POLLIN, 0};
    const int n = ::poll(&fd, 1, deadline.PollTimeoutMs());
    if (n < 0 && errno != EINTR) return io::Fail(io::ErrnoError("poll " + config_.tty));
    if (n <= 0) return std::string();
    if (fd.revents & (POLLHUP | POLLERR | POLLNVAL)) {
      return io::Fail(io::Error{EIO, config_.tty + ": hung up"});
    }
    char buf[512];
    const ssize_t got = ::read(tty_.get(), buf, sizeof buf);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return std::string();
    if (got <= 0) return io::Fail(io::ErrnoError("read " + config_.tty, got == 0 ? EIO : errno));
    return std::string(buf, static_cast<std::size_t>(got));
  }

  ExecLineConfig config_;
  std::regex regex_;
  io::UniqueFd tty_;
  std::optional<ChildProcess> call_;  // the dial command, while it holds the call
  bool connected_ = false;
  bool unsure_ = false;  // the last dial timed out: the device may still be dialing
  std::optional<std::string> ended_;  // the call ended by itself (watch saw it)
  std::string number_;
  std::string watched_;  // what the modem said during the hold
};

io::Result<std::unique_ptr<ExecLine>> ExecLine::Open(ExecLineConfig config) {
  if (auto bad = CheckConfig(config)) return io::Fail(io::Error{EINVAL, *bad});
  const std::pair<const char*, const std::optional<Command>*> commands[] = {
      {"dial", nullptr}, {"hang-up", &config.hangup}, {"check", &config.check}};
  for (const auto& [what, command] : commands) {
    const Command& c = command ? (command->has_value() ? **command : Command{}) : config.dial;
    if (c.empty()) continue;
    if (auto missing = MissingProgram(c)) {
      return io::Fail(io::Error{ENOENT, fmt::format("{} command '{}': {}", what, c.ToString(), *missing)});
    }
  }
  io::UniqueFd tty;
  if (!config.tty.empty()) {
    auto opened = serial::OpenTty(config.tty, config.tty_options);
    if (!opened) return io::Fail(opened.error());
    tty = std::move(*opened);
    // The commands read and write it as their stdin and stdout and expect blocking I/O
    // (chat does); the line itself only reads after poll says there is something.
    const int flags = ::fcntl(tty.get(), F_GETFL);
    if (flags < 0 || ::fcntl(tty.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
      return io::Fail(io::ErrnoError("fcntl " + config.tty));
    }
  }
  return std::unique_ptr<ExecLine>(
      new ExecLine(std::make_unique<Impl>(std::move(config), std::move(tty))));
}

ExecLine::ExecLine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExecLine::~ExecLine() = default;

DialOutcome ExecLine::dial(std::string_view number, Deadline deadline) {
  return impl_->Dial(number, deadline);
}
HangupOutcome ExecLine::hangup(Deadline deadline) { return impl_->Hangup(deadline); }
bool ExecLine::watchable() const { return impl_->Watchable(); }
std::optional<std::string> ExecLine::watch(Deadline deadline) { return impl_->Watch(deadline); }

}  // namespace dialsoak::exec
