// The --listen address, and the bind check MetricsEndpoint::Start makes before it starts
// civetweb, so that a port in use is a clear error, not an exception from deep inside
// civetweb. Platform code: bind_check_posix.cc (BSD sockets), bind_check_windows.cc
// (Winsock). Errors name the address and carry an errno value (EADDRINUSE, EINVAL, ...).
#pragma once

#include <string>

#include "dialsoak/io/error.h"

namespace dialsoak::prometheus_export {

struct ListenAddress {
  std::string host;  // without brackets
  int port = 0;
  bool v6 = false;
};

// Binds a socket to the address and closes it again.
io::Result<void> CheckBindable(const ListenAddress& a);

// The error of a port already in use (the same on every platform).
inline io::Error PortInUse(const ListenAddress& a, int code) {
  return io::Error{code, "--listen: port " + std::to_string(a.port) + " on " + a.host +
                             " is already in use (another dialsoak?); choose "
                             "another with --listen ADDR:PORT, or port 0 for any"};
}

}  // namespace dialsoak::prometheus_export
