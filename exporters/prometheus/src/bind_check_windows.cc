// The --listen bind check over Winsock (civetweb starts Winsock for itself; the check
// starts and ends its own use of it). See bind_check.h.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <cerrno>

#include "bind_check.h"

namespace dialsoak::prometheus_export {
namespace {

// Winsock's own errors have no errno; the few a bind gives are mapped, the rest kept.
int ToErrno(int wsa) {
  switch (wsa) {
    case WSAEADDRINUSE:
      return EADDRINUSE;
    case WSAEADDRNOTAVAIL:
      return EADDRNOTAVAIL;
    case WSAEACCES:
      return EACCES;
    default:
      return wsa;
  }
}

class Winsock {
 public:
  Winsock() {
    WSADATA data;
    ok_ = WSAStartup(MAKEWORD(2, 2), &data) == 0;
  }
  ~Winsock() {
    if (ok_) WSACleanup();
  }
  Winsock(const Winsock&) = delete;
  Winsock& operator=(const Winsock&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

}  // namespace

io::Result<void> CheckBindable(const ListenAddress& a) {
  Winsock winsock;
  if (!winsock.ok()) return io::Fail(io::Error{EIO, "--listen: Winsock did not start"});
  SOCKET s = ::socket(a.v6 ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) {
    return io::Fail(io::Error{ToErrno(WSAGetLastError()), "--listen: socket() failed"});
  }
  // Exclusive, as a listener that another process could share would not be a clear check.
  BOOL one = TRUE;
  ::setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&one), sizeof one);
  int rc = SOCKET_ERROR;
  if (a.v6) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(static_cast<u_short>(a.port));
    if (::inet_pton(AF_INET6, a.host.c_str(), &sa.sin6_addr) != 1) {
      ::closesocket(s);
      return io::Fail(io::Error{EINVAL, "--listen: '" + a.host + "' is not an IPv6 address"});
    }
    rc = ::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<u_short>(a.port));
    if (::inet_pton(AF_INET, a.host.c_str(), &sa.sin_addr) != 1) {
      ::closesocket(s);
      return io::Fail(io::Error{EINVAL, "--listen: '" + a.host + "' is not an IPv4 address"});
    }
    rc = ::bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  }
  const int wsa = rc == 0 ? 0 : WSAGetLastError();
  ::closesocket(s);
  if (rc != 0) {
    const int code = ToErrno(wsa);
    if (code == EADDRINUSE) return io::Fail(PortInUse(a, code));
    return io::Fail(io::Error{code, "--listen: cannot bind " + a.host + " port " +
                                        std::to_string(a.port) + " (Winsock error " +
                                        std::to_string(wsa) + ")"});
  }
  return {};
}

}  // namespace dialsoak::prometheus_export
