// The modem's modes, its input scanner and its answers to the far end. The commands
// themselves are executed in modem_commands.cc.
#include "modem.h"

#include <utility>

namespace dialsoak::sim {
namespace {

using at::ResultCode;

bool IsA(char c) { return c == 'A' || c == 'a'; }
bool IsT(char c) { return c == 'T' || c == 't'; }

}  // namespace

std::string_view ToString(HangupCause c) {
  switch (c) {
    case HangupCause::Dtr: return "dtr";
    case HangupCause::Command: return "ath";
    case HangupCause::Close: return "close";
    case HangupCause::Abort: return "abort";
  }
  return "unknown";
}

Modem::Settings::Settings() {
  s[2] = '+';  // escape character
  s[3] = '\r';
  s[4] = '\n';
  s[5] = '\b';
  s[6] = 2;    // wait for dial tone, s
  s[7] = 50;   // wait for carrier, s
  s[8] = 2;    // comma pause, s
  s[9] = 6;    // carrier detect time, 1/10 s
  s[10] = 14;  // carrier loss to hang-up, 1/10 s
  s[11] = 95;  // DTMF duration, ms
  s[12] = 50;  // escape guard time, 1/50 s
}

Modem::Modem(ModemIdentity identity) : identity_(std::move(identity)) {}

std::size_t Modem::Feed(std::string_view bytes, TimePoint now, ModemOutput& out) {
  const std::size_t size = bytes.size();
  while (!bytes.empty()) {
    switch (state_) {
      case ModemState::Online:
        DataBytes(bytes, now, out);
        return size;
      case ModemState::Dialing:
      case ModemState::Answering:
        // Any byte from the DTE aborts a call being set up; the byte is consumed.
        Hangup(HangupCause::Abort, out);
        Result(ResultCode::NoCarrier, out);
        break;
      case ModemState::Command:
      case ModemState::OnlineCommand:
        CommandByte(bytes.front(), now, out);
        if (state_ == ModemState::Dialing) return size - bytes.size() + 1;  // the host's turn
        break;
    }
    bytes.remove_prefix(1);
  }
  return size;
}

void Modem::CommandByte(char c, TimePoint now, ModemOutput& out) {
  last_rx_ = now;  // so that +++ right after ATO still needs the guard time before it
  if (settings_.echo) out.to_dte += c;
  switch (scan_) {
    case Scan::Idle:
      if (IsA(c)) scan_ = Scan::GotA;
      return;
    case Scan::GotA:
      if (IsT(c)) {
        scan_ = Scan::Body;
        body_.clear();
        overflow_ = false;
      } else if (c == '/') {
        scan_ = Scan::Idle;
        ExecuteLine(std::string(last_line_), out);
      } else if (!IsA(c)) {
        scan_ = Scan::Idle;
      }
      return;
    case Scan::Body:
      break;
  }
  const auto u = static_cast<unsigned char>(c);
  if (c == S3()) {
    scan_ = Scan::Idle;
    if (overflow_) {
      Result(ResultCode::Error, out);
    } else {
      last_line_ = body_;
      ExecuteLine(std::string(body_), out);
    }
  } else if (u == settings_.s[5]) {
    if (!body_.empty()) body_.pop_back();
  } else if (u < 0x20 || u == 0x7f) {
    // other control bytes are ignored (V.250 5.2.2)
  } else if (body_.size() < kMaxCommandLine) {
    body_ += c;
  } else {
    overflow_ = true;
  }
}

// Data mode: everything goes to the far end; watch for +++ framed by guard time.
void Modem::DataBytes(std::string_view bytes, TimePoint now, ModemOutput& out) {
  out.to_line.append(bytes);
  const int esc = settings_.s[2];
  if (esc > 127) {  // S2 > 127 disables the escape
    last_rx_ = now;
    return;
  }
  const auto guard = GuardTime();
  TimePoint prev = last_rx_;
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) != esc) {
      plus_count_ = 0;
    } else if (plus_count_ > 0 && (guard.count() == 0 || now - prev <= guard)) {
      if (++plus_count_ > 3) plus_count_ = 0;  // "++++" is data
    } else {
      plus_count_ = now - prev >= guard ? 1 : 0;
    }
    prev = now;
  }
  last_rx_ = now;
  if (plus_count_ == 3) {
    escape_at_ = now + guard;
  } else {
    escape_at_.reset();
  }
}

std::optional<TimePoint> Modem::NextTimer() const {
  if (state_ != ModemState::Online) return std::nullopt;
  return escape_at_;
}

void Modem::OnTimer(TimePoint now, ModemOutput& out) {
  if (state_ != ModemState::Online || !escape_at_ || now < *escape_at_) return;
  escape_at_.reset();
  plus_count_ = 0;
  state_ = ModemState::OnlineCommand;
  scan_ = Scan::Idle;
  Result(ResultCode::Ok, out);
}

void Modem::SetDtr(bool up, ModemOutput& out) {
  const bool fell = dtr_ && !up;
  dtr_ = up;
  if (up) return;
  switch (settings_.dtr) {
    case 0:
      return;
    case 1:  // &D1: to online command mode, the call stays up
      if (fell && state_ == ModemState::Online) {
        escape_at_.reset();
        plus_count_ = 0;
        state_ = ModemState::OnlineCommand;
        scan_ = Scan::Idle;
        Result(ResultCode::Ok, out);
      }
      return;
    default:  // &D2 hangs up; &D3 also resets to the profile
      if (in_call()) {
        Hangup(HangupCause::Dtr, out);
        Result(ResultCode::NoCarrier, out);
      }
      if (settings_.dtr == 3 && fell) settings_ = Settings();
      return;
  }
}

void Modem::Closed(ModemOutput& out) {
  if (in_call()) Hangup(HangupCause::Close, out);
  settings_ = Settings();
  dtr_ = true;
  incoming_ = false;
  scan_ = Scan::Idle;
  body_.clear();
  overflow_ = false;
  last_line_.clear();
}

void Modem::DialResult(ResultCode code, ModemOutput& out) {
  if (state_ != ModemState::Dialing) return;
  EndCall();
  Result(code, out);
}

bool Modem::Connected(std::string_view connect_text, TimePoint now, ModemOutput& out) {
  if (state_ != ModemState::Dialing && state_ != ModemState::Answering) return false;
  state_ = ModemState::Online;
  connect_text_ = connect_text;
  incoming_ = false;
  settings_.s[1] = 0;
  last_rx_ = now;
  plus_count_ = 0;
  escape_at_.reset();
  Result(ResultCode::Connect, out, connect_text_);
  return true;
}

void Modem::Ring(ModemOutput& out) {
  incoming_ = true;
  if (settings_.s[1] < 255) ++settings_.s[1];
  Result(ResultCode::Ring, out);
  const int auto_answer = settings_.s[0];
  if (state_ == ModemState::Command && auto_answer > 0 && settings_.s[1] >= auto_answer) {
    Answer(out);
  }
}

void Modem::RingStopped() {
  incoming_ = false;
  settings_.s[1] = 0;
}

void Modem::RemoteHangup(ModemOutput& out) {
  incoming_ = false;
  settings_.s[1] = 0;
  if (!in_call()) return;
  EndCall();
  Result(ResultCode::NoCarrier, out);
}

void Modem::FromLine(std::string_view data, ModemOutput& out) {
  if (state_ == ModemState::Online) out.to_dte.append(data);
}

void Modem::UnsolicitedResult(ResultCode code, ModemOutput& out) { Result(code, out); }

void Modem::DropDial() {
  if (state_ == ModemState::Dialing) EndCall();
}

void Modem::Hangup(HangupCause cause, ModemOutput& out) {
  EndCall();
  out.events.push_back(ModemEvent{ModemEvent::Kind::Hangup, {}, cause});
}

void Modem::Answer(ModemOutput& out) {
  state_ = ModemState::Answering;
  out.events.push_back(ModemEvent{ModemEvent::Kind::Answer, {}, HangupCause::Command});
}

void Modem::EndCall() {
  state_ = ModemState::Command;
  scan_ = Scan::Idle;
  connect_text_.clear();
  plus_count_ = 0;
  escape_at_.reset();
}

ResultCode Modem::Reported(ResultCode code) const {
  const int x = settings_.x;
  switch (code) {
    case ResultCode::NoDialtone:
      return x == 2 || x >= 4 ? code : ResultCode::NoCarrier;
    case ResultCode::Busy:
    case ResultCode::NoAnswer:
      return x >= 3 ? code : ResultCode::NoCarrier;
    default:
      return code;
  }
}

void Modem::Result(ResultCode code, ModemOutput& out, std::string_view connect_text) {
  if (settings_.quiet) return;
  if (!ReportsRate()) connect_text = {};
  out.to_dte += at::FormatResult(Reported(code), settings_.verbose, connect_text, S3(), S4());
}

// V.250 5.7.1: information text is framed by S3 S4 before and after in verbose form, and
// followed by S3 S4 in numeric form.
void Modem::Info(std::string_view text, ModemOutput& out) {
  if (settings_.verbose) {
    out.to_dte += S3();
    out.to_dte += S4();
  }
  out.to_dte.append(text);
  out.to_dte += S3();
  out.to_dte += S4();
}

std::chrono::milliseconds Modem::GuardTime() const {
  return std::chrono::milliseconds(20 * settings_.s[12]);
}

}  // namespace dialsoak::sim
