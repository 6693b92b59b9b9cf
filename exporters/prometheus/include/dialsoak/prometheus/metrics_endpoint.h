// MetricsEndpoint: serves a registry on http://ADDR:PORT/metrics (prometheus-cpp's pull
// exposer). The listen address is "PORT", ":PORT", "ADDR:PORT" or "[V6ADDR]:PORT"; with no
// address it binds 127.0.0.1 only. Port 0 picks a free port (see port()).
// A port already in use, or an address that cannot be bound, is an error naming it,
// returned before the exposer starts (civetweb would otherwise throw from its constructor).
// With a WebConfig (--web-config) it serves https and/or asks for basic auth, and counts what
// it refuses in dialsoak_endpoint_refused_total{reason} (see web_config.h).
#pragma once

#include <memory>
#include <string>

#include <prometheus/registry.h>

#include "dialsoak/io/error.h"
#include "dialsoak/prometheus/web_config.h"

namespace prometheus {
class Exposer;
}

namespace dialsoak::prometheus_export {

class EndpointGuard;

inline constexpr int kDefaultPort = 9779;

class MetricsEndpoint {
 public:
  static io::Result<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen, std::shared_ptr<prometheus::Registry> registry,
      const WebConfig* web = nullptr);
  ~MetricsEndpoint();

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  // "http://127.0.0.1:9779/metrics" ("https://..." with TLS)
  std::string url() const;

 private:
  MetricsEndpoint() = default;
  std::unique_ptr<EndpointGuard> guard_;  // before exposer_: it outlives the server
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::string address_;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace dialsoak::prometheus_export
