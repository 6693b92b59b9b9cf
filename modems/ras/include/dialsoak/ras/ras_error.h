// RAS error codes (raserror.h) as dial outcomes: 676 (ERROR_LINE_BUSY) is BUSY, 678
// (ERROR_NO_ANSWER) NO ANSWER, 679 (ERROR_NO_CARRIER) NO CARRIER, 680 (ERROR_NO_DIALTONE)
// NO DIALTONE; any other code is Error, with the code and its text (RasGetErrorString's)
// in the detail. The authentication errors (645-649, 691, 708, 709: the server refused
// the credentials or the account) and the PPP endings that servers commonly give for a
// refused login (718, 719, 734) are Error too, with their class in the detail
// ("RAS error 691 (authentication failed): ..."), so that they stand apart in a summary
// from a hardware or phonebook error. Pure functions, no Windows headers: they build and
// are tested on every platform.
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

enum class RasErrorClass {
  Other,
  Authentication,  // the server refused the credentials or the account
  PppEnded,        // PPP ended before it was complete: often a refused login, not always
};

RasErrorClass ClassOfRasError(std::uint32_t code);

// The documented meaning of the codes ClassOfRasError knows (in dialsoak's words), for
// when RAS has no text; empty for the others.
std::string_view RasErrorMeaning(std::uint32_t code);

// The outcome of a dial that ended with RAS error code (never Connect: 0 is not an error).
CallResult RasErrorResult(std::uint32_t code);

// "RAS error 676: The line is busy" (text trimmed of its trailing period and line
// breaks); "RAS error 691 (authentication failed): Access was denied ..." for a class of
// its own; with no text, the documented meaning where known ("RAS error 691
// (authentication failed): <meaning> (no text from RAS; the documented meaning)"), else
// "RAS error 692 (no error text)".
std::string RasErrorDetail(std::uint32_t code, std::string_view text);

}  // namespace dialsoak::ras
