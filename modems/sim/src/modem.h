// Modem: one emulated Hayes (V.250) modem as a pure state machine. Bytes from the DTE (the
// dialer or answering program on the tty) go in; bytes for the DTE, data for the far end
// and requests to the host (dial, answer, hang up) come out in a ModemOutput. No I/O and
// no clock: the caller passes the current time, and asks NextTimer() when to call OnTimer
// (the +++ guard time), so tests drive time by hand.
//
// Command mode: bytes are echoed (E1) and ignored until "AT" (either case) or "A/"; the
// line ends at S3, S5 deletes, the body is capped at kMaxCommandLine bytes (more answers
// ERROR). Data mode: bytes go to the far end; "+++" (S2) framed by S12/50 s of silence
// enters online command mode. DTR drop hangs up with &D2/&D3 (default &D2), is ignored with
// &D0. Closed() is "every opener closed the tty": hang up and reset to the profile.
//
// ATX0-X4 choose the result codes, as the Hayes manuals and V.250's informative annex
// describe: X0 reports only 0-4 (CONNECT without a rate; BUSY, NO DIALTONE and NO ANSWER
// as NO CARRIER), X1 adds the rate (numeric: the Rockwell/Conexant speed code), X2 adds
// NO DIALTONE, X3 adds BUSY and NO ANSWER (not NO DIALTONE), X4 (the default) all.
// BLACKLISTED and DELAYED (a TBR21 refusal, see the bank's blacklist) come at every level.
//
// Not thread-safe: one thread drives a modem. Nothing here fails: bad commands answer ERROR.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/at/result_code.h"
#include "dialsoak/line/deadline.h"

namespace dialsoak::sim {

struct Command;

using TimePoint = Clock::time_point;

// Why a modem hung up by itself: DTR drop, ATH/ATZ, tty closed, a byte aborted a dial.
enum class HangupCause { Dtr, Command, Close, Abort };
std::string_view ToString(HangupCause c);  // "dtr", "ath", "close", "abort"

// A request to the host, in the order the modem made them.
struct ModemEvent {
  enum class Kind { Dial, Answer, Hangup };
  Kind kind;
  std::string number;                        // Dial: digits, * # A-D (modifiers dropped)
  HangupCause cause = HangupCause::Command;  // Hangup
};

struct ModemOutput {
  std::string to_dte;   // echo, result codes, information text, data from the far end
  std::string to_line;  // data-mode bytes from the DTE, for the far end
  std::vector<ModemEvent> events;

  bool empty() const { return to_dte.empty() && to_line.empty() && events.empty(); }
  void Clear() {
    to_dte.clear();
    to_line.clear();
    events.clear();
  }
};

// What the modem says about itself (ATI, +GMI...), and whether it may dial.
struct ModemIdentity {
  std::string speed = "33600";                                     // ATI, ATI0
  std::string model = "dialsoak modemsim V.34 data modem";         // ATI3, +GMM
  std::string features = "V.34 V.42 V.42bis; data only, +FCLASS=0";  // ATI4
  std::string manufacturer = "dialsoak";                           // +GMI
  std::string revision = "0.1";                                    // +GMR
  bool can_dial = true;  // false on an answering port: ATD answers NO DIALTONE
};

enum class ModemState {
  Command,        // on hook, taking commands
  Dialing,        // ATD sent to the host, waiting for its result; any byte aborts
  Answering,      // ATA (or auto-answer) sent to the host, waiting for CONNECT
  Online,         // data mode
  OnlineCommand,  // in a call, taking commands after +++ (ATO returns, ATH hangs up)
};

class Modem {
 public:
  static constexpr std::size_t kMaxCommandLine = 256;
  static constexpr int kRegisterCount = 256;

  explicit Modem(ModemIdentity identity = {});

  // --- from the DTE ---
  // Returns the bytes consumed: all of them, except after a dial, where Feed stops right
  // after the byte that placed it, so that the host acts on the Dial event before the
  // next byte (which, fed then, aborts the dial, unless the host has dropped it).
  std::size_t Feed(std::string_view bytes, TimePoint now, ModemOutput& out);
  // The DTE's DTR (a pty's speed: B0 = down). May repeat a level already reported.
  void SetDtr(bool up, ModemOutput& out);
  // Every opener closed the tty: hang up (event only, no bytes) and reset to the profile.
  void Closed(ModemOutput& out);

  // --- time ---
  std::optional<TimePoint> NextTimer() const;
  void OnTimer(TimePoint now, ModemOutput& out);

  // --- from the host (the far end of the call) ---
  // Ends a dial with BUSY, NO ANSWER, NO DIALTONE or NO CARRIER. Ignored unless Dialing.
  void DialResult(at::ResultCode code, ModemOutput& out);
  // The call is up (after Dial or Answer): CONNECT <text>, data mode. False (and no
  // output) unless Dialing or Answering.
  bool Connected(std::string_view connect_text, TimePoint now, ModemOutput& out);
  // An incoming call rings: RING, S1 counts; auto-answers when S0 > 0 rings are reached.
  void Ring(ModemOutput& out);
  // The caller gave up before the call was answered: stop ringing (no output).
  void RingStopped();
  // The far end hung up: NO CARRIER, command mode. Ignored when not in a call.
  void RemoteHangup(ModemOutput& out);
  // Data from the far end: to the DTE in data mode, dropped otherwise.
  void FromLine(std::string_view data, ModemOutput& out);
  // A result code the host makes the modem say unprompted (a fault's RING flood): no
  // state change, nothing with Q1.
  void UnsolicitedResult(at::ResultCode code, ModemOutput& out);
  // The host drops a dial without a result (a modem that died on the command): back to
  // command mode in silence. Ignored unless Dialing.
  void DropDial();

  const ModemIdentity& identity() const { return identity_; }
  ModemState state() const { return state_; }
  bool in_call() const { return state_ != ModemState::Command; }
  bool ringing() const { return incoming_; }
  bool echo() const { return settings_.echo; }
  bool verbose() const { return settings_.verbose; }
  bool quiet() const { return settings_.quiet; }
  int dtr_mode() const { return settings_.dtr; }
  int dcd_mode() const { return settings_.dcd; }  // &C: 1 = DCD follows the carrier
  int Register(int n) const { return settings_.s[static_cast<std::size_t>(n)]; }
  int result_set() const { return settings_.x; }  // ATX: 0..7 (5-7 as 4)
  // The code the modem reports for `code` at its ATX level (see Result): BUSY at X0 is
  // NO CARRIER, for instance. Lets the bank record what the dialer was told.
  at::ResultCode Reported(at::ResultCode code) const;
  // Whether CONNECT carries its rate at the ATX level (X1 and up).
  bool ReportsRate() const { return settings_.x >= 1; }
  // S7: how long the dialing side waits for carrier.
  std::chrono::seconds CarrierWait() const { return std::chrono::seconds(Register(7)); }

 private:
  struct Settings {
    Settings();
    bool echo = true, verbose = true, quiet = false;
    int dcd = 1, dtr = 2;  // &C, &D
    int x = 4;             // ATX: result code set, all of them after power-up
    std::array<std::uint8_t, kRegisterCount> s{};
  };
  enum class Scan { Idle, GotA, Body };
  enum class Step { Next, Done, Stop, Error };  // after one command of a line

  void CommandByte(char c, TimePoint now, ModemOutput& out);
  void DataBytes(std::string_view bytes, TimePoint now, ModemOutput& out);
  void ExecuteLine(const std::string& line, ModemOutput& out);
  Step Execute(const Command& c, ModemOutput& out);
  Step Basic(const Command& c, ModemOutput& out);
  Step CallControl(const Command& c, ModemOutput& out);
  Step Extended(const Command& c, ModemOutput& out);
  Step Dial(const std::string& text, ModemOutput& out);
  Step Identify(long n, ModemOutput& out);

  void Hangup(HangupCause cause, ModemOutput& out);
  void Answer(ModemOutput& out);
  void EndCall();
  void Result(at::ResultCode code, ModemOutput& out, std::string_view connect_text = {});
  void Info(std::string_view text, ModemOutput& out);
  std::chrono::milliseconds GuardTime() const;
  char S3() const { return static_cast<char>(settings_.s[3]); }
  char S4() const { return static_cast<char>(settings_.s[4]); }

  ModemIdentity identity_;
  Settings settings_;
  ModemState state_ = ModemState::Command;
  bool dtr_ = true;
  bool incoming_ = false;  // an incoming call is ringing

  Scan scan_ = Scan::Idle;
  std::string body_;       // command line after "AT", capped
  bool overflow_ = false;
  std::string last_line_;  // for A/
  std::string connect_text_;

  TimePoint last_rx_{};  // last data byte from the DTE
  int plus_count_ = 0;
  std::optional<TimePoint> escape_at_;  // when +++ becomes an escape
};

}  // namespace dialsoak::sim
