// V.250 result codes: the verbose (ATV1) and numeric (ATV0) forms a modem answers with,
// parsed from one framed response line, and formatted for the emulated modem.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dialsoak::at {

// Numeric values are the V.250 / Hayes codes (ATV0).
enum class ResultCode : int {
  Ok = 0,
  Connect = 1,
  Ring = 2,
  NoCarrier = 3,
  Error = 4,
  NoDialtone = 6,
  Busy = 7,
  NoAnswer = 8,
};

struct Result {
  ResultCode code;
  std::string text;                    // the line as received, e.g. "CONNECT 33600/ARQ/V34"
  std::optional<std::uint32_t> rate;   // CONNECT 33600 -> 33600
  std::string suffix;                  // CONNECT 33600/ARQ/V34/LAPM/V42BIS -> "/ARQ/V34/LAPM/V42BIS"
};

// Parses one response line (without its terminator). Accepts the verbose words
// (case-insensitive; "NO DIAL TONE" too) and the bare numeric codes 0-8 (except 5).
// Returns nullopt for anything else (information text, echo, noise).
std::optional<Result> ParseResult(std::string_view line);

// Every code except RING ends a command's response.
constexpr bool IsFinal(ResultCode c) { return c != ResultCode::Ring; }

std::string_view VerboseText(ResultCode c);  // "NO CARRIER"
constexpr int NumericCode(ResultCode c) { return static_cast<int>(c); }

// The bytes a modem sends for a result: verbose "\r\nCONNECT 33600\r\n" (S3 S4 text S3 S4)
// or numeric "1\r" (text S3). connect_text is appended after CONNECT (e.g. "33600/ARQ")
// in verbose form only, as real modems do with extended result codes off in ATV0.
std::string FormatResult(ResultCode c, bool verbose, std::string_view connect_text = {},
                         char s3 = '\r', char s4 = '\n');

}  // namespace dialsoak::at
