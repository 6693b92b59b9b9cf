#include "dialsoak/at/result_code.h"

#include <array>
#include <charconv>
#include <utility>

#include "ascii.h"

namespace dialsoak::at {
namespace {

using internal::EqualsIgnoreCase;
using internal::IsBlank;
using internal::IsDigit;
using internal::Trim;

constexpr std::string_view kConnect = "CONNECT";

struct VerboseWord {
  std::string_view words;
  ResultCode code;
};

// CONNECT is parsed apart because it carries a rate and suffix.
constexpr std::array<VerboseWord, 8> kVerboseWords{{
    {"OK", ResultCode::Ok},
    {"RING", ResultCode::Ring},
    {"NO CARRIER", ResultCode::NoCarrier},
    {"ERROR", ResultCode::Error},
    {"NO DIALTONE", ResultCode::NoDialtone},
    {"NO DIAL TONE", ResultCode::NoDialtone},  // the Hayes manuals' spelling
    {"BUSY", ResultCode::Busy},
    {"NO ANSWER", ResultCode::NoAnswer},
}};

std::string_view NextWord(std::string_view& s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  std::size_t n = 0;
  while (n < s.size() && !IsBlank(s[n])) ++n;
  std::string_view word = s.substr(0, n);
  s.remove_prefix(n);
  return word;
}

// Word-wise, case-insensitive: "no  carrier" matches "NO CARRIER"; "NO CARRIERS" does not.
bool MatchesWords(std::string_view line, std::string_view words) {
  for (;;) {
    std::string_view a = NextWord(line);
    std::string_view b = NextWord(words);
    if (a.empty() || b.empty()) return a.empty() && b.empty();
    if (!EqualsIgnoreCase(a, b)) return false;
  }
}

std::optional<Result> ParseNumeric(std::string_view line, std::string_view trimmed) {
  if (trimmed.size() != 1 || !IsDigit(trimmed[0])) return std::nullopt;
  const int n = trimmed[0] - '0';
  // 5 (CONNECT 1200) and 9+ are the pre-V.250 speed codes; this library does not take them.
  if (n == 5 || n > 8) return std::nullopt;
  return Result{static_cast<ResultCode>(n), std::string(line), std::nullopt, {}};
}

// "CONNECT", "CONNECT 33600", "CONNECT 33600/ARQ/V34", "CONNECT/ARQ", "CONNECT FAST".
std::optional<Result> ParseConnect(std::string_view line, std::string_view trimmed) {
  if (trimmed.size() < kConnect.size() ||
      !EqualsIgnoreCase(trimmed.substr(0, kConnect.size()), kConnect)) {
    return std::nullopt;
  }
  std::string_view rest = trimmed.substr(kConnect.size());
  // A word boundary must follow, or "CONNECTED" would count as a connection.
  if (!rest.empty() && !IsBlank(rest.front()) && rest.front() != '/') return std::nullopt;
  rest = Trim(rest);

  Result r{ResultCode::Connect, std::string(line), std::nullopt, {}};
  std::size_t digits = 0;
  while (digits < rest.size() && IsDigit(rest[digits])) ++digits;
  std::uint32_t rate = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + digits, rate);
  // An out-of-range rate stays in the suffix rather than being silently wrapped.
  if (digits > 0 && ec == std::errc() && end == rest.data() + digits) {
    r.rate = rate;
    rest.remove_prefix(digits);
  }
  r.suffix = std::string(Trim(rest));
  return r;
}

}  // namespace

std::optional<Result> ParseResult(std::string_view line) {
  const std::string_view trimmed = Trim(line);
  if (trimmed.empty()) return std::nullopt;
  if (IsDigit(trimmed[0])) return ParseNumeric(line, trimmed);
  if (auto connect = ParseConnect(line, trimmed)) return connect;
  for (const VerboseWord& w : kVerboseWords) {
    if (MatchesWords(trimmed, w.words)) {
      return Result{w.code, std::string(line), std::nullopt, {}};
    }
  }
  return std::nullopt;
}

std::string_view VerboseText(ResultCode c) {
  switch (c) {
    case ResultCode::Ok:
      return "OK";
    case ResultCode::Connect:
      return "CONNECT";
    case ResultCode::Ring:
      return "RING";
    case ResultCode::NoCarrier:
      return "NO CARRIER";
    case ResultCode::Error:
      return "ERROR";
    case ResultCode::NoDialtone:
      return "NO DIALTONE";
    case ResultCode::Busy:
      return "BUSY";
    case ResultCode::NoAnswer:
      return "NO ANSWER";
  }
  return {};  // a value cast from outside the enum
}

std::string FormatResult(ResultCode c, bool verbose, std::string_view connect_text, char s3,
                         char s4) {
  if (!verbose) return std::to_string(NumericCode(c)) + s3;
  std::string out{s3, s4};
  out += VerboseText(c);
  if (c == ResultCode::Connect && !connect_text.empty()) {
    if (connect_text.front() != '/' && !IsBlank(connect_text.front())) out += ' ';
    out += connect_text;
  }
  out += s3;
  out += s4;
  return out;
}

}  // namespace dialsoak::at
