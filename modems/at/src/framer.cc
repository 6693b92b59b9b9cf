#include "dialsoak/at/framer.h"

#include <algorithm>
#include <utility>

#include "ascii.h"

namespace dialsoak::at {

LineFramer::LineFramer(std::size_t max_line, char s3, char s4)
    : max_line_(max_line), sample_cap_(std::min(kNoiseSample, max_line)), s3_(s3), s4_(s4) {}

std::size_t LineFramer::FeedOne(std::string_view bytes, std::vector<Frame>& out) {
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = bytes[i];
    if (IsTerminator(c)) {
      ++i;
      // An empty line, or the second half of a CR LF pair: nothing to report.
      if (partial_bytes_ == 0) continue;
      out.push_back(TakeFrame());
      return i;
    }
    if (sample_full_) {
      // A flood of garbage: nothing more to keep until the line ends, so only count.
      std::size_t end = i;
      while (end < n && !IsTerminator(bytes[end])) ++end;
      partial_bytes_ += end - i;
      i = end;
      continue;
    }
    Append(c);
    ++i;
  }
  return n;
}

void LineFramer::Feed(std::string_view bytes, std::vector<Frame>& out) {
  while (!bytes.empty()) bytes.remove_prefix(FeedOne(bytes, out));
}

void LineFramer::Reset() {
  partial_.clear();
  partial_bytes_ = 0;
  noisy_ = false;
  sample_full_ = false;
}

void LineFramer::Append(char c) {
  ++partial_bytes_;
  if (!noisy_) {
    if (internal::IsPrintable(c) && partial_bytes_ <= max_line_) {
      partial_ += c;
      return;
    }
    BecomeNoisy();
  }
  AppendSample(c);
}

// From here on the line can only be noise: keep a printable sample of its start.
void LineFramer::BecomeNoisy() {
  noisy_ = true;
  std::string raw = std::move(partial_);
  partial_.clear();
  for (char c : raw) {
    AppendSample(c);
    if (sample_full_) break;
  }
}

void LineFramer::AppendSample(char c) {
  if (sample_full_) return;
  const std::string escaped = internal::EscapeByte(c);
  // Stop at the first byte that does not fit, so the sample is an unbroken prefix.
  if (partial_.size() + escaped.size() > sample_cap_) {
    sample_full_ = true;
    return;
  }
  partial_ += escaped;
}

Frame LineFramer::TakeFrame() {
  Frame f;
  f.kind = noisy_ ? Frame::Kind::Noise : Frame::Kind::Text;
  f.text = std::move(partial_);
  f.bytes = partial_bytes_;
  Reset();
  return f;
}

}  // namespace dialsoak::at
