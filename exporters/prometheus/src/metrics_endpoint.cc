#include "dialsoak/prometheus/metrics_endpoint.h"

#include <cerrno>
#include <charconv>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <prometheus/exposer.h>

#include "bind_check.h"
#if defined(DIALSOAK_WEB_CONFIG)
#include <CivetServer.h>

#include <spdlog/spdlog.h>

#include "endpoint_guard.h"
#include "endpoint_warmup.h"
#endif

namespace dialsoak::prometheus_export {

#if !defined(DIALSOAK_WEB_CONFIG)
// No web config here (Windows): the guard is never made, but ~MetricsEndpoint needs its type.
class EndpointGuard {};
#endif
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

// civetweb's options (docs/fleet.md#the-endpoint-under-load says why these values).
// civetweb serves each connection on a worker thread of its own from the moment it is
// accepted until it closes, including the wait for the request's headers: a connection that
// sends half a request holds a worker until request_timeout_ms. So:
//  - kWorkers threads, started once with the endpoint (a constant pool: dialsoak's own
//    thread count does not grow with the clients), enough for 256 idle or half-sent
//    connections at once and still 32 free for Prometheus and curl;
//  - request_timeout_ms: a client gets 3 s to send its request (Prometheus sends it in one
//    packet) and each write of the answer 3 s; a connection holding a worker without doing
//    so is closed, so beyond kWorkers idle connections a scrape waits at most that long;
//  - no keep-alive: a connection serves one request and closes (Prometheus then connects
//    once per scrape), so an idle kept-alive connection holds no worker;
//  - civetweb cannot refuse a connection beyond a cap: once all workers are busy the master
//    thread queues accepted connections (connection_queue), then stops accepting, the kernel
//    keeps up to listen_backlog of them waiting, and beyond that Linux drops the SYNs (the
//    client retries its connect). Small values keep that waiting short and bounded.
constexpr int kWorkers = 288;
constexpr int kRequestTimeoutMs = 3000;

std::vector<std::string> ServerOptions(const std::string& bind) {
  return {"listening_ports",    bind,
          "num_threads",        std::to_string(kWorkers),
          "request_timeout_ms", std::to_string(kRequestTimeoutMs),
          "enable_keep_alive",  "no",
          "connection_queue",   "32",
          "listen_backlog",     "128",
          // A scrape's request is well under 1 KiB; each worker holds a buffer this size.
          "max_request_size",   "8192"};
}

}  // namespace

io::Result<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, std::shared_ptr<prometheus::Registry> registry,
    const WebConfig* web) {
  auto address = Parse(listen);
  if (!address) return io::Fail(address.error());
  if (auto ok = CheckBindable(*address); !ok) return io::Fail(ok.error());

  std::unique_ptr<MetricsEndpoint> e(new MetricsEndpoint());
  const std::string bind = (address->v6 ? "[" + address->host + "]" : address->host) + ":" +
                           std::to_string(address->port);
  const CivetCallbacks* callbacks = nullptr;
#if defined(DIALSOAK_WEB_CONFIG)
  if (web != nullptr) {
    e->guard_ = std::make_unique<EndpointGuard>(*web, *registry);
    callbacks = e->guard_->callbacks();
    e->tls_ = web->tls();
  }
#else
  if (web != nullptr) {
    return io::Fail(io::Error{ENOTSUP, "--web-config: not supported on this platform"});
  }
#endif
  // civetweb serves TLS on a port whose number ends in 's'.
  auto options = ServerOptions(e->tls_ ? bind + "s" : bind);
  try {
#if defined(DIALSOAK_WEB_CONFIG)
    std::optional<EndpointGuard::Binding> binding;
    if (e->guard_) binding.emplace(*e->guard_);
#endif
    e->exposer_ = std::make_unique<prometheus::Exposer>(options, callbacks);
  } catch (const std::exception& ex) {
    std::string why = ex.what();
#if defined(DIALSOAK_WEB_CONFIG)
    if (e->guard_ && !e->guard_->last_error().empty()) why = e->guard_->last_error();
#endif
    return io::Fail(io::Error{EADDRINUSE, "--listen " + bind + ": " + why});
  }
  e->registry_ = std::move(registry);
  e->exposer_->RegisterCollectable(e->registry_);
  auto ports = e->exposer_->GetListeningPorts();
  e->address_ = address->host;
  e->port_ = ports.empty() ? address->port : ports.front();
#if defined(DIALSOAK_WEB_CONFIG)
  // Every worker serves one request now, before the run's baseline sample (see
  // endpoint_warmup.h). Not with client certificates required: the warm-up has none.
  const bool mutual_tls = web != nullptr && web->tls() &&
                          web->tls_config().client_auth == ClientAuth::kRequireAndVerify;
  if (!mutual_tls) {
    const std::string why = WarmUpWorkers(address->host, e->port_, kWorkers, e->tls_,
                                          e->guard_ ? e->guard_->warm_up_header() : "");
    if (!why.empty()) spdlog::warn("--listen {}: {}", bind, why);
  }
  if (e->guard_) e->guard_->EndWarmUp();
#endif
  return e;
}

MetricsEndpoint::~MetricsEndpoint() = default;

std::string MetricsEndpoint::url() const {
  const bool v6 = address_.find(':') != std::string::npos;
  return (tls_ ? "https://" : "http://") + (v6 ? "[" + address_ + "]" : address_) + ":" + std::to_string(port_) +
         "/metrics";
}

}  // namespace dialsoak::prometheus_export
