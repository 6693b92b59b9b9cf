// Error values for I/O and OS calls: the errno (0 when there is none) and a message that
// names the device or file. Recoverable failures are returned, never thrown.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace dialsoak::io {

struct Error {
  int code = 0;         // errno, or 0
  std::string message;  // "open /dev/ttyS0: No such file or directory"
};

template <typename T>
using Result = tl::expected<T, Error>;

// "<what>: <strerror(code)>", with code defaulting to the current errno.
Error ErrnoError(std::string_view what);
Error ErrnoError(std::string_view what, int code);

inline tl::unexpected<Error> Fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

}  // namespace dialsoak::io
