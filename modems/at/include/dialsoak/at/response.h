// ResponseReader: follows the modem's answer to one command until its final result code.
// Skips the echo of the command (ATE1), collects information text (ATI) and intermediate
// reports (+MCR:, CARRIER, PROTOCOL:...) before the final code, counts unsolicited RINGs
// without ending the wait, and tallies line noise. A line that is none of these and no
// known code (e.g. "LINE IN USE", an unknown numeric code) is kept as unrecognised: the
// caller, which has the clock, ends the wait on it after kUnrecognisedQuiet of silence.
// Pure state machine over bytes: no I/O, no clock. Not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/at/framer.h"
#include "dialsoak/at/result_code.h"

namespace dialsoak::at {

struct Response {
  std::optional<Result> final;     // set once a final result code arrived
  std::vector<std::string> info;   // information text lines, in order (bounded count)
  int rings = 0;                   // unsolicited RINGs seen while waiting
  std::size_t noise_bytes = 0;     // bytes reported as line noise
  std::string noise_sample;        // first noise sample, printable
  // The last line that looked like a final result but is none this library knows (not
  // the echo, not an intermediate report): "LINE IN USE". It is in info too. A final
  // code that follows wins over it.
  std::optional<std::string> unrecognised;
};

// How long a dial waits for more bytes after an unrecognised final-looking line before it
// takes that line as the modem's answer. Real modems send their final code within a few
// milliseconds of the reports before it, so half a second of silence means nothing more
// is coming; waiting to the dial's deadline would hide the answer behind a timeout.
inline constexpr std::chrono::milliseconds kUnrecognisedQuiet{500};

class ResponseReader {
 public:
  static constexpr std::size_t kMaxInfoLines = 64;

  // command: the command line sent (with or without S3), so its echo can be skipped.
  explicit ResponseReader(std::string_view command = {},
                          std::size_t max_line = LineFramer::kDefaultMaxLine);

  // Feeds bytes from the modem. Returns the number consumed: all of them until the final
  // result code, then only up to its terminator (the rest is data for the caller). A
  // verbose code's terminator is its S3 S4 pair (LF CR tolerated); a numeric code's is
  // its S3 alone. If the pair is split across calls, Feed after done() consumes just
  // its second half (returns 1) when that is what comes next; otherwise it returns 0.
  std::size_t Feed(std::string_view bytes);

  bool done() const { return response_.final.has_value(); }
  const Response& response() const { return response_; }
  // Text of the partial line not yet terminated (useful in a timeout message).
  std::string_view pending() const { return framer_.pending(); }

 private:
  void Take(const Frame& f);
  std::size_t TakePartner(std::string_view bytes);

  LineFramer framer_;
  std::string echo_;       // command without S3, upper-cased
  bool echo_seen_ = false;
  char partner_ = 0;       // after a verbose final code: the half of its S3 S4 pair to come
  Response response_;
  std::vector<Frame> frames_;
};

}  // namespace dialsoak::at
