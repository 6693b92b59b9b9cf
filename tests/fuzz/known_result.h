// For the fuzz targets that see V.250 result codes: whether a code is one the enum knows
// (a parser that made up another value would be caught). Header-only.
#pragma once

#include "dialsoak/at/result_code.h"

namespace dialsoak::fuzz {

// A result code the enum knows (a parser that made up another value would be caught).
inline bool IsKnown(at::ResultCode c) {
  switch (c) {
    case at::ResultCode::Ok:
    case at::ResultCode::Connect:
    case at::ResultCode::Ring:
    case at::ResultCode::NoCarrier:
    case at::ResultCode::Error:
    case at::ResultCode::NoDialtone:
    case at::ResultCode::Busy:
    case at::ResultCode::NoAnswer:
    case at::ResultCode::Delayed:
    case at::ResultCode::Blacklisted:
      return true;
  }
  return false;
}

}  // namespace dialsoak::fuzz
