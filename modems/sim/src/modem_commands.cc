// The modem's commands: one line is parsed into commands, which run in order until one
// fails (ERROR) or ends the line with its own result (D, A, O).
#include <cstdio>
#include <string>

#include "command_parser.h"
#include "modem.h"

namespace dialsoak::sim {
namespace {

using at::ResultCode;

// Commands a data-only modem takes and the emulation has no use for: each answers OK
// when its parameter is within range (L speaker volume, M speaker, W and B
// protocol reports, N auto-mode, &K flow control, &S DSR, &W store, &Y profile, \N
// error control).
struct Accepted {
  std::string_view name;
  long max;
};
constexpr Accepted kAccepted[] = {
    {"L", 3},  {"M", 3},  {"W", 2},  {"B", 16},  {"N", 1},
    {"P", 0},  {"T", 0},  {"&K", 6}, {"&S", 1}, {"&W", 1},  {"&Y", 1},
    {"\\N", 7},
};

// Keeps the dialable characters of a dial string; false if it holds one a modem refuses.
bool DialNumber(std::string_view text, std::string& number, bool& stay_in_command) {
  stay_in_command = false;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) {
      number += c;
    } else if (c == ';') {
      stay_in_command = true;
    } else if (c == 'T' || c == 'P' || c == 'W' || c == ',' || c == '@' || c == '!' ||
               c == 'R' || c == '^' || c == '-' || c == '(' || c == ')') {
      // dial modifiers and punctuation: nothing to emulate
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

void Modem::ExecuteLine(const std::string& line, ModemOutput& out) {
  for (const Command& c : ParseCommandLine(line)) {
    switch (Execute(c, out)) {
      case Step::Next:
        continue;
      case Step::Done:
        return;
      case Step::Stop:
        Result(ResultCode::Ok, out);
        return;
      case Step::Error:
        Result(ResultCode::Error, out);
        return;
    }
  }
  Result(ResultCode::Ok, out);
}

Modem::Step Modem::Execute(const Command& c, ModemOutput& out) {
  using Kind = Command::Kind;
  const bool reg_ok = c.reg >= 0 && c.reg < kRegisterCount;
  switch (c.kind) {
    case Kind::Nop:
      return Step::Next;
    case Kind::Invalid:
      return Step::Error;
    case Kind::Dial:
      return Dial(c.text, out);
    case Kind::SetReg:
      if (!reg_ok || c.value > 255) return Step::Error;
      settings_.s[static_cast<std::size_t>(c.reg)] = static_cast<std::uint8_t>(c.value);
      return Step::Next;
    case Kind::ReadReg: {
      if (!reg_ok) return Step::Error;
      char buf[8];
      std::snprintf(buf, sizeof buf, "%03d", Register(c.reg));
      Info(buf, out);
      return Step::Next;
    }
    case Kind::SelectReg:
      return reg_ok ? Step::Next : Step::Error;
    case Kind::Basic:
      return Basic(c, out);
    case Kind::ExtSet:
    case Kind::ExtRead:
    case Kind::ExtTest:
    case Kind::ExtExec:
      return Extended(c, out);
  }
  return Step::Error;
}

Modem::Step Modem::Basic(const Command& c, ModemOutput& out) {
  const std::string& n = c.name;
  if (n == "A" || n == "H" || n == "O" || n == "Z") return CallControl(c, out);
  const long v = c.value;
  auto flag = [&](bool& setting) {
    if (v > 1) return Step::Error;
    setting = v == 1;
    return Step::Next;
  };
  if (n == "E") return flag(settings_.echo);
  if (n == "V") return flag(settings_.verbose);
  if (n == "Q") return flag(settings_.quiet);
  if (n == "I") return Identify(v, out);
  if (n == "X") {  // result code set; X5-X7 (USRobotics) report as much as X4
    if (v > 7) return Step::Error;
    settings_.x = static_cast<int>(v);
    return Step::Next;
  }
  if (n == "&F") {
    if (v > 0) return Step::Error;
    settings_ = Settings();
    return Step::Next;
  }
  if (n == "&C" || n == "&D") {
    if (v > (n == "&C" ? 1 : 3)) return Step::Error;
    (n == "&C" ? settings_.dcd : settings_.dtr) = static_cast<int>(v);
    return Step::Next;
  }
  for (const Accepted& a : kAccepted) {
    if (n == a.name) return v <= a.max ? Step::Next : Step::Error;
  }
  return Step::Error;
}

// A (answer), H (hang up), O (back online), Z (reset, hanging up).
Modem::Step Modem::CallControl(const Command& c, ModemOutput& out) {
  const long v = c.value;
  switch (c.name[0]) {
    case 'A':
      if (in_call()) return Step::Error;
      if (!incoming_) {
        Result(ResultCode::NoCarrier, out);
      } else {
        Answer(out);
      }
      return Step::Done;
    case 'H':
      if (v > 1) return Step::Error;
      if (in_call()) Hangup(HangupCause::Command, out);
      return Step::Next;
    case 'O':
      if (v > 1) return Step::Error;
      if (state_ != ModemState::OnlineCommand) {
        Result(ResultCode::NoCarrier, out);
        return Step::Done;
      }
      state_ = ModemState::Online;
      plus_count_ = 0;
      Result(ResultCode::Connect, out, connect_text_);
      return Step::Done;
    default:  // Z
      if (v > 1) return Step::Error;
      if (in_call()) Hangup(HangupCause::Command, out);
      settings_ = Settings();
      return Step::Stop;  // V.250 6.1.1: commands after Z on the line are ignored
  }
}

Modem::Step Modem::Identify(long n, ModemOutput& out) {
  switch (n) {
    case 0: Info(identity_.speed, out); return Step::Next;
    case 1: Info("000", out); return Step::Next;  // ROM checksum
    case 2: return Step::Next;                    // ROM test: OK
    case 3: Info(identity_.model, out); return Step::Next;
    case 4: Info(identity_.features, out); return Step::Next;
    default: return Step::Error;
  }
}

// A data-only modem: +FCLASS=0 is the only class; every fax command (+F...) is ERROR.
Modem::Step Modem::Extended(const Command& c, ModemOutput& out) {
  using Kind = Command::Kind;
  if (c.name == "+FCLASS") {
    if (c.kind == Kind::ExtSet) return c.text == "0" ? Step::Next : Step::Error;
    if (c.kind == Kind::ExtRead || c.kind == Kind::ExtTest) {
      Info("0", out);
      return Step::Next;
    }
    return Step::Error;
  }
  const std::string* text = c.name == "+GMI"   ? &identity_.manufacturer
                            : c.name == "+GMM" ? &identity_.model
                            : c.name == "+GMR" ? &identity_.revision
                                               : nullptr;
  if (text == nullptr) return Step::Error;
  if (c.kind == Kind::ExtTest) return Step::Next;
  if (c.kind != Kind::ExtExec) return Step::Error;
  Info(*text, out);
  return Step::Next;
}

Modem::Step Modem::Dial(const std::string& text, ModemOutput& out) {
  if (in_call()) return Step::Error;
  std::string number;
  bool stay = false;
  if (!DialNumber(text, number, stay) || (number.empty() && !stay)) return Step::Error;
  if (!identity_.can_dial) {
    Result(ResultCode::NoDialtone, out);
    return Step::Done;
  }
  if (stay) return Step::Next;  // "ATD...;": back to command mode, OK
  state_ = ModemState::Dialing;
  out.events.push_back(ModemEvent{ModemEvent::Kind::Dial, std::move(number), HangupCause::Command});
  return Step::Done;
}

}  // namespace dialsoak::sim
