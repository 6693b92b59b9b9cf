// A modem's final result code to a dial as the call's outcome, for the serial line and the
// Windows COM line alike, with what a CONNECT said about the call. Pure; thread-safe.
#pragma once

#include <utility>

#include "dialsoak/at/connect_info.h"
#include "dialsoak/at/response.h"
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

// A CONNECT's rate and protocol (from its line and the reports before it) into the outcome.
inline void SetConnectInfo(DialOutcome& out, const at::Response& response) {
  if (!response.final || response.final->code != at::ResultCode::Connect) return;
  at::ConnectInfo c = at::ParseConnectInfo(*response.final, response.info);
  out.connect_rate = c.rate;
  out.modulation = std::move(c.modulation);
  out.error_control = std::move(c.error_control);
  out.compression = std::move(c.compression);
}

}  // namespace dialsoak::serial
