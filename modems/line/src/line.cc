#include "dialsoak/line/line.h"

namespace dialsoak {

std::string_view ToString(CallResult r) {
  switch (r) {
    case CallResult::Connect: return "connect";
    case CallResult::Busy: return "busy";
    case CallResult::NoCarrier: return "no_carrier";
    case CallResult::NoDialtone: return "no_dialtone";
    case CallResult::NoAnswer: return "no_answer";
    case CallResult::Error: return "error";
    case CallResult::Timeout: return "timeout";
    case CallResult::IoError: return "io_error";
    case CallResult::Blacklisted: return "blacklisted";
    case CallResult::Delayed: return "delayed";
    case CallResult::Unrecognised: return "unrecognised";
  }
  return "unknown";
}

std::string_view ToString(HangupMethod m) {
  switch (m) {
    case HangupMethod::None: return "none";
    case HangupMethod::Dtr: return "dtr";
    case HangupMethod::Escape: return "escape";
    case HangupMethod::Close: return "close";
    case HangupMethod::Api: return "api";
    case HangupMethod::Command: return "command";
    case HangupMethod::Signal: return "signal";
  }
  return "unknown";
}

}  // namespace dialsoak
