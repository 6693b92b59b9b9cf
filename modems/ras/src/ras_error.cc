#include "dialsoak/ras/ras_error.h"

#include <fmt/format.h>

namespace dialsoak::ras {

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
      return CallResult::Error;
  }
}

std::string RasErrorDetail(std::uint32_t code, std::string_view text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return fmt::format("RAS error {} (no error text)", code);
  return fmt::format("RAS error {}: {}", code, text);
}

}  // namespace dialsoak::ras
