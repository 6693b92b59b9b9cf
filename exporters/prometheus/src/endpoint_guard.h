// EndpointGuard: serves a WebConfig through civetweb's callbacks. civetweb builds the TLS
// context and hands it to init_ssl, where the guard loads the certificate and key (which
// exporter-toolkit keeps in two files, where civetweb's ssl_certificate wants one), the
// client CA and the TLS versions; begin_request refuses, with 401 and a Basic challenge, any
// request without a user and password that the config's bcrypt hashes accept; and civetweb's
// error log tells of the TLS handshakes that failed. Both refusals are counted in
// dialsoak_endpoint_refused_total{reason="auth"|"tls"}.
//
// civetweb's callbacks get no pointer of ours (prometheus-cpp's Exposer owns the server and
// its user data), so the guard finds itself by civetweb's context: Bind() around the
// Exposer's construction makes it the guard of the context civetweb creates on this thread
// (init_ssl and init_context run inside mg_start). The guard must outlive the Exposer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "dialsoak/prometheus/web_config.h"

struct CivetCallbacks;
struct mg_connection;
struct mg_context;

namespace dialsoak::prometheus_export {

class EndpointGuard {
 public:
  EndpointGuard(WebConfig config, prometheus::Registry& registry);
  ~EndpointGuard();
  EndpointGuard(const EndpointGuard&) = delete;
  EndpointGuard& operator=(const EndpointGuard&) = delete;

  const WebConfig& config() const { return config_; }
  const CivetCallbacks* callbacks() const { return callbacks_.get(); }

  // While a Binding lives, the civetweb context started on this thread is this guard's.
  class Binding {
   public:
    explicit Binding(EndpointGuard& guard);
    ~Binding();
  };

  // civetweb's last error message (why the server did not start, when it did not).
  std::string last_error() const;

  // The callbacks' work (public for the C callbacks in the .cc file).
  int InitTls(void* ssl_ctx);
  int BeginRequest(::mg_connection* conn);
  void Log(const char* message);
  void Attach(const ::mg_context* ctx);
  void Closed() { closed_.store(true, std::memory_order_relaxed); }

  // The header (ending "\r\n") that lets the endpoint's own warm-up requests past basic
  // auth until EndWarmUp() (see endpoint_warmup.h): a random token of this process's.
  std::string warm_up_header() const { return "X-Dialsoak-Warm-Up: " + warm_up_token_ + "\r\n"; }
  void EndWarmUp() { warming_up_.store(false); }

 private:
  WebConfig config_;
  std::unique_ptr<CivetCallbacks> callbacks_;
  prometheus::Counter* refused_auth_;
  prometheus::Counter* refused_tls_;
    mutable std::mutex mutex_;
  std::string last_error_;
  std::string warm_up_token_;
  std::atomic<bool> warming_up_{true};
  // With TLS: each connection's handshake allocates OpenSSL buffers on its worker, and
  // glibc keeps the freed memory; after a burst of connections (hundreds of slow TLS
  // clients) dialsoak's resident memory would stay up, and the `self` memory check could
  // call that a leak. A thread of the guard's own gives free memory back (malloc_trim)
  // within a second of connections closing. Declared last: stopped first.
  std::atomic<bool> closed_{false};
  std::condition_variable_any trim_wake_;
  std::mutex trim_mutex_;
  std::jthread trimmer_;
};

}  // namespace dialsoak::prometheus_export
