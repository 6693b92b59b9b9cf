#include "dialsoak/at/response.h"

#include <utility>

#include "ascii.h"

namespace dialsoak::at {
namespace {

// The reader's framer uses the V.250 defaults; S3/S4 changed by ATS3/ATS4 are not followed.
constexpr char kS3 = '\r';
constexpr char kS4 = '\n';

bool IsNumericForm(std::string_view text) {
  text = internal::Trim(text);
  if (text.empty()) return false;
  for (char c : text) {
    if (!internal::IsDigit(c)) return false;
  }
  return true;
}

}  // namespace

ResponseReader::ResponseReader(std::string_view command, std::size_t max_line) : framer_(max_line) {
  while (!command.empty() && (command.back() == kS3 || command.back() == kS4)) {
    command.remove_suffix(1);
  }
  command = internal::Trim(command);
  echo_.reserve(command.size());
  for (char c : command) echo_ += internal::ToUpper(c);
}

std::size_t ResponseReader::Feed(std::string_view bytes) {
  if (done()) return TakePartner(bytes);
  std::size_t consumed = 0;
  while (consumed < bytes.size() && !done()) {
    frames_.clear();
    consumed += framer_.FeedOne(bytes.substr(consumed), frames_);
    for (const Frame& f : frames_) Take(f);
  }
  if (!done()) return consumed;
  // Verbose codes end in S3 S4; eat the second half so it does not reach the data
  // stream. Numeric codes end in S3 alone, so the next byte is data even if it is LF.
  if (!IsNumericForm(response_.final->text)) {
    partner_ = bytes[consumed - 1] == kS3 ? kS4 : kS3;
    consumed += TakePartner(bytes.substr(consumed));
  }
  return consumed;
}

std::size_t ResponseReader::TakePartner(std::string_view bytes) {
  if (partner_ == 0 || bytes.empty()) return 0;
  const bool match = bytes.front() == partner_;
  partner_ = 0;
  return match ? 1 : 0;
}

void ResponseReader::Take(const Frame& f) {
  if (f.kind == Frame::Kind::Noise) {
    response_.noise_bytes += f.bytes;
    if (response_.noise_sample.empty()) response_.noise_sample = f.text;
    return;
  }
  const std::string_view line = internal::Trim(f.text);
  if (line.empty()) return;  // blanks only: no information in it
  if (!echo_seen_ && !echo_.empty() && internal::EqualsIgnoreCase(line, echo_)) {
    echo_seen_ = true;
    return;
  }
  if (std::optional<Result> r = ParseResult(f.text)) {
    if (IsFinal(r->code)) {
      response_.final = std::move(r);
    } else {
      ++response_.rings;
    }
    return;
  }
  if (!IsIntermediate(f.text)) response_.unrecognised = f.text;
  // Further lines are dropped: a chatty or broken modem must not grow memory without end.
  if (response_.info.size() < kMaxInfoLines) response_.info.push_back(f.text);
}

}  // namespace dialsoak::at
