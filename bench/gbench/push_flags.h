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
// bracketed IPv6 address; PORT defaults to 9091. No user, path, query or fragment.
tl::expected<PushEndpoint, std::string> ParsePushUrl(std::string_view url);

// True for a job name that can stand in the push URL's path unescaped: [A-Za-z0-9_.:-]+.
bool IsValidJobName(std::string_view job);

struct PushOptions {
  std::string url;  // as given, for messages
  PushEndpoint endpoint;
  std::string job{kDefaultPushJob};
  std::chrono::milliseconds timeout{kDefaultPushTimeout};
};

// Takes --prometheus-push URL, --prometheus-push-job NAME and --prometheus-push-timeout
// SECONDS (each also as --flag=VALUE) out of argv, shifting the rest down and updating
// argc; argv[argc] must exist and is set to nullptr, as in main's argv. Returns nullopt when --prometheus-push is not given (and neither is another).
tl::expected<std::optional<PushOptions>, std::string> TakePushFlags(int& argc, char** argv);

// The help text of these flags, appended to Google Benchmark's --help.
std::string_view PushFlagsHelp();

}  // namespace dialsoak::gbench
