// RepairCivetwebTls: makes Debian's civetweb 1.15 (libcivetweb1) serve TLS with OpenSSL 3.
//
// That civetweb is built for OpenSSL 1.1's API and loads libssl with dlopen; its table of
// libssl functions names SSL_get_peer_certificate, which OpenSSL 3 only has as a macro for
// SSL_get1_peer_certificate (no such symbol in libssl.so.3). The entry stays NULL, and every
// TLS connection crashes the process right after its handshake, when civetweb asks for the
// client's certificate (civetweb/civetweb#1334; civetweb 1.16 built for OPENSSL_API_3_0
// names SSL_get1_peer_certificate instead). The repair finds that entry in the loaded
// libcivetweb's data ({name, category, pointer}, its name pointing at the string
// "SSL_get_peer_certificate" and the entry before it at "SSL_CTX_set_verify_depth", as in
// civetweb 1.15's openssl_dl.inl) and points it at SSL_get1_peer_certificate, which is what
// the name means in OpenSSL 3. Call it after civetweb has loaded libssl (from init_ssl) and
// before any connection. Returns an empty string when the entry is (now) set, else why not,
// and then TLS must not be served.
#pragma once

#include <string>

namespace dialsoak::prometheus_export {

std::string RepairCivetwebTls();

}  // namespace dialsoak::prometheus_export
