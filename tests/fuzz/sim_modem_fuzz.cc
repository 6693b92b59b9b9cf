// Fuzz target: the simulator's command interpreter (modems/sim: ParseCommandLine and the
// emulated Modem), fed what a dialer sends. Input: one byte seeding the choices, then the
// bytes from the DTE. They go to a Modem (driven as tests/modems/sim/modem_harness.h does,
// without a pty) in chunks: one per line or run of escape characters, sometimes split
// further, with the clock moved between chunks (so "+++" can meet its guard time) and a
// far end that answers dials, rings, hangs up, sends data and drops DTR by chance.
// Checks, beyond not crashing:
//   - ParseCommandLine on every line: names upper case and well formed, parameters within
//     kMaxParameter, only the last command a dial or invalid;
//   - the modem's state agrees with its last request to the host (Dial: Dialing, Answer:
//     Answering, Hangup: on hook), dial numbers hold only dialable characters, data mode
//     passes every byte to the far end and nothing else (after ATO, the rest of the
//     write), a timer only online;
//   - every result code the modem sends parses with the at library as a known code; a
//     dial's result follows the ATX level (X0: codes 0-4 only, no rate; X1+: a rate);
//   - after Closed() the modem is on hook with the factory profile.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "command_parser.h"
#include "dialsoak/at/framer.h"
#include "dialsoak/at/result_code.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/known_result.h"
#include "modem.h"
#include "modems/sim/modem_harness.h"

namespace {

using dialsoak::at::ResultCode;
using dialsoak::fuzz::Choices;
using dialsoak::fuzz::IsKnown;
using dialsoak::sim::Command;
using dialsoak::sim::ModemEvent;
using dialsoak::sim::ModemState;
using dialsoak::sim::testing::ModemHarness;
using namespace std::chrono_literals;

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

void CheckCommands(std::string_view body) {
  const std::vector<Command> commands = dialsoak::sim::ParseCommandLine(body);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const Command& c = commands[i];
    const bool last = i + 1 == commands.size();
    using Kind = Command::Kind;
    FUZZ_CHECK(last || (c.kind != Kind::Invalid && c.kind != Kind::Dial),
               "parsing went on after an invalid command or a dial");
    FUZZ_CHECK(c.value >= 0 && c.value <= dialsoak::sim::kMaxParameter && c.reg >= 0 &&
                   c.reg <= dialsoak::sim::kMaxParameter,
               "parameter out of range: " + std::to_string(c.value));
    switch (c.kind) {
      case Kind::Basic:
        FUZZ_CHECK((c.name.size() == 1 && IsUpper(c.name[0])) ||
                       (c.name.size() == 2 && (c.name[0] == '&' || c.name[0] == '\\') &&
                        IsUpper(c.name[1])),
                   "bad basic command name '" + c.name + "'");
        break;
      case Kind::ExtSet:
      case Kind::ExtRead:
      case Kind::ExtTest:
      case Kind::ExtExec:
        FUZZ_CHECK(c.name.size() > 1 && c.name[0] == '+', "bad extended name '" + c.name + "'");
        for (char ch : c.name) FUZZ_CHECK(ch < 'a' || ch > 'z', "lower case in '" + c.name + "'");
        break;
      case Kind::Nop:
      case Kind::SetReg:
      case Kind::ReadReg:
      case Kind::SelectReg:
      case Kind::Dial:
      case Kind::Invalid:
        FUZZ_CHECK(c.name.empty() || c.kind == Kind::Invalid, "a name on a register or dial");
        break;
    }
  }
}


// Chunks as a dialer writes them: a command line at a time, the escape characters alone.
std::vector<std::string_view> Chunks(std::string_view bytes, Choices& choices) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const bool plus = bytes[i] == '+';
    const bool end = bytes[i] == '\r' || i + 1 == bytes.size() || plus != (bytes[i + 1] == '+') ||
                     choices.OneIn(16);
    if (!end) continue;
    out.push_back(bytes.substr(start, i + 1 - start));
    start = i + 1;
  }
  return out;
}

class Dte {
 public:
  explicit Dte(std::uint64_t seed) : choices_(seed) {}

  void Run(std::string_view bytes) {
    const std::vector<std::string_view> chunks = Chunks(bytes, choices_);
    bool after_escape = false;
    for (std::string_view chunk : chunks) {
      const bool escape = chunk.find_first_not_of('+') == std::string_view::npos;
      // Around "+++" the guard time (1 s by default) decides; elsewhere any pace.
      constexpr std::chrono::milliseconds kPaces[] = {0ms, 1ms, 50ms, 1200ms};
      const auto pace = escape || after_escape ? (choices_.OneIn(2) ? 1200ms : 10ms)
                                               : kPaces[choices_.Between(0, 3)];
      Answer(h_.Advance(pace));
      after_escape = escape;
      Send(chunk);
      FarEnd();
    }
    Answer(h_.Advance(1200ms));  // a pending escape completes
  }

  void CheckClosed() {
    h_.out.Clear();
    h_.modem.Closed(h_.out);
    const auto& m = h_.modem;
    FUZZ_CHECK(m.state() == ModemState::Command && !m.in_call() && !m.ringing(),
               "still in a call after Closed()");
    FUZZ_CHECK(m.echo() && m.verbose() && !m.quiet() && m.dtr_mode() == 2 &&
                   m.Register(3) == '\r' && m.Register(4) == '\n' && m.Register(12) == 50,
               "profile not reset by Closed()");
    FUZZ_CHECK(h_.out.to_dte.empty(), "Closed() sent bytes to a tty nobody has open");
  }

 private:
  void Send(std::string_view chunk) {
    const bool online = h_.modem.state() == ModemState::Online;
    const std::string to_dte = h_.Send(chunk);
    if (online) {
      FUZZ_CHECK(h_.out.to_line == chunk && to_dte.empty() && h_.out.events.empty(),
                 "data mode did not pass the bytes to the far end");
    } else {
      // ATO turns the rest of the write into data (S3 need not be CR: ATS3=n).
      FUZZ_CHECK(h_.out.to_line.empty() ||
                     (h_.modem.state() == ModemState::Online && chunk.ends_with(h_.out.to_line)),
                 "bytes to the far end outside data mode");
    }
    CheckEvents();
    Answer(to_dte);
    FUZZ_CHECK(h_.modem.NextTimer().has_value() == false || h_.modem.state() == ModemState::Online,
               "a timer outside data mode");
  }

  void CheckEvents() {
    for (const ModemEvent& e : h_.out.events) {
      if (e.kind != ModemEvent::Kind::Dial) continue;
      FUZZ_CHECK(!e.number.empty(), "dialed an empty number");
      for (char c : e.number) {
        FUZZ_CHECK((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'),
                   "undialable character in '" + e.number + "'");
      }
    }
    if (h_.out.events.empty()) return;
    const ModemState want = [&] {
      switch (h_.out.events.back().kind) {
        case ModemEvent::Kind::Dial:
          return ModemState::Dialing;
        case ModemEvent::Kind::Answer:
          return ModemState::Answering;
        case ModemEvent::Kind::Hangup:
          break;
      }
      return ModemState::Command;
    }();
    FUZZ_CHECK(h_.modem.state() == want, "the state disagrees with the last request to the host");
  }

  // The dial's result as the modem's ATX level allows it: at X0 only codes 0-4 (BUSY, NO
  // ANSWER, NO DIALTONE as NO CARRIER; CONNECT without a rate), BUSY from X3, NO
  // DIALTONE at X2 and X4; BLACKLISTED and DELAYED at every level.
  void CheckResultSet(std::string_view to_dte, ResultCode code) {
    const auto& m = h_.modem;
    // Other S3/S4 than CR LF would frame the bytes differently ("1" S3='0' reads "10").
    if (m.quiet() || m.Register(3) != '\r' || m.Register(4) != '\n') return;
    dialsoak::at::LineFramer framer;
    std::vector<dialsoak::at::Frame> frames;
    framer.Feed(to_dte, frames);
    const int x = m.result_set() > 4 ? 4 : m.result_set();
    ResultCode want = code;
    if ((code == ResultCode::Busy || code == ResultCode::NoAnswer) && x < 3) {
      want = ResultCode::NoCarrier;
    }
    if (code == ResultCode::NoDialtone && x != 2 && x != 4) want = ResultCode::NoCarrier;
    for (const dialsoak::at::Frame& f : frames) {
      const auto r = dialsoak::at::ParseResult(f.text);
      if (!r || r->code == ResultCode::Ring) continue;
      FUZZ_CHECK(r->code == want, "X" + std::to_string(x) + " result '" + f.text + "'");
      if (x == 0) FUZZ_CHECK(!r->rate && r->suffix.empty(), "a rate at X0: " + f.text);
      if (x >= 1 && code == ResultCode::Connect) FUZZ_CHECK(r->rate, "no rate at X1+: " + f.text);
    }
  }

  // What the modem sent to the DTE: every result code in it is one the at library knows.
  void Answer(std::string_view to_dte) {
    frames_.clear();
    framer_.Feed(to_dte, frames_);
    for (const dialsoak::at::Frame& f : frames_) {
      if (f.kind != dialsoak::at::Frame::Kind::Text) continue;
      if (auto r = dialsoak::at::ParseResult(f.text)) {
        FUZZ_CHECK(IsKnown(r->code), "unknown result code from the modem: " + f.text);
      }
    }
  }

  // The far end and the line's other events, by chance.
  void FarEnd() {
    auto& m = h_.modem;
    auto& out = h_.out;
    out.Clear();
    if (m.state() == ModemState::Dialing || m.state() == ModemState::Answering) {
      switch (choices_.Between(0, 5)) {
        case 0:
        case 1:
          FUZZ_CHECK(m.Connected("33600/ARQ", h_.now, out), "Connected refused a call");
          CheckResultSet(out.to_dte, ResultCode::Connect);
          break;
        case 2: {
          constexpr ResultCode kFails[] = {ResultCode::Busy,       ResultCode::NoAnswer,
                                           ResultCode::NoCarrier,  ResultCode::NoDialtone,
                                           ResultCode::Blacklisted, ResultCode::Delayed};
          const ResultCode code = kFails[choices_.Between(0, 5)];
          m.DialResult(code, out);
          CheckResultSet(out.to_dte, code);
          break;
        }
        default:
          break;  // still ringing at the far end: the next byte aborts
      }
    } else if (choices_.OneIn(12)) {
      m.Ring(out);
      if (choices_.OneIn(2)) m.RingStopped();
    } else if (m.state() == ModemState::Online && choices_.OneIn(3)) {
      m.FromLine("\r\nlogin: ", out);
    } else if (m.in_call() && choices_.OneIn(10)) {
      m.RemoteHangup(out);
      FUZZ_CHECK(!m.in_call(), "still in a call after the far end hung up");
    } else if (choices_.OneIn(24)) {
      m.SetDtr(false, out);
      m.SetDtr(true, out);
    }
    CheckEvents();
    Answer(out.to_dte);
  }

  Choices choices_;
  ModemHarness h_;
  dialsoak::at::LineFramer framer_;
  std::vector<dialsoak::at::Frame> frames_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint64_t seed = dialsoak::fuzz::TakeSeed(data, size, 1);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // What follows "AT" up to S3: the parser's input, line by line.
  for (std::size_t start = 0; start <= bytes.size();) {
    const std::size_t end = std::min(bytes.find('\r', start), bytes.size());
    std::string_view line = bytes.substr(start, end - start);
    if (const auto at = line.find("AT"); at != std::string_view::npos) line.remove_prefix(at + 2);
    CheckCommands(line);
    start = end + 1;
  }

  Dte dte(seed);
  dte.Run(bytes);
  dte.CheckClosed();
  return 0;
}
