// A modem's final result code to a dial as the call's outcome, for the serial line and the
// Windows COM line alike. Pure; thread-safe.
#pragma once

#include "dialsoak/at/result_code.h"
#include "dialsoak/line/line.h"

namespace dialsoak::serial {

inline CallResult ToCallResult(at::ResultCode code) {
  switch (code) {
    case at::ResultCode::Connect:
      return CallResult::Connect;
    case at::ResultCode::Busy:
      return CallResult::Busy;
    case at::ResultCode::NoCarrier:
      return CallResult::NoCarrier;
    case at::ResultCode::NoDialtone:
      return CallResult::NoDialtone;
    case at::ResultCode::NoAnswer:
      return CallResult::NoAnswer;
    case at::ResultCode::Blacklisted:
      return CallResult::Blacklisted;
    case at::ResultCode::Delayed:
      return CallResult::Delayed;
    default:
      return CallResult::Error;  // ERROR, or OK to a dial (a voice dial)
  }
}

}  // namespace dialsoak::serial
