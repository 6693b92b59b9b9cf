#include "endpoint_guard.h"

#include "civetweb_tls_repair.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string_view>

#include <fmt/format.h>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <CivetServer.h>
#include <civetweb.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

namespace dialsoak::prometheus_export {
namespace {

// The guards of the running endpoints, by civetweb context; and the one being bound on this
// thread, for the callbacks that come before init_context (init_ssl, start-up errors).
thread_local EndpointGuard* t_binding = nullptr;

struct Attached {
  const mg_context* ctx;
  EndpointGuard* guard;
};
std::mutex g_attached_mutex;
std::vector<Attached> g_attached;

EndpointGuard* GuardOf(const mg_context* ctx) {
  {
    std::lock_guard lock(g_attached_mutex);
    for (const auto& a : g_attached) {
      if (a.ctx == ctx) return a.guard;
    }
  }
  return t_binding;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  const char* reason = e ? ERR_reason_error_string(e) : nullptr;
  ERR_clear_error();
  return reason ? reason : "unknown error";
}

extern "C" int OnInitSsl(void* ssl_ctx, void*) {
  return t_binding ? t_binding->InitTls(ssl_ctx) : -1;
}

extern "C" void OnInitContext(const mg_context* ctx) {
  if (t_binding) t_binding->Attach(ctx);
}

extern "C" int OnBeginRequest(mg_connection* conn) {
  EndpointGuard* g = GuardOf(mg_get_context(conn));
  return g ? g->BeginRequest(conn) : 0;
}

extern "C" void OnConnectionClose(const mg_connection* conn) {
  if (EndpointGuard* g = GuardOf(mg_get_context(conn))) g->Closed();
}

extern "C" int OnLogMessage(const mg_connection* conn, const char* message) {
  EndpointGuard* g = GuardOf(conn ? mg_get_context(conn) : nullptr);
  if (g) g->Log(message);
  return 1;  // said: civetweb writes nothing itself
}

// "user:password" from an "Authorization: Basic ..." header; false when there is none.
bool BasicCredentials(const char* header, std::string& user, std::string& password) {
  if (header == nullptr) return false;
  std::string_view h = header;
  constexpr std::string_view kBasic = "Basic ";
  if (h.size() <= kBasic.size() || h.substr(0, kBasic.size()) != kBasic) return false;
  std::string_view b64 = h.substr(kBasic.size());
  while (!b64.empty() && b64.back() == ' ') b64.remove_suffix(1);
  if (b64.empty() || b64.size() % 4 != 0 || b64.size() > 4096) return false;
  std::string decoded(b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  if (n < 0) return false;
  size_t size = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding's bytes as zeros.
  for (size_t i = b64.size(); i > 0 && b64[i - 1] == '=' && size > 0; --i) --size;
  decoded.resize(size);
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) {
    OPENSSL_cleanse(decoded.data(), decoded.size());
    return false;
  }
  user = decoded.substr(0, colon);
  password = decoded.substr(colon + 1);
  OPENSSL_cleanse(decoded.data(), decoded.size());
  return true;
}

}  // namespace

EndpointGuard::EndpointGuard(WebConfig config, prometheus::Registry& registry)
    : config_(std::move(config)), callbacks_(std::make_unique<CivetCallbacks>()) {
  auto& family = prometheus::BuildCounter()
                     .Name("dialsoak_endpoint_refused_total")
                     .Help("Requests and connections the /metrics endpoint refused: auth (no "
                           "or a wrong user and password, 401), tls (a failed TLS handshake)")
                     .Register(registry);
  refused_auth_ = &family.Add({{"reason", "auth"}});
  refused_tls_ = &family.Add({{"reason", "tls"}});
  unsigned char token[16] = {};
  if (RAND_bytes(token, sizeof token) == 1) {
    for (unsigned char b : token) warm_up_token_ += fmt::format("{:02x}", b);
  } else {
    warming_up_ = false;  // no token to be had: the warm-up meets basic auth like anyone
  }
  if (config_.tls()) {
    callbacks_->init_ssl = &OnInitSsl;
    callbacks_->connection_close = &OnConnectionClose;
#if defined(__GLIBC__)
    trimmer_ = std::jthread([this](std::stop_token stop) {
      std::unique_lock lock(trim_mutex_);
      while (!stop.stop_requested()) {
        trim_wake_.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
        if (closed_.exchange(false, std::memory_order_relaxed)) ::malloc_trim(0);
      }
    });
#endif
  }
  callbacks_->init_context = &OnInitContext;
  callbacks_->begin_request = &OnBeginRequest;
  callbacks_->log_message = &OnLogMessage;
}

EndpointGuard::~EndpointGuard() {
  std::lock_guard lock(g_attached_mutex);
  std::erase_if(g_attached, [this](const Attached& a) { return a.guard == this; });
}

EndpointGuard::Binding::Binding(EndpointGuard& guard) { t_binding = &guard; }
EndpointGuard::Binding::~Binding() { t_binding = nullptr; }

void EndpointGuard::Attach(const mg_context* ctx) {
  std::lock_guard lock(g_attached_mutex);
  g_attached.push_back({ctx, this});
}

std::string EndpointGuard::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

int EndpointGuard::InitTls(void* ssl_ctx) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  const TlsServerConfig& c = config_.tls_config();
  auto fail = [&](const std::string& what) {
    Log((what + ": " + OpenSslError()).c_str());
    return -1;
  };
  if (SSL_CTX_use_certificate_chain_file(ctx, c.cert_file.c_str()) != 1) {
    return fail("cert_file " + c.cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, c.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return fail("key_file " + c.key_file);
  }
  if (SSL_CTX_set_min_proto_version(ctx, c.min_version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, c.max_version) != 1) {
    return fail("min_version/max_version");
  }
  if (c.client_auth != ClientAuth::kNone) {
    if (SSL_CTX_load_verify_locations(ctx, c.client_ca_file.c_str(), nullptr) != 1) {
      return fail("client_ca_file " + c.client_ca_file);
    }
    int mode = SSL_VERIFY_PEER;
    if (c.client_auth == ClientAuth::kRequireAndVerify) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx, mode, nullptr);
  }
  // Debian's civetweb 1.15 with OpenSSL 3 would crash at the first TLS connection.
  if (const std::string why = RepairCivetwebTls(); !why.empty()) {
    Log(("this civetweb cannot serve TLS with this OpenSSL: " + why).c_str());
    return -1;
  }
  return 1;  // done: civetweb loads no ssl_certificate of its own
}

int EndpointGuard::BeginRequest(mg_connection* conn) {
  if (!config_.basic_auth()) return 0;
  if (warming_up_.load()) {
    const char* w = mg_get_header(conn, "X-Dialsoak-Warm-Up");
    if (w != nullptr && std::strlen(w) == warm_up_token_.size() &&
        CRYPTO_memcmp(w, warm_up_token_.data(), warm_up_token_.size()) == 0) {
      return 0;
    }
  }
  std::string user, password;
  const bool ok = BasicCredentials(mg_get_header(conn, "Authorization"), user, password) &&
                  config_.CheckPassword(user, password);
  OPENSSL_cleanse(password.data(), password.size());
  if (ok) return 0;  // civetweb goes on to the exposer's handler
  refused_auth_->Increment();
  mg_printf(conn,
            "HTTP/1.1 401 Unauthorized\r\n"
            "WWW-Authenticate: Basic realm=\"dialsoak\", charset=\"UTF-8\"\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 13\r\n"
            "Connection: close\r\n\r\n"
            "Unauthorized\n");
  return 401;
}

void EndpointGuard::Log(const char* message) {
  if (message == nullptr) return;
  std::string_view m = message;
  // civetweb's sslize(): SSL_accept failed (plain HTTP to the TLS port, a protocol or client
  // certificate refused, a client gone mid-handshake).
  if (m.starts_with("sslize error") || m.starts_with("SSL syscall error")) {
    refused_tls_->Increment();
    return;
  }
  std::lock_guard lock(mutex_);
  last_error_ = std::string(m);
}

}  // namespace dialsoak::prometheus_export
