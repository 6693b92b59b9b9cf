// V.250 command lines as a DTE (the dialer) sends them: "AT" + body + S3.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace dialsoak::at {

// "ATZ\r" from "Z" or from "ATZ" (an existing AT/at prefix is kept, not doubled).
std::string FormatCommand(std::string_view body, char s3 = '\r');

enum class DialMode { Tone, Pulse };

// "ATDT5551234\r". The number may hold the V.250 dial modifiers 0-9 * # A-D , W @ ! P T
// and spaces/dashes/parentheses (dropped). Anything else (control bytes, ';' which would
// keep the modem in command mode, other letters) is refused with a message saying which
// character is wrong.
tl::expected<std::string, std::string> FormatDial(std::string_view number, DialMode mode,
                                                  char s3 = '\r');

}  // namespace dialsoak::at
