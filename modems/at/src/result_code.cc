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
constexpr std::array<VerboseWord, 10> kVerboseWords{{
    {"OK", ResultCode::Ok},
    {"RING", ResultCode::Ring},
    {"NO CARRIER", ResultCode::NoCarrier},
    {"ERROR", ResultCode::Error},
    {"NO DIALTONE", ResultCode::NoDialtone},
    {"NO DIAL TONE", ResultCode::NoDialtone},  // the Hayes manuals' spelling
    {"BUSY", ResultCode::Busy},
    {"NO ANSWER", ResultCode::NoAnswer},
    {"DELAYED", ResultCode::Delayed},
    {"BLACKLISTED", ResultCode::Blacklisted},
}};

// The numeric (ATV0) result codes beyond V.250's 0-8, from the Rockwell/Conexant modem
// family's result code table (the Conexant "AT Commands Reference Manual" for the
// RC56/SoftK56/HCF data pumps, as shipped in the Windows INF files of Rockwell-based
// modems: Zoom, Supra, Boca, Creative...). A CONNECT speed code names its DTE/line rate.
// Codes 22/23 (CONNECT 75TX/1200RX, 1200TX/75RX: V.23 split speed), 33 (FAX) and 35
// (DATA) are left out: they name no single rate, or no data call.
struct SpeedCode {
  int code;
  std::uint32_t rate;
};
constexpr std::array<SpeedCode, 20> kSpeedCodes{{
    {5, 1200},     {9, 600},      {10, 2400},    {11, 4800},   {12, 9600},
    {13, 7200},    {14, 12000},   {15, 14400},   {16, 19200},  {17, 38400},
    {18, 57600},   {19, 115200},  {20, 230400},  {59, 16800},  {61, 21600},
    {62, 24000},   {63, 26400},   {64, 28800},   {84, 33600},  {91, 31200},
}};

// The same table's intermediate reports in numeric form: CARRIER (40, 44-58, 78, 79,
// 95-99), COMPRESSION (66, 67, 69) and PROTOCOL (70, 76, 77, 80, 81).
constexpr bool IsIntermediateCode(int n) {
  return n == 40 || (n >= 44 && n <= 58) || n == 66 || n == 67 || n == 69 || n == 70 ||
         (n >= 76 && n <= 81) || (n >= 95 && n <= 99);
}

// The verbose intermediate reports, matched as a prefix (case-insensitive). "CARRIER"
// must be followed by a blank: "CARRIERS" is not one.
constexpr std::array<std::string_view, 8> kIntermediatePrefixes{{
    "+MCR:", "+MRR:", "+ER:", "+DR:", "+ILRR:", "PROTOCOL:", "COMPRESSION:", "CARRIER ",
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

// A line of 1-3 digits as a number; -1 otherwise.
int NumericValue(std::string_view trimmed) {
  // No modem pads its codes: "05" is not 5.
  if (trimmed.empty() || trimmed.size() > 3 || (trimmed.size() > 1 && trimmed[0] == '0')) {
    return -1;
  }
  int n = 0;
  for (char c : trimmed) {
    if (!IsDigit(c)) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::optional<Result> ParseNumeric(std::string_view line, std::string_view trimmed) {
  const int n = NumericValue(trimmed);
  if (n < 0) return std::nullopt;
  if ((n <= 8 && n != 5) || n == NumericCode(ResultCode::Delayed) ||
      n == NumericCode(ResultCode::Blacklisted)) {
    return Result{static_cast<ResultCode>(n), std::string(line), std::nullopt, {}};
  }
  for (const SpeedCode& s : kSpeedCodes) {
    if (s.code == n) return Result{ResultCode::Connect, std::string(line), s.rate, {}};
  }
  return std::nullopt;  // "33600" from ATI, or a code this table does not hold
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

bool IsIntermediate(std::string_view line) {
  const std::string_view trimmed = Trim(line);
  if (trimmed.empty()) return false;
  if (IsDigit(trimmed[0])) return IsIntermediateCode(NumericValue(trimmed));
  if (MatchesWords(trimmed, "RINGING")) return true;
  for (std::string_view prefix : kIntermediatePrefixes) {
    if (trimmed.size() >= prefix.size() &&
        EqualsIgnoreCase(trimmed.substr(0, prefix.size()), prefix)) {
      return true;
    }
  }
  return false;
}

std::optional<int> ConnectSpeedCode(std::uint32_t rate) {
  for (const SpeedCode& s : kSpeedCodes) {
    if (s.rate == rate) return s.code;
  }
  return std::nullopt;
}

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
    case ResultCode::Delayed:
      return "DELAYED";
    case ResultCode::Blacklisted:
      return "BLACKLISTED";
  }
  return {};  // a value cast from outside the enum
}

std::string Describe(const Result& r) {
  const std::string_view trimmed = Trim(r.text);
  if (trimmed.empty() || !IsDigit(trimmed[0])) return r.text;
  std::string words(VerboseText(r.code));
  if (r.code == ResultCode::Connect && r.rate) words += " " + std::to_string(*r.rate);
  return std::string(trimmed) + " (" + words + ")";
}

std::string FormatResult(ResultCode c, bool verbose, std::string_view connect_text, char s3,
                         char s4) {
  if (!verbose) {
    int n = NumericCode(c);
    if (c == ResultCode::Connect) {
      std::size_t digits = 0;
      while (digits < connect_text.size() && IsDigit(connect_text[digits])) ++digits;
      std::uint32_t rate = 0;
      const auto [end, ec] = std::from_chars(connect_text.data(), connect_text.data() + digits, rate);
      if (digits > 0 && ec == std::errc() && end == connect_text.data() + digits) {
        n = ConnectSpeedCode(rate).value_or(n);
      }
    }
    return std::to_string(n) + s3;
  }
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
