#include "dialsoak/ras/ras_error.h"

#include <fmt/format.h>

namespace dialsoak::ras {
namespace {

struct Known {
  std::uint32_t code;
  RasErrorClass cls;
  std::string_view meaning;  // raserror.h's meaning, paraphrased
};

// Microsoft's "Routing and Remote Access Error Codes" (raserror.h).
constexpr Known kKnown[] = {
    {645, RasErrorClass::Authentication, "an internal error in the authentication"},
    {646, RasErrorClass::Authentication, "the account may not log on at this time of day"},
    {647, RasErrorClass::Authentication, "the account is disabled"},
    {648, RasErrorClass::Authentication, "the password has expired"},
    {649, RasErrorClass::Authentication, "the account has no permission to dial in"},
    {691, RasErrorClass::Authentication,
     "access denied: the user name or password is not valid on the domain"},
    {708, RasErrorClass::Authentication, "the account has expired"},
    {709, RasErrorClass::Authentication, "changing the password on the domain failed"},
    {718, RasErrorClass::PppEnded, "PPP timed out: the remote computer did not answer in time"},
    {719, RasErrorClass::PppEnded, "the remote computer ended PPP"},
    {734, RasErrorClass::PppEnded, "the PPP link control protocol was terminated"},
};

const Known* Find(std::uint32_t code) {
  for (const Known& k : kKnown) {
    if (k.code == code) return &k;
  }
  return nullptr;
}

std::string_view ClassText(RasErrorClass c) {
  switch (c) {
    case RasErrorClass::Authentication:
      return " (authentication failed)";
    case RasErrorClass::PppEnded:
      return " (PPP ended before it was complete, often a refused login)";
    case RasErrorClass::Other:
      break;
  }
  return "";
}

}  // namespace

RasErrorClass ClassOfRasError(std::uint32_t code) {
  const Known* k = Find(code);
  return k ? k->cls : RasErrorClass::Other;
}

std::string_view RasErrorMeaning(std::uint32_t code) {
  const Known* k = Find(code);
  return k ? k->meaning : std::string_view();
}

CallResult RasErrorResult(std::uint32_t code) {
  switch (code) {
    case kErrorLineBusy:
      return CallResult::Busy;
    case kErrorNoAnswer:
      return CallResult::NoAnswer;
    case kErrorNoCarrier:
      return CallResult::NoCarrier;
    case kErrorNoDialtone:
      return CallResult::NoDialtone;
    default:
      return CallResult::Error;  // the authentication errors too: see ras_error.h
  }
}

std::string RasErrorDetail(std::uint32_t code, std::string_view text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) {
    text.remove_suffix(1);
  }
  const std::string_view cls = ClassText(ClassOfRasError(code));
  if (!text.empty()) return fmt::format("RAS error {}{}: {}", code, cls, text);
  if (const std::string_view meaning = RasErrorMeaning(code); !meaning.empty()) {
    return fmt::format("RAS error {}{}: {} (no text from RAS; the documented meaning)", code, cls,
                       meaning);
  }
  return fmt::format("RAS error {} (no error text)", code);
}

}  // namespace dialsoak::ras
