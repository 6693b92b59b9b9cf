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
  Kind kind = Kind::Text;
  std::string text;       // Text: the line; Noise: a printable sample (\xNN escapes), capped
  std::size_t bytes = 0;  // bytes of the line, terminator excluded (noise: all bytes seen)
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
  // The terminator is the one byte (S3 or S4) that ended the line, so a frame never
  // waits for a byte that may not come: the second half of a CR LF / LF CR pair stays in
  // the rest, where the next call sees an empty line and drops it (split or not).
  std::size_t FeedOne(std::string_view bytes, std::vector<Frame>& out);

  // Feeds everything, appending every completed frame.
  void Feed(std::string_view bytes, std::vector<Frame>& out);

  // The partial line buffered so far (bounded by max_line); once the line is judged
  // noise, its printable sample instead.
  std::string_view pending() const { return partial_; }
  void Reset();

 private:
  bool IsTerminator(char c) const { return c == s3_ || c == s4_; }
  void Append(char c);
  void BecomeNoisy();
  void AppendSample(char c);
  Frame TakeFrame();

  std::size_t max_line_;
  std::size_t sample_cap_;  // noise sample length, within kNoiseSample and max_line
  char s3_, s4_;
  std::string partial_;            // raw text, or the escaped sample once noisy_
  bool sample_full_ = false;       // the sample reached sample_cap_; later bytes only counted
  std::size_t partial_bytes_ = 0;  // bytes of the current line, including dropped ones
  bool noisy_ = false;             // the current line held garbage or overflowed
};

}  // namespace dialsoak::at
