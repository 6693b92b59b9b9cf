// The --listen bind check over BSD sockets. See bind_check.h.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "bind_check.h"
#include "dialsoak/io/unique_fd.h"

namespace dialsoak::prometheus_export {

io::Result<void> CheckBindable(const ListenAddress& a) {
  io::UniqueFd fd(::socket(a.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return io::Fail(io::ErrnoError("socket"));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc = -1;
  if (a.v6) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(static_cast<uint16_t>(a.port));
    if (::inet_pton(AF_INET6, a.host.c_str(), &sa.sin6_addr) != 1) {
      return io::Fail(io::Error{EINVAL, "--listen: '" + a.host + "' is not an IPv6 address"});
    }
    rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(a.port));
    if (::inet_pton(AF_INET, a.host.c_str(), &sa.sin_addr) != 1) {
      return io::Fail(io::Error{EINVAL, "--listen: '" + a.host + "' is not an IPv4 address"});
    }
    rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  }
  if (rc != 0) {
    const int code = errno;
    if (code == EADDRINUSE) return io::Fail(PortInUse(a, code));
    return io::Fail(io::ErrnoError(
        "--listen: cannot bind " + a.host + " port " + std::to_string(a.port), code));
  }
  return {};
}

}  // namespace dialsoak::prometheus_export
