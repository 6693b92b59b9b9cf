// V.250 result codes: the verbose (ATV1) and numeric (ATV0) forms a modem answers with,
// parsed from one framed response line, and formatted for the emulated modem.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dialsoak::at {

// Numeric values are the V.250 / Hayes codes (ATV0); DELAYED and BLACKLISTED are the codes
// of the Rockwell/Conexant extended set (see kNumericTable in result_code.cc), which
// European modems send under the TBR21 call-attempt restrictions.
enum class ResultCode : int {
  Ok = 0,
  Connect = 1,
  Ring = 2,
  NoCarrier = 3,
  Error = 4,
  NoDialtone = 6,
  Busy = 7,
  NoAnswer = 8,
  Delayed = 24,      // a retry delay runs for this number: the modem refused to dial
  Blacklisted = 32,  // too many failed calls to this number: the modem refuses it for now
};

struct Result {
  ResultCode code;
  std::string text;                    // the line as received, e.g. "CONNECT 33600/ARQ/V34"
  std::optional<std::uint32_t> rate;   // CONNECT 33600 -> 33600
  std::string suffix;                  // CONNECT 33600/ARQ/V34/LAPM/V42BIS -> "/ARQ/V34/LAPM/V42BIS"
};

// Parses one response line (without its terminator). Accepts the verbose words
// (case-insensitive; "NO DIAL TONE" too; DELAYED, BLACKLISTED) and the numeric codes of
// the Rockwell/Conexant table: 0-4, 6-8, 24 (DELAYED), 32 (BLACKLISTED) and the CONNECT
// speed codes (5 = CONNECT 1200, 10 = CONNECT 2400, ... 84 = CONNECT 33600), which give
// CONNECT with the table's rate. Returns nullopt for anything else (information text,
// intermediate reports, echo, noise, numbers the table does not hold).
std::optional<Result> ParseResult(std::string_view line);

// An intermediate report a modem sends between ATD and its final result, with the
// extended reports on (V.250 +MR/+ER/+DR, Rockwell W1/S95): "+MCR: V34", "+MRR: 33600",
// "+ER: LAPM", "+DR: V42B", "+ILRR: ...", "CARRIER 33600", "PROTOCOL: LAPM",
// "COMPRESSION: V42BIS", "RINGING", and the numeric forms of the CARRIER, PROTOCOL and
// COMPRESSION reports in the Rockwell/Conexant table (40, 44-58, 66-81, 95-99).
bool IsIntermediate(std::string_view line);

// The CONNECT speed code of the Rockwell/Conexant table for a rate (2400 -> 10), or
// nullopt for a rate the table has no code for.
std::optional<int> ConnectSpeedCode(std::uint32_t rate);

// Every code except RING ends a command's response.
constexpr bool IsFinal(ResultCode c) { return c != ResultCode::Ring; }

std::string_view VerboseText(ResultCode c);  // "NO CARRIER"

// The result as a report shows it: its text, and for a numeric code what it means in
// words: "10 (CONNECT 2400)", "7 (BUSY)"; a verbose code's text as it is.
std::string Describe(const Result& r);
constexpr int NumericCode(ResultCode c) { return static_cast<int>(c); }

// The bytes a modem sends for a result: verbose "\r\nCONNECT 33600\r\n" (S3 S4 text S3 S4)
// or numeric "1\r" (text S3). connect_text is appended after CONNECT (e.g. "33600/ARQ")
// in verbose form; in numeric form a CONNECT whose text starts with a rate of the table
// gives that rate's speed code ("33600/ARQ" -> "84\r"), any other CONNECT "1\r".
std::string FormatResult(ResultCode c, bool verbose, std::string_view connect_text = {},
                         char s3 = '\r', char s4 = '\n');

}  // namespace dialsoak::at
