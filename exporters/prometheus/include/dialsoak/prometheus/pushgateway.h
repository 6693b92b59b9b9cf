// Pushing a registry to a Prometheus Pushgateway, for batch runs that nobody scrapes.
//
// PushgatewayUrl checks a target and builds its grouping URL. MetricsPusher pushes the
// registry every interval from its own thread, and once more at the end (Finish), retried.
// A gateway that is down is a warning in the log, never an error of the run: the soak
// goes on and its JSON report has every result.
//
// Why not prometheus-cpp's Gateway: in Debian's 1.0.1 it sets no timeout (a gateway that
// accepts but never answers would hang the end of a soak for minutes) and puts label
// values into the URL unescaped. Here each push is one libcurl PUT with a deadline, and a
// value that is not URL-safe goes base64url-encoded (the gateway's `name@base64` form).
// Gateway also has no option for the CA a https gateway's certificate is checked against.
//
// A protected gateway (its --web.config.file with tls_server_config and basic_auth_users):
// https with PushSecurity's CA file, and basic auth whose credentials come from a file or
// the environment (LoadPushCredentials), never from the URL or a command-line argument,
// which every user of the machine can read in /proc. No message of this file holds a
// password: libcurl gets it through CURLOPT_PASSWORD, never in a URL.
#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "dialsoak/io/error.h"

namespace dialsoak::prometheus_export {

struct PushTarget {
  std::string url;  // the gateway: "http://127.0.0.1:9091" (a path prefix is kept)
  std::string job = "dialsoak";
  // Grouping labels after the job, in order, e.g. {{"instance", "bank1"}}.
  std::vector<std::pair<std::string, std::string>> labels;
};

// How pushes reach a protected gateway: TLS checked against a CA file, HTTP basic auth.
struct PushSecurity {
  std::string ca_file;   // PEM CA certificates for https; empty: the system's CAs
  std::string user;      // basic auth when not empty
  std::string password;
};

// Basic-auth credentials for pushes, and where they came from (for messages).
struct PushCredentials {
  std::string user;      // empty: none given
  std::string password;
  std::string source;    // "the file F" or "the environment (DIALSOAK_PUSH_USER)"
  std::string warning;   // the file is readable by group or others; empty: nothing to say
};

inline constexpr const char* kPushUserEnv = "DIALSOAK_PUSH_USER";
inline constexpr const char* kPushPasswordEnv = "DIALSOAK_PUSH_PASSWORD";

// From `auth_file` when one is given: one line `user:password` (split at the first ':',
// a user name has none; a final newline is allowed, nothing after it). Otherwise from the
// environment variables DIALSOAK_PUSH_USER and DIALSOAK_PUSH_PASSWORD (both or neither).
// Neither: an empty user. Errors name the file or variable, never its content.
io::Result<PushCredentials> LoadPushCredentials(const std::string& auth_file);

// A CA file that can be read and holds a PEM certificate; the error says why not.
io::Result<void> CheckCaFile(const std::string& path);

// True when the URL holds credentials ("https://user:pass@host"): refused, see above.
bool UrlHasUserInfo(const std::string& url);

// "http://127.0.0.1:9091/metrics/job/dialsoak/instance/bank1", or an error naming what is
// wrong: a URL that is not http(s)://HOST[:PORT][/PATH] or that holds a user name or
// password (the message does not repeat it), an empty job, a label name that is not a
// Prometheus label name, `job` or a repeated name among the labels.
io::Result<std::string> PushgatewayUrl(const PushTarget& target);

// This host's name (gethostname), the default `instance` grouping label of a push; empty
// when it cannot be had.
std::string HostName();

// The text exposition of everything in `registry`, as a scrape would see it.
std::string Exposition(prometheus::Registry& registry);

// One HTTP PUT of `body` to `url` (replacing the group's metrics), bounded by `timeout`,
// over https checked against `security.ca_file` and with its basic auth when given.
// An error says what failed: connection, TLS (a certificate that could not be verified
// names the CA file it was checked against), timeout (then its code is ETIMEDOUT), or the
// gateway's status and answer (401: the user or password was refused).
io::Result<void> PushOnce(const std::string& url, const std::string& body,
                          std::chrono::milliseconds timeout, const PushSecurity& security = {});

class MetricsPusher {
 public:
  struct Options {
    std::chrono::nanoseconds interval = std::chrono::seconds(15);
    std::chrono::milliseconds timeout{5000};     // per push
    int final_attempts = 3;                      // Finish() tries this often
    std::chrono::milliseconds retry_wait{1000};  // between final attempts, doubling
    PushSecurity security;                       // CA file, basic auth
  };

  // Checks the target (errors as PushgatewayUrl) and starts pushing every interval.
  static io::Result<std::unique_ptr<MetricsPusher>> Start(
      const PushTarget& target, std::shared_ptr<prometheus::Registry> registry, Options options);
  ~MetricsPusher();  // stops the periodic pushes (without a final one)

  // Stops the periodic pushes and pushes the final values, retrying. False when every
  // attempt failed (each failure is logged as a warning). Call once.
  bool Finish();

  const std::string& url() const { return url_; }
  int pushes_ok() const { return ok_; }
  int pushes_failed() const { return failed_; }

 private:
  MetricsPusher(std::string url, std::shared_ptr<prometheus::Registry> registry, Options options);
  void Loop();
  bool PushNow(bool final_push);
  void StopThread();

  std::string url_;
  std::shared_ptr<prometheus::Registry> registry_;
  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool failing_ = false;  // the last push failed: warn once, then on recovery
  int ok_ = 0;
  int failed_ = 0;
  std::thread thread_;
};

}  // namespace dialsoak::prometheus_export
