// ComLine over the Win32 communications API. See com_line.h for the contract.
#include <fmt/format.h>
#include <windows.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <thread>
#include <utility>

#include "call_result.h"
#include "dialsoak/at/response.h"
#include "dialsoak/serial/com_line.h"

namespace dialsoak::serial {
namespace {

// A read returns what arrived within this slice, so that a wait can honour its deadline.
constexpr DWORD kReadSliceMs = 50;
constexpr DWORD kWriteTimeoutMs = 2000;

io::Error WinError(const std::string& what, DWORD err = GetLastError()) {
  return io::Error{EIO, fmt::format("{}: Windows error {}", what, err)};
}

struct Exchange {
  at::Response response;
  std::string error;  // non-empty on an I/O failure
  bool timed_out = false;
  // Set when the wait ended on an unrecognised final-looking line followed by quiet.
  std::optional<std::string> unrecognised;
};

}  // namespace

struct ComLine::Port {
  HANDLE h = INVALID_HANDLE_VALUE;
  std::string name;
  ~Port() {
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);  // closing drops DTR
  }

  io::Result<void> Write(std::string_view data) {
    while (!data.empty()) {
      DWORD n = 0;
      if (!WriteFile(h, data.data(), static_cast<DWORD>(data.size()), &n, nullptr)) {
        return io::Fail(WinError("write " + name));
      }
      if (n == 0) return io::Fail(io::Error{ETIMEDOUT, "write " + name + ": timed out"});
      data.remove_prefix(n);
    }
    return {};
  }

  // Reads until reader has its final result code or the deadline. With quiet, an
  // unrecognised final-looking line followed by that long without a byte ends it too.
  Exchange Await(at::ResponseReader& reader, Deadline deadline,
                 std::optional<std::chrono::nanoseconds> quiet = std::nullopt) {
    Exchange ex;
    char buf[256];
    auto last_byte = Clock::now();
    while (!reader.done()) {
      if (quiet && reader.response().unrecognised && Clock::now() - last_byte >= *quiet) {
        ex.unrecognised = reader.response().unrecognised;
        break;
      }
      if (deadline.Expired()) {
        ex.timed_out = true;
        break;
      }
      DWORD n = 0;
      if (!ReadFile(h, buf, sizeof buf, &n, nullptr)) {
        ex.error = WinError("read " + name).message;
        break;
      }
      if (n > 0) {
        last_byte = Clock::now();
        reader.Feed(std::string_view(buf, n));
      }
    }
    ex.response = reader.response();
    return ex;
  }

  Exchange Send(std::string_view command, Deadline deadline,
                std::optional<std::chrono::nanoseconds> quiet = std::nullopt) {
    if (auto w = Write(command); !w) return Exchange{{}, w.error().message, false, {}};
    at::ResponseReader reader(command);
    return Await(reader, deadline, quiet);
  }

  bool SetDtr(bool up) { return EscapeCommFunction(h, up ? SETDTR : CLRDTR) != 0; }
};

std::string ComDevicePath(const std::string& port) {
  if (port.rfind("\\\\.\\", 0) == 0) return port;
  return "\\\\.\\" + port;
}

ComLine::ComLine(ComLineConfig config, std::unique_ptr<Port> port)
    : config_(std::move(config)), port_(std::move(port)) {}

ComLine::~ComLine() = default;

io::Result<std::unique_ptr<ComLine>> ComLine::Open(ComLineConfig config) {
  auto port = std::make_unique<Port>();
  port->name = config.port;
  const std::string path = ComDevicePath(config.port);
  port->h = CreateFileA(path.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                        FILE_ATTRIBUTE_NORMAL, nullptr);
  if (port->h == INVALID_HANDLE_VALUE) {
    const DWORD err = GetLastError();
    return io::Fail(io::Error{err == ERROR_FILE_NOT_FOUND ? ENOENT : EIO,
                              fmt::format("open {}: Windows error {}", config.port, err)});
  }
  DCB dcb{};
  dcb.DCBlength = sizeof dcb;
  if (!GetCommState(port->h, &dcb)) return io::Fail(WinError("GetCommState " + config.port));
  dcb.BaudRate = config.baud;
  dcb.ByteSize = 8;
  dcb.Parity = NOPARITY;
  dcb.StopBits = ONESTOPBIT;
  dcb.fBinary = TRUE;
  dcb.fDtrControl = DTR_CONTROL_ENABLE;
  dcb.fOutxCtsFlow = config.rtscts ? TRUE : FALSE;
  dcb.fRtsControl = config.rtscts ? RTS_CONTROL_HANDSHAKE : RTS_CONTROL_ENABLE;
  dcb.fOutX = FALSE;
  dcb.fInX = FALSE;
  if (!SetCommState(port->h, &dcb)) return io::Fail(WinError("SetCommState " + config.port));
  // ReadFile returns at once with what is there, or after the slice with nothing.
  COMMTIMEOUTS t{};
  t.ReadIntervalTimeout = MAXDWORD;
  t.ReadTotalTimeoutMultiplier = MAXDWORD;
  t.ReadTotalTimeoutConstant = kReadSliceMs;
  t.WriteTotalTimeoutConstant = kWriteTimeoutMs;
  if (!SetCommTimeouts(port->h, &t)) return io::Fail(WinError("SetCommTimeouts " + config.port));
  PurgeComm(port->h, PURGE_RXCLEAR | PURGE_TXCLEAR);

  for (const std::string& init : config.init) {
    Exchange ex = port->Send(at::FormatCommand(init), Deadline::After(config.command_timeout));
    const std::string what = fmt::format("init '{}' on {}", init, config.port);
    if (!ex.error.empty()) return io::Fail(io::Error{EIO, what + ": " + ex.error});
    if (ex.timed_out) return io::Fail(io::Error{ETIMEDOUT, what + ": no answer"});
    if (ex.response.final->code != at::ResultCode::Ok) {
      return io::Fail(io::Error{EPROTO, what + ": answered " + ex.response.final->text});
    }
  }
  return std::unique_ptr<ComLine>(new ComLine(std::move(config), std::move(port)));
}

DialOutcome ComLine::dial(std::string_view number, Deadline deadline) {
  const auto start = Clock::now();
  auto elapsed = [&] { return Clock::now() - start; };
  auto command = at::FormatDial(number, config_.dial_mode);
  if (!command) return DialOutcome{CallResult::Error, elapsed(), command.error()};
  off_hook_ = true;
  Exchange ex = port_->Send(*command, deadline, config_.unrecognised_quiet);
  if (!ex.error.empty()) return DialOutcome{CallResult::IoError, elapsed(), ex.error};
  if (ex.unrecognised) {
    off_hook_ = false;
    return DialOutcome{CallResult::Unrecognised, elapsed(),
                       "unrecognised result: " + *ex.unrecognised};
  }
  if (ex.timed_out) {
    return DialOutcome{CallResult::Timeout, elapsed(), "no result code before the deadline"};
  }
  const CallResult result = ToCallResult(ex.response.final->code);
  if (result != CallResult::Connect) off_hook_ = false;
  DialOutcome out{result, elapsed(), at::Describe(*ex.response.final)};
  SetConnectInfo(out, ex.response);
  return out;
}

HangupOutcome ComLine::hangup(Deadline deadline) {
  const auto start = Clock::now();
  if (!off_hook_) return HangupOutcome{true, {}, "on hook", HangupMethod::None};
  auto fail = [&](std::string why) {
    return HangupOutcome{false, Clock::now() - start, std::move(why), HangupMethod::Dtr};
  };
  if (!port_->SetDtr(false)) return fail(WinError("drop DTR on " + config_.port).message);
  // As serial::HangupByDtr on Linux (dtr_hangup.h): DTR low until NO CARRIER or 300 ms of
  // silence (six times a Hayes modem's S25 default), then AT every second while nothing
  // answers, up to the command timeout; OK or a late NO CARRIER confirms, measured to it.
  constexpr std::chrono::milliseconds kQuietWait{300};
  constexpr std::chrono::milliseconds kProbeRetry{1000};
  const Deadline confirm_by = deadline.Within(config_.command_timeout);
  at::ResponseReader reader;
  Exchange ex = port_->Await(reader, confirm_by.Within(kQuietWait));
  const bool up = port_->SetDtr(true);
  if (!ex.error.empty()) return fail(ex.error);
  if (!up) return fail(WinError("raise DTR on " + config_.port).message);
  std::string detail = "DTR drop, ";
  if (ex.timed_out) {
    std::string last = "no answer";
    int probes = 0;
    for (;;) {
      ++probes;
      Exchange confirm = port_->Send(at::FormatCommand(""), confirm_by.Within(kProbeRetry));
      if (!confirm.error.empty()) return fail(confirm.error);
      if (!confirm.timed_out) {
        const at::ResultCode code = confirm.response.final->code;
        if (code == at::ResultCode::Ok || code == at::ResultCode::NoCarrier) {
          detail += fmt::format("no reply in {:.1f}s, AT {}",
                                std::chrono::duration<double>(kQuietWait).count(),
                                confirm.response.final->text);
          break;
        }
        last = "AT answered " + confirm.response.final->text;
        std::this_thread::sleep_for(std::min<Clock::duration>(kProbeRetry, confirm_by.Remaining()));
      }
      if (confirm_by.Remaining() <= std::chrono::nanoseconds::zero()) {
        return fail(fmt::format(
            "DTR drop not confirmed: no NO CARRIER, and no OK to AT (sent {} times) "
            "within {:.1f}s; {}",
            probes, std::chrono::duration<double>(config_.command_timeout).count(), last));
      }
    }
  } else {
    detail += ex.response.final->text;
  }
  off_hook_ = false;
  return HangupOutcome{true, Clock::now() - start, detail, HangupMethod::Dtr};
}

}  // namespace dialsoak::serial
