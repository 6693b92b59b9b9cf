// LineFramer: splits the byte stream from a modem into response lines on S3/S4 (CR, LF),
// tolerant of CR LF, LF CR, CR-only and LF-only peers. Empty lines are dropped.
// Memory is bounded: a line longer than max_line bytes, or one holding a NUL, a control
// byte or an 8-bit byte, is reported as line noise (byte count and a printable sample),
// never as text. Not thread-safe; one framer per line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dialsoak::at {

struct Frame {
  enum class Kind { Text, Noise };
  Kind kind;
  std::string text;        // Text: the line; Noise: a printable sample (\xNN escapes), capped
  std::size_t bytes = 0;   // number of bytes this frame covered (for noise: all bytes seen)
};

class LineFramer {
 public:
  static constexpr std::size_t kDefaultMaxLine = 256;
  static constexpr std::size_t kNoiseSample = 64;

  explicit LineFramer(std::size_t max_line = kDefaultMaxLine, char s3 = '\r', char s4 = '\n');

  // Consumes bytes up to and including the first completed frame's terminator, appends
  // that frame to out, and returns the number of bytes consumed. When no frame
  // completes, consumes everything (buffering a partial line) and appends nothing.
  // Call again with the rest to continue; Feed with the remainder after a final result
  // lets the caller hand the following bytes (data after CONNECT) to someone else.
  std::size_t FeedOne(std::string_view bytes, std::vector<Frame>& out);

  // Feeds everything, appending every completed frame.
  void Feed(std::string_view bytes, std::vector<Frame>& out);

  // The partial line buffered so far (bounded by max_line).
  std::string_view pending() const { return partial_; }
  void Reset();

 private:
  std::size_t max_line_;
  char s3_, s4_;
  std::string partial_;
  std::size_t partial_bytes_ = 0;  // bytes of the current line, including dropped ones
  bool noisy_ = false;             // the current line held garbage or overflowed
  char last_terminator_ = 0;       // to fold CR LF / LF CR into one terminator
};

}  // namespace dialsoak::at
