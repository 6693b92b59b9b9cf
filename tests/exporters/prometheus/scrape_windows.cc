#include <winsock2.h>
#include <ws2tcpip.h>

#include "scrape.h"

namespace dialsoak::prometheus_export {

std::string Scrape(int port) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return "connect failed";
  std::string response;
  SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<u_short>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  DWORD timeout_ms = 5000;
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&timeout_ms),
               sizeof timeout_ms);
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (s == INVALID_SOCKET || ::connect(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    response = "connect failed";
  } else if (::send(s, request.data(), static_cast<int>(request.size()), 0) < 0) {
    response = "write failed";
  } else {
    char buf[4096];
    for (int n; (n = ::recv(s, buf, sizeof buf, 0)) > 0;)
      response.append(buf, static_cast<size_t>(n));
  }
  if (s != INVALID_SOCKET) ::closesocket(s);
  WSACleanup();
  return response;
}

}  // namespace dialsoak::prometheus_export
