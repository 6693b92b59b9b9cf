// The --prometheus-push* flags of dialsoak_bench: where the results of a Google Benchmark
// run are pushed (a Pushgateway URL), under which job, with how long to wait. They are
// taken out of argv before benchmark::Initialize, which rejects flags it does not know.
// Pure functions, no I/O; thread-compatible.
// Errors: a bad flag or value is returned as a message that names the flag and says what
// is expected (the program prints it and exits 1 before running anything).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace dialsoak::gbench {

// The Pushgateway's own default port, used when the URL has none.
inline constexpr std::string_view kDefaultPushPort = "9091";
inline constexpr std::string_view kDefaultPushJob = "dialsoak_bench";
inline constexpr std::chrono::milliseconds kDefaultPushTimeout{10'000};

// A Pushgateway address: host with its scheme ("http://127.0.0.1", "http://[::1]"), port
// apart ("9091", the default).
struct PushEndpoint {
  std::string host;
  std::string port;
};

// Parses "http://HOST[:PORT][/]" (or https). HOST is a name, an IPv4 address or a
// bracketed IPv6 address; PORT defaults to 9091. No user, path, query or fragment; a URL
// with a user or password is refused with a message that does not repeat them.
tl::expected<PushEndpoint, std::string> ParsePushUrl(std::string_view url);

// True for a job name that can stand in the push URL's path unescaped: [A-Za-z0-9_.:-]+.
bool IsValidJobName(std::string_view job);

struct PushOptions {
  std::string url;  // as given, for messages
  PushEndpoint endpoint;
  std::string job{kDefaultPushJob};
  std::chrono::milliseconds timeout{kDefaultPushTimeout};
  std::string ca_file;    // --prometheus-push-ca-file: PEM CAs for https; empty: the system's
  std::string auth_file;  // --prometheus-push-auth-file: one line user:password; empty: the
                          // environment's DIALSOAK_PUSH_USER/_PASSWORD, if set
};

// Takes --prometheus-push URL, --prometheus-push-job NAME, --prometheus-push-timeout
// SECONDS, --prometheus-push-ca-file FILE and --prometheus-push-auth-file FILE (each also
// as --flag=VALUE; the files are named here, read by the caller) out of argv, shifting the rest down and updating
// argc; argv[argc] must exist and is set to nullptr, as in main's argv. Returns nullopt when --prometheus-push is not given (and neither is another).
tl::expected<std::optional<PushOptions>, std::string> TakePushFlags(int& argc, char** argv);

// The help text of these flags, appended to Google Benchmark's --help.
std::string_view PushFlagsHelp();

}  // namespace dialsoak::gbench
