#include "dialsoak/io/error.h"

#include <cerrno>
#include <cstring>

namespace dialsoak::io {

Error ErrnoError(std::string_view what) { return ErrnoError(what, errno); }

Error ErrnoError(std::string_view what, int code) {
  std::string msg(what);
  msg += ": ";
  msg += std::strerror(code);
  return Error{code, std::move(msg)};
}

}  // namespace dialsoak::io
