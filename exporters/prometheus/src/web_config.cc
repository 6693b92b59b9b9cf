#include "dialsoak/prometheus/web_config.h"

#include <crypt.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <yaml-cpp/yaml.h>

namespace dialsoak::prometheus_export {
namespace {

// Thrown inside this file only, for the first problem found; Load returns it.
struct Failure {
  std::string message;
};

// The keys of exporter-toolkit's format that dialsoak does not implement: refused with a
// message that says so (rather than "unknown"), so a file written for node_exporter that
// relies on one does not half-work.
constexpr std::string_view kUnsupportedTop[] = {"http_server_config", "rate_limit"};
constexpr std::string_view kUnsupportedTls[] = {
    "cert", "key", "client_ca", "client_allowed_sans", "cipher_suites",
    "prefer_server_cipher_suites", "curve_preferences"};

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  std::string text = e ? ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "error"
                       : "unknown error";
  ERR_clear_error();
  return text;
}

bool Listed(std::string_view key, const auto& list) {
  for (std::string_view k : list) {
    if (k == key) return true;
  }
  return false;
}

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void Fail(const YAML::Node& at, const std::string& key, const std::string& why) {
    const int line = at.Mark().line >= 0 ? at.Mark().line + 1 : 1;
    throw Failure{fmt::format("{}:{}: {}: {}", path_, line, key, why)};
  }

  std::string Text(const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar() || node.Scalar().empty()) Fail(node, key, "expected a text value");
    return node.Scalar();
  }

  // A file named relative to the web config's own directory, as exporter-toolkit does.
  std::string File(const YAML::Node& node, const std::string& key) {
    std::filesystem::path p = Text(node, key);
    if (p.is_relative()) p = std::filesystem::path(path_).parent_path() / p;
    std::FILE* f = std::fopen(p.c_str(), "rb");
    if (f == nullptr) Fail(node, key, fmt::format("cannot read {}: {}", p.string(), std::strerror(errno)));
    std::fclose(f);
    return p.string();
  }

  int Version(const YAML::Node& node, const std::string& key) {
    const std::string v = Text(node, key);
    if (v == "TLS10") return TLS1_VERSION;
    if (v == "TLS11") return TLS1_1_VERSION;
    if (v == "TLS12") return TLS1_2_VERSION;
    if (v == "TLS13") return TLS1_3_VERSION;
    Fail(node, key, "'" + v + "' is not TLS10, TLS11, TLS12 or TLS13");
  }

  void ReadTls(const YAML::Node& tls, TlsServerConfig& out) {
    if (!tls.IsMap()) Fail(tls, "tls_server_config", "expected a map of keys");
    YAML::Node cert, key;
    for (const auto& kv : tls) {
      const std::string k = kv.first.Scalar();
      const std::string name = "tls_server_config." + k;
      const YAML::Node& v = kv.second;
      if (k == "cert_file") {
        out.cert_file = File(v, name);
        cert = kv.first;
      } else if (k == "key_file") {
        out.key_file = File(v, name);
        key = kv.first;
      } else if (k == "client_ca_file") {
        out.client_ca_file = File(v, name);
      } else if (k == "client_auth_type") {
        const std::string t = Text(v, name);
        if (t == "NoClientCert") {
          out.client_auth = ClientAuth::kNone;
        } else if (t == "VerifyClientCertIfGiven") {
          out.client_auth = ClientAuth::kVerifyIfGiven;
        } else if (t == "RequireAndVerifyClientCert") {
          out.client_auth = ClientAuth::kRequireAndVerify;
        } else if (t == "RequestClientCert" || t == "RequireAnyClientCert") {
          Fail(v, name, "'" + t + "' accepts certificates nobody verified; dialsoak supports "
                        "NoClientCert, VerifyClientCertIfGiven and RequireAndVerifyClientCert");
        } else {
          Fail(v, name, "'" + t + "' is not NoClientCert, VerifyClientCertIfGiven or "
                        "RequireAndVerifyClientCert");
        }
        client_auth_at_ = v;
      } else if (k == "min_version") {
        out.min_version = Version(v, name);
      } else if (k == "max_version") {
        out.max_version = Version(v, name);
      } else if (Listed(k, kUnsupportedTls)) {
        Fail(kv.first, name, "not supported by dialsoak (use cert_file, key_file, "
                             "client_ca_file, client_auth_type, min_version, max_version)");
      } else {
        Fail(kv.first, name, "unknown key (known: cert_file, key_file, client_ca_file, "
                             "client_auth_type, min_version, max_version)");
      }
    }
    if (out.cert_file.empty() || out.key_file.empty()) {
      Fail(tls, "tls_server_config", "needs both cert_file and key_file");
    }
    if (out.min_version > out.max_version) {
      Fail(tls, "tls_server_config.min_version", "is above max_version");
    }
    if (out.client_auth != ClientAuth::kNone && out.client_ca_file.empty()) {
      Fail(client_auth_at_, "tls_server_config.client_auth_type",
           "verifying client certificates needs client_ca_file");
    }
    CheckLoads(tls, out);
  }

  // Loads the certificate, key and client CA into a context of their own, as the endpoint
  // will: a file that is not PEM, or a key that does not match the certificate, stops the
  // run now.
  void CheckLoads(const YAML::Node& tls, const TlsServerConfig& c) {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()),
                                                           &SSL_CTX_free);
    if (!ctx) Fail(tls, "tls_server_config", "OpenSSL: " + OpenSslError());
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), c.cert_file.c_str()) != 1) {
      Fail(tls["cert_file"], "tls_server_config.cert_file",
           fmt::format("{} is not a PEM certificate: {}", c.cert_file, OpenSslError()));
    }
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), c.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      const std::string why = OpenSslError();
      Fail(tls["key_file"], "tls_server_config.key_file",
           why.find("mismatch") != std::string::npos
               ? fmt::format("{} does not match the certificate in {}: {}", c.key_file,
                             c.cert_file, why)
               : fmt::format("{} is not a PEM private key: {}", c.key_file, why));
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1) {
      Fail(tls["key_file"], "tls_server_config.key_file",
           fmt::format("{} does not match the certificate in {}: {}", c.key_file, c.cert_file,
                       OpenSslError()));
    }
    if (!c.client_ca_file.empty() &&
        SSL_CTX_load_verify_locations(ctx.get(), c.client_ca_file.c_str(), nullptr) != 1) {
      Fail(tls["client_ca_file"], "tls_server_config.client_ca_file",
           fmt::format("{} holds no PEM certificate: {}", c.client_ca_file, OpenSslError()));
    }
  }

  void ReadUsers(const YAML::Node& users, std::vector<std::pair<std::string, std::string>>& out) {
    if (users.IsNull()) return;  // "basic_auth_users:" with nothing: no auth, as the format says
    if (!users.IsMap()) Fail(users, "basic_auth_users", "expected a map of user: bcrypt hash");
    for (const auto& kv : users) {
      const std::string user = kv.first.Scalar();
      const std::string name = "basic_auth_users." + user;
      if (user.empty() || user.find(':') != std::string::npos) {
        Fail(kv.first, name, "a user name must not be empty nor hold ':'");
      }
      // The hash is a secret too: no message quotes it.
      if (!kv.second.IsScalar()) Fail(kv.second, name, "expected a bcrypt hash");
      const std::string hash = kv.second.Scalar();
      const bool bcrypt = hash.starts_with("$2y$") || hash.starts_with("$2b$") ||
                          hash.starts_with("$2a$");
      crypt_data data{};
      if (!bcrypt || crypt_rn("", hash.c_str(), &data, sizeof data) == nullptr) {
        Fail(kv.second, name, "not a bcrypt hash ($2y$..., as htpasswd -nB makes; the password "
                              "itself does not go in this file)");
      }
      out.emplace_back(user, hash);
    }
  }

 private:
  std::string path_;
  YAML::Node client_auth_at_;
};

}  // namespace

io::Result<WebConfig> WebConfig::Load(const std::string& path) {
  WebConfig config;
  config.path_ = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return io::Fail(io::Error{errno, fmt::format("--web-config {}: {}", path, std::strerror(errno))});
  }
  std::stringstream text;
  text << in.rdbuf();
  Reader reader(path);
  try {
    const YAML::Node top = YAML::Load(text.str());
    if (top.IsNull()) return config;  // empty: plain HTTP and no auth, as the format says
    if (!top.IsMap()) reader.Fail(top, "(top)", "expected a map of keys");
    for (const auto& kv : top) {
      const std::string k = kv.first.Scalar();
      if (k == "tls_server_config") {
        reader.ReadTls(kv.second, config.tls_);
        config.tls_enabled_ = true;
      } else if (k == "basic_auth_users") {
        reader.ReadUsers(kv.second, config.users_);
      } else if (Listed(k, kUnsupportedTop)) {
        reader.Fail(kv.first, k, "not supported by dialsoak (use tls_server_config, basic_auth_users)");
      } else {
        reader.Fail(kv.first, k, "unknown key (known: tls_server_config, basic_auth_users)");
      }
    }
  } catch (const Failure& f) {
    return io::Fail(io::Error{EINVAL, f.message});
  } catch (const YAML::Exception& e) {
    return io::Fail(io::Error{EINVAL, fmt::format("{}:{}: YAML syntax error at column {}: {}", path,
                                                  e.mark.line + 1, e.mark.column + 1, e.msg)});
  }
  return config;
}

bool WebConfig::CheckPassword(const std::string& user, const std::string& password) const {
  if (users_.empty()) return false;
  const std::string* hash = &users_.front().second;  // an unknown user: checked all the same
  bool known = false;
  for (const auto& [name, h] : users_) {
    // Compares every name in full, whatever matches.
    const bool same = name.size() == user.size() &&
                      CRYPTO_memcmp(name.data(), user.data(), user.size()) == 0;
    if (same && !known) {
      hash = &h;
      known = true;
    }
  }
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(password.c_str(), hash->c_str(), data.get(), sizeof *data);
  const bool match = out != nullptr && std::strlen(out) == hash->size() &&
                     CRYPTO_memcmp(out, hash->data(), hash->size()) == 0;
  OPENSSL_cleanse(data.get(), sizeof *data);
  return known && match;
}

}  // namespace dialsoak::prometheus_export
