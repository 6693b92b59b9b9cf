// RAS error codes (raserror.h) as dial outcomes: 676 (ERROR_LINE_BUSY) is BUSY, 678
// (ERROR_NO_ANSWER) NO ANSWER, 679 (ERROR_NO_CARRIER) NO CARRIER, 680 (ERROR_NO_DIALTONE)
// NO DIALTONE; any other code (691 access denied, 692 hardware failure, ...) is Error,
// with the code and its text (RasGetErrorString's) in the detail.
// Pure functions, no Windows headers: they build and are tested on every platform.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dialsoak/line/line.h"

namespace dialsoak::ras {

inline constexpr std::uint32_t kErrorLineBusy = 676;
inline constexpr std::uint32_t kErrorNoAnswer = 678;
inline constexpr std::uint32_t kErrorNoCarrier = 679;
inline constexpr std::uint32_t kErrorNoDialtone = 680;
inline constexpr std::uint32_t kErrorAuthenticationFailure = 691;

// The outcome of a dial that ended with RAS error code (never Connect: 0 is not an error).
CallResult RasErrorResult(std::uint32_t code);

// "RAS error 691: Access was denied because the username and/or password was invalid on
// the domain" (text trimmed of its trailing period and line breaks); with no text,
// "RAS error 691 (no error text)".
std::string RasErrorDetail(std::uint32_t code, std::string_view text);

}  // namespace dialsoak::ras
