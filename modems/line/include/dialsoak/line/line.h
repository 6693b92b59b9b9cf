// Line: one modem, one RAS phonebook entry or one external dialer, seen by the harness.
// A Line is used by one thread at a time. dial() and hangup() return outcomes, never
// throw: BUSY, NO CARRIER and the rest are results of a call, not errors. Every call
// ends by its deadline (with CallResult::Timeout if nothing final was heard).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dialsoak/line/deadline.h"

namespace dialsoak {

// Blacklisted and Delayed: the modem refused to dial the number under the TBR21
// call-attempt restrictions (BLACKLISTED, DELAYED). Unrecognised: the modem answered the
// dial with a line that looks final but is no result code known (the detail holds it).
// New values go at the end: journals and reports name them, old ones keep their index.
enum class CallResult {
  Connect, Busy, NoCarrier, NoDialtone, NoAnswer, Error, Timeout, IoError,
  Blacklisted, Delayed, Unrecognised,
};
inline constexpr int kCallResultCount = 11;

// Lower-case, underscore form used as a metric label value: "connect", "no_carrier", ...
std::string_view ToString(CallResult r);

struct DialOutcome {
  CallResult result;
  std::chrono::nanoseconds elapsed;
  std::string detail;  // what the modem said ("CONNECT 33600/ARQ"), or the error text
  bool reopened = false;  // the device had been lost and was opened again for this dial
  std::int64_t noise_bytes = 0;  // line noise among the modem's answer (then in detail too)
  // A CONNECT's rate (bit/s) and protocol as the modem said them (at/connect_info.h):
  // modulation "V34", error control "LAPM", compression "V42BIS"; unset or empty when it
  // did not say (a RAS line, a bare CONNECT, a dial that did not connect).
  std::optional<std::uint32_t> connect_rate = std::nullopt;
  std::string modulation = {};
  std::string error_control = {};
  std::string compression = {};
};

// How a line was hung up, reported so a test knows which path it measured.
// Command: an exec line's hang-up command; Signal: its dial command stopped by a signal.
enum class HangupMethod { None, Dtr, Escape, Close, Api, Command, Signal };
inline constexpr int kHangupMethodCount = 7;
std::string_view ToString(HangupMethod m);

struct HangupOutcome {
  bool ok;
  std::chrono::nanoseconds elapsed;
  std::string detail;
  HangupMethod method = HangupMethod::None;
};

class Line {
 public:
  virtual ~Line() = default;
  virtual DialOutcome dial(std::string_view number, Deadline deadline) = 0;
  virtual HangupOutcome hangup(Deadline deadline) = 0;

  // While a call is up: waits until the deadline for the call to end by itself (the far
  // end dropped it: NO CARRIER; the device was lost). Returns what ended it, or nothing
  // when the call is still up at the deadline. After an end, hangup() has nothing to do.
  // Only where watchable(); elsewhere the caller holds the call by waiting itself.
  virtual bool watchable() const { return false; }
  virtual std::optional<std::string> watch(Deadline deadline) {
    (void)deadline;
    return std::nullopt;
  }
};

}  // namespace dialsoak
