// Text helpers shared by the report's renderers (private to exporters/report).
// Pure functions; thread-compatible; never throw (except std::bad_alloc).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/line/line.h"

namespace dialsoak::report {

// The modem's own words for an outcome: "CONNECT", "NO CARRIER", "IO ERROR", ...
std::string OutcomeLabel(CallResult r);

// A metric label value in the modem's words: "no_carrier" -> "NO CARRIER".
std::string Shout(std::string_view label);

// s safe for a terminal: control characters (CR, ESC, ...) become \xNN escapes.
std::string Printable(std::string_view s);

// Milliseconds with 3 decimals: "52.125".
std::string FormatMs(std::chrono::nanoseconds d);

// "HH:MM:SS" (hours unbounded), rounded down to the second; negative counts as zero.
std::string FormatHms(std::chrono::nanoseconds d);

// ISO 8601 in UTC with milliseconds: "2026-11-28T06:45:12.123Z".
std::string Iso8601Utc(std::chrono::system_clock::time_point t);

// Rows as aligned columns, two spaces apart, each line ending in '\n' with no trailing
// blanks. align[i] == 'r' right-aligns column i; any other (or missing) letter, left.
std::string AlignRows(const std::vector<std::vector<std::string>>& rows, std::string_view align);

}  // namespace dialsoak::report
