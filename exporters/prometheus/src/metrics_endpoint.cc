#include "dialsoak/prometheus/metrics_endpoint.h"

#include <cerrno>
#include <charconv>
#include <exception>

#include <prometheus/exposer.h>

#include "bind_check.h"

namespace dialsoak::prometheus_export {
namespace {

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
