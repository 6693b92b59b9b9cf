#include "dialsoak/serial/serial_line.h"

#include <algorithm>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "call_result.h"
#include "dialsoak/io/fd_io.h"
#include "dialsoak/serial/dtr_hangup.h"

namespace dialsoak::serial {
namespace {

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Appends what the modem sent besides its result: line noise, a partial line.
void AppendNoise(std::string& detail, const at::Response& r) {
  if (r.noise_bytes == 0) return;
  detail += fmt::format("{}line noise: {} bytes ({})", detail.empty() ? "" : "; ", r.noise_bytes,
                        r.noise_sample);
}

}  // namespace

SerialLine::SerialLine(SerialLineConfig config, io::UniqueFd fd, HangupMethod method)
    : config_(std::move(config)), fd_(std::move(fd)), method_(method) {}

SerialLine::~SerialLine() {
  // Closing drops DTR (HUPCL), which hangs up a call still up; release exclusivity first.
  if (fd_) ReleaseTty(fd_.get());
}

io::Result<std::unique_ptr<SerialLine>> SerialLine::Open(SerialLineConfig config) {
  auto fd = OpenTty(config.device, config.tty);
  if (!fd) return io::Fail(fd.error());

  HangupMethod method = HangupMethod::Escape;
  bool dtr = CanDropDtr(fd->get());
  if (config.hangup == HangupPolicy::Dtr && !dtr) {
    ReleaseTty(fd->get());
    return io::Fail(io::Error{ENOTTY, config.device +
                                          ": cannot drop DTR here (no modem-control lines); "
                                          "use hangup: escape"});
  }
  if (config.hangup != HangupPolicy::Escape && dtr) method = HangupMethod::Dtr;

  std::unique_ptr<SerialLine> line(new SerialLine(std::move(config), std::move(*fd), method));
  if (auto init = line->Initialise(Deadline(Clock::time_point::max())); !init) {
    return io::Fail(init.error());
  }
  return line;
}

io::Result<void> SerialLine::Initialise(Deadline deadline) {
  std::vector<std::string> commands = config_.init;
  // The modem must wait the same guard time around +++ as we do (S12, in 1/50 s).
  if (config_.guard_time != std::chrono::seconds(1)) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(config_.guard_time);
    commands.push_back(fmt::format("S12={}", std::clamp<long long>(ms.count() / 20, 1, 255)));
  }
  for (const std::string& init : commands) {
    Exchange ex = Send(at::FormatCommand(init), deadline.Within(config_.command_timeout));
    std::string what = fmt::format("init '{}' on {}", init, config_.device);
    if (!ex.error.empty()) return io::Fail(io::Error{EIO, what + ": " + ex.error});
    if (ex.timed_out) {
      return io::Fail(io::Error{ETIMEDOUT, fmt::format("{}: no answer within {:.1f} s", what,
                                                       Seconds(config_.command_timeout))});
    }
    if (ex.response.final->code != at::ResultCode::Ok) {
      return io::Fail(io::Error{EPROTO, what + ": answered " + ex.response.final->text});
    }
  }
  return {};
}

void SerialLine::Lost(const std::string& why) {
  lost_ = true;
  lost_why_ = why;
  off_hook_ = false;  // whatever call there was went with the device
}

SerialLine::Exchange SerialLine::Send(std::string_view command, Deadline deadline,
                                      std::optional<std::chrono::nanoseconds> quiet) {
  if (auto w = io::WriteAll(fd_.get(), command, deadline, config_.device); !w) {
    Lost(w.error().message);
    return Exchange{{}, w.error().message, false, {}, {}};
  }
  at::ResponseReader reader(command);
  return Await(reader, deadline, quiet);
}

SerialLine::Exchange SerialLine::Await(at::ResponseReader& reader, Deadline deadline,
                                       std::optional<std::chrono::nanoseconds> quiet) {
  Exchange ex;
  while (!reader.done()) {
    // After an unrecognised final-looking line, a quiet spell is the modem's answer.
    const bool suspect = quiet && reader.response().unrecognised.has_value();
    const Deadline wait = suspect ? deadline.Within(*quiet) : deadline;
    auto bytes = io::ReadSome(fd_.get(), wait, config_.device);
    if (!bytes) {
      ex.error = bytes.error().message;
      Lost(ex.error);
      break;
    }
    if (bytes->empty() && suspect && wait.at() < deadline.at()) {
      ex.unrecognised = reader.response().unrecognised;
      break;
    }
    if (bytes->empty()) {
      ex.timed_out = true;
      ex.pending = std::string(reader.pending());
      break;
    }
    // Bytes after the final result (data after CONNECT) are not a response: dropped.
    reader.Feed(*bytes);
  }
  ex.response = reader.response();
  return ex;
}

DialOutcome SerialLine::dial(std::string_view number, Deadline deadline) {
  const auto start = Clock::now();
  auto elapsed = [&] { return Clock::now() - start; };
  auto command = at::FormatDial(number, config_.dial_mode);
  if (!command) return DialOutcome{CallResult::Error, elapsed(), command.error()};

  // A lost device is opened again, a modem that went silent initialised again, first.
  const bool reopening = lost_;
  std::string recovered;
  if (reopening || unsure_) {
    auto ready = reopening ? Reopen(deadline) : Reinitialise(deadline);
    if (!ready) {
      return DialOutcome{reopening ? CallResult::IoError : CallResult::Timeout, elapsed(),
                         ready.error().message};
    }
    recovered = reopening ? fmt::format("; reopened {} (lost: {})", config_.device, lost_why_)
                          : "; re-initialised after a dial with no known result";
    if (reopening) lost_why_.clear();
  }

  off_hook_ = true;
  Exchange ex = Send(*command, deadline, config_.unrecognised_quiet);
  if (!ex.error.empty()) return DialOutcome{CallResult::IoError, elapsed(), ex.error + recovered, reopening};
  if (ex.unrecognised) {
    // The modem said something final-looking and no more: back on hook as far as we can
    // tell, yet unknown text is no proof, so initialise it again before the next dial.
    off_hook_ = false;
    unsure_ = true;
    std::string detail = "unrecognised result: " + *ex.unrecognised;
    AppendNoise(detail, ex.response);
    return DialOutcome{CallResult::Unrecognised, elapsed(), detail + recovered, reopening,
                       static_cast<std::int64_t>(ex.response.noise_bytes)};
  }
  if (ex.timed_out) {
    unsure_ = true;  // silent, reset, or a result cut short: ask again before the next dial
    std::string detail = "no result code before the deadline";
    if (!ex.response.info.empty()) detail += "; last text: " + ex.response.info.back();
    if (!ex.pending.empty()) detail += fmt::format("; cut short: '{}'", ex.pending);
    AppendNoise(detail, ex.response);
    return DialOutcome{CallResult::Timeout, elapsed(), detail + recovered, reopening,
                       static_cast<std::int64_t>(ex.response.noise_bytes)};
  }
  CallResult result = ToCallResult(ex.response.final->code);
  if (result != CallResult::Connect) off_hook_ = false;  // the modem is back on hook
  std::string detail = at::Describe(*ex.response.final);
  AppendNoise(detail, ex.response);
  DialOutcome out{result, elapsed(), detail + recovered, reopening,
                  static_cast<std::int64_t>(ex.response.noise_bytes)};
  SetConnectInfo(out, ex.response);
  return out;
}

std::optional<std::string> SerialLine::watch(Deadline deadline) {
  if (lost_) return "device lost: " + lost_why_;
  if (!off_hook_) return std::string("on hook");
  at::ResponseReader reader;  // in data mode only a result code means anything
  Exchange ex = Await(reader, deadline);
  if (!ex.error.empty()) return "device lost: " + ex.error;
  if (ex.timed_out) return std::nullopt;  // still up
  off_hook_ = false;  // NO CARRIER: the far end (or the modem) dropped the call
  std::string detail = ex.response.final->text;
  AppendNoise(detail, ex.response);
  return detail;
}

HangupOutcome SerialLine::hangup(Deadline deadline) {
  if (lost_) {
    return HangupOutcome{false, {}, "device lost: " + lost_why_, method_};
  }
  if (!off_hook_) return HangupOutcome{true, {}, "on hook", HangupMethod::None};
  HangupOutcome out =
      method_ == HangupMethod::Dtr ? HangupByDtr(deadline) : HangupByEscape(deadline);
  if (out.ok) off_hook_ = false;
  return out;
}

HangupOutcome SerialLine::HangupByDtr(Deadline deadline) {
  // Confirmed by NO CARRIER, or by OK to AT from a modem that hung up without a word, asked
  // after a short wait, up to the command timeout (dtr_hangup.h); timed to the confirmation.
  DtrHangup h = serial::HangupByDtr(fd_.get(), config_.tty, config_.device,
                                    config_.command_timeout, deadline);
  if (h.io_error) Lost(h.detail);
  return HangupOutcome{h.ok, h.elapsed, std::move(h.detail), HangupMethod::Dtr};
}

HangupOutcome SerialLine::HangupByEscape(Deadline deadline) {
  const auto start = Clock::now();
  auto fail = [&](std::string why) {
    return HangupOutcome{false, Clock::now() - start, std::move(why), HangupMethod::Escape};
  };
  // +++ must be framed by silence of the guard time on both sides.
  std::this_thread::sleep_for(std::min(config_.guard_time, deadline.Remaining()));
  std::string detail = "+++";
  {
    at::ResponseReader reader;
    if (auto w = io::WriteAll(fd_.get(), "+++", deadline, config_.device); !w) {
      return fail(w.error().message);
    }
    Exchange ex = Await(reader, deadline.Within(2 * config_.guard_time + config_.command_timeout));
    if (!ex.error.empty()) return fail(ex.error);
    // No OK: the modem may already be in command mode (carrier lost); ATH0 decides.
    detail += ex.timed_out ? " (no answer)" : " " + ex.response.final->text;
  }
  Exchange ex = Send(at::FormatCommand("H0"), deadline);
  if (!ex.error.empty()) return fail(ex.error);
  if (ex.timed_out) return fail(detail + ", ATH0: no answer");
  detail += ", ATH0 " + ex.response.final->text;
  if (ex.response.final->code != at::ResultCode::Ok) return fail(detail);
  return HangupOutcome{true, Clock::now() - start, std::move(detail), HangupMethod::Escape};
}

}  // namespace dialsoak::serial
