#include "dialsoak/prometheus/metrics_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <exception>

#include <prometheus/exposer.h>

#include "dialsoak/io/unique_fd.h"

namespace dialsoak::prometheus_export {
namespace {

struct ListenAddress {
  std::string host;  // without brackets
  int port = 0;
  bool v6 = false;
};

io::Result<ListenAddress> Parse(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return io::Fail(io::Error{EINVAL, "--listen '" + text + "': " + why +
                                          " (expected PORT, ADDR:PORT or [V6ADDR]:PORT)"});
  };
  ListenAddress a{"127.0.0.1", 0, false};
  std::string port = text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find("]:");
    if (close == std::string::npos) return bad("missing ']:' after the IPv6 address");
    a.host = text.substr(1, close - 1);
    a.v6 = true;
    port = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
    if (colon > 0) a.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
  if (ec != std::errc() || end != port.data() + port.size() || a.port < 0 || a.port > 65535) {
    return bad("bad port '" + port + "'");
  }
  return a;
}

// Binds the address ourselves first, so that a port in use is a clear error, not an
// exception from deep inside civetweb.
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
    std::string where = a.host + " port " + std::to_string(a.port);
    if (code == EADDRINUSE) {
      return io::Fail(io::Error{code, "--listen: port " + std::to_string(a.port) + " on " + a.host +
                                          " is already in use (another dialsoak?); choose "
                                          "another with --listen ADDR:PORT, or port 0 for any"});
    }
    return io::Fail(io::ErrnoError("--listen: cannot bind " + where, code));
  }
  return {};
}

}  // namespace

io::Result<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, std::shared_ptr<prometheus::Registry> registry) {
  auto address = Parse(listen);
  if (!address) return io::Fail(address.error());
  if (auto ok = CheckBindable(*address); !ok) return io::Fail(ok.error());

  std::unique_ptr<MetricsEndpoint> e(new MetricsEndpoint());
  const std::string bind = (address->v6 ? "[" + address->host + "]" : address->host) + ":" +
                           std::to_string(address->port);
  try {
    e->exposer_ = std::make_unique<prometheus::Exposer>(bind, 2);
  } catch (const std::exception& ex) {
    return io::Fail(io::Error{EADDRINUSE, "--listen " + bind + ": " + ex.what()});
  }
  e->registry_ = std::move(registry);
  e->exposer_->RegisterCollectable(e->registry_);
  auto ports = e->exposer_->GetListeningPorts();
  e->address_ = address->host;
  e->port_ = ports.empty() ? address->port : ports.front();
  return e;
}

MetricsEndpoint::~MetricsEndpoint() = default;

std::string MetricsEndpoint::url() const {
  const bool v6 = address_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address_ + "]" : address_) + ":" + std::to_string(port_) +
         "/metrics";
}

}  // namespace dialsoak::prometheus_export
