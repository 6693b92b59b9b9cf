#include "endpoint_warmup.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <openssl/ssl.h>

namespace dialsoak::prometheus_export {
namespace {

// The endpoint's own address to connect to: the wildcard addresses mean loopback.
std::string ConnectHost(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "::1";
  return host;
}

int Connect(const addrinfo* ai) {
  const int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  if (fd < 0) return -1;
  timeval tv{5, 0};  // a worker that never answers must not hang the start
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool ServePlain(int fd, const std::string& request) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return false;
  }
  char buf[16384];
  ssize_t n;
  bool any = false;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) any = true;
  return any;
}

bool ServeTls(SSL_CTX* ctx, int fd, const std::string& request) {
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx), &SSL_free);
  if (!ssl || SSL_set_fd(ssl.get(), fd) != 1 || SSL_connect(ssl.get()) != 1) return false;
  if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) <= 0) return false;
  char buf[16384];
  bool any = false;
  while (SSL_read(ssl.get(), buf, sizeof buf) > 0) any = true;
  return any;
}

}  // namespace

std::string WarmUpWorkers(const std::string& host, int port, int workers, bool tls,
                          const std::string& extra_headers) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string target = ConnectHost(host);
  if (int rc = ::getaddrinfo(target.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    return target + ": " + ::gai_strerror(rc);
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> ai(found, &::freeaddrinfo);
  std::vector<int> fds;
  for (int i = 0; i < workers; ++i) {
    const int fd = Connect(ai.get());
    if (fd < 0) break;
    fds.push_back(fd);
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(nullptr, &SSL_CTX_free);
  if (tls) ctx.reset(SSL_CTX_new(TLS_client_method()));  // no verification: our own server
  const std::string request =
      "GET /metrics HTTP/1.0\r\nHost: warm-up\r\n" + extra_headers + "\r\n";
  int served = 0;
  for (int fd : fds) {
    if (tls ? (ctx && ServeTls(ctx.get(), fd, request)) : ServePlain(fd, request)) ++served;
    ::close(fd);
  }
  if (served < workers) {
    return "warmed up " + std::to_string(served) + " of " + std::to_string(workers) +
           " workers (" + std::to_string(fds.size()) + " connected)";
  }
  return {};
}

}  // namespace dialsoak::prometheus_export
