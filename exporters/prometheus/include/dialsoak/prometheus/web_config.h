// WebConfig: the endpoint's TLS and basic auth, read from a web configuration file in the
// format of Prometheus' exporters (exporter-toolkit's web-configuration.md; the same file
// node_exporter takes with --web.config.file):
//
//   tls_server_config:
//     cert_file: /etc/dialsoak/agent.crt
//     key_file: /etc/dialsoak/agent.key
//     client_auth_type: RequireAndVerifyClientCert   # optional, with client_ca_file
//     client_ca_file: /etc/dialsoak/clients-ca.crt
//     min_version: TLS12                             # optional (default), or TLS13 ...
//   basic_auth_users:
//     prometheus: $2y$10$...                         # bcrypt hashes
//
// Every key is optional but cert_file and key_file, which go together. A key the format has
// but dialsoak does not implement (cert, key, cipher_suites, http_server_config, ...) and a
// key the format does not have are refused; every error names the file, the line and the
// key. The certificate and key are loaded here once, so one that cannot be read, or a key
// that does not match its certificate, is an error at start rather than at the first
// handshake. Passwords are checked with the system's crypt(3) (libxcrypt: bcrypt $2y$,
// $2b$, $2a$); the hashes never leave this object.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "dialsoak/io/error.h"

namespace dialsoak::prometheus_export {

enum class ClientAuth {
  kNone,              // NoClientCert (the default)
  kVerifyIfGiven,     // VerifyClientCertIfGiven
  kRequireAndVerify,  // RequireAndVerifyClientCert
};

struct TlsServerConfig {
  std::string cert_file;  // PEM: the certificate, then any intermediates
  std::string key_file;   // PEM
  std::string client_ca_file;
  ClientAuth client_auth = ClientAuth::kNone;
  int min_version = 0x0303;  // TLS1_2_VERSION
  int max_version = 0x0304;  // TLS1_3_VERSION
};

class WebConfig {
 public:
  // Reads and checks PATH (see above). An error's message begins "PATH:LINE: ".
  static io::Result<WebConfig> Load(const std::string& path);

  const std::string& path() const { return path_; }
  bool tls() const { return tls_enabled_; }
  const TlsServerConfig& tls_config() const { return tls_; }
  bool basic_auth() const { return !users_.empty(); }

  // True when USER is listed and PASSWORD matches its bcrypt hash. An unknown user costs a
  // bcrypt check as well (against another user's hash), so the time taken does not tell
  // which users exist. Thread-safe (crypt_rn with a buffer of the caller's own).
  bool CheckPassword(const std::string& user, const std::string& password) const;

 private:
  std::string path_;
  bool tls_enabled_ = false;
  TlsServerConfig tls_;
  std::vector<std::pair<std::string, std::string>> users_;  // user, bcrypt hash
};

}  // namespace dialsoak::prometheus_export
