#include "push_flags.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace dialsoak::gbench {
namespace {

constexpr std::string_view kPushFlag = "--prometheus-push";
constexpr std::string_view kJobFlag = "--prometheus-push-job";
constexpr std::string_view kTimeoutFlag = "--prometheus-push-timeout";
constexpr std::string_view kCaFileFlag = "--prometheus-push-ca-file";
constexpr std::string_view kAuthFileFlag = "--prometheus-push-auth-file";
// A push that takes longer than an hour is not a push.
constexpr double kMaxTimeoutSeconds = 3600;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

bool IsV6Char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
}

tl::expected<std::string, std::string> ParsePort(std::string_view port, std::string_view url) {
  int value = 0;
  const auto* end = port.data() + port.size();
  const auto [ptr, ec] = std::from_chars(port.data(), end, value);
  if (port.empty() || ec != std::errc{} || ptr != end || value < 1 || value > 65535) {
    return tl::unexpected("the port '" + std::string(port) + "' of '" + std::string(url) +
                          "' is not a number from 1 to 65535");
  }
  return std::string(port);
}

// Splits "host[:port]" or "[v6][:port]" and checks both parts.
tl::expected<PushEndpoint, std::string> ParseAuthority(std::string_view scheme,
                                                       std::string_view authority,
                                                       std::string_view url) {
  std::string_view host;
  std::string_view rest;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return tl::unexpected("'" + std::string(url) + "' opens an IPv6 address with '[' but "
                            "does not close it with ']'");
    }
    host = authority.substr(0, close + 1);
    rest = authority.substr(close + 1);
    const auto inside = host.substr(1, host.size() - 2);
    if (inside.empty() || !std::all_of(inside.begin(), inside.end(), IsV6Char)) {
      return tl::unexpected("'" + std::string(host) + "' in '" + std::string(url) +
                            "' is not an IPv6 address");
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
    if (host.empty()) return tl::unexpected("'" + std::string(url) + "' names no host");
    if (!std::all_of(host.begin(), host.end(), IsHostChar)) {
      return tl::unexpected("the host '" + std::string(host) + "' of '" + std::string(url) +
                            "' is not a host name or an IP address");
    }
  }
  std::string port(kDefaultPushPort);
  if (!rest.empty()) {
    if (rest.front() != ':') {
      return tl::unexpected("'" + std::string(url) + "' has '" + std::string(rest) +
                            "' after the host, expected ':PORT'");
    }
    auto parsed = ParsePort(rest.substr(1), url);
    if (!parsed) return tl::unexpected(parsed.error());
    port = std::move(*parsed);
  }
  return PushEndpoint{std::string(scheme) + "://" + std::string(host), std::move(port)};
}

// Reads FLAG's value: from "FLAG=VALUE" or from the next argument. nullopt: not FLAG.
struct FlagMatch {
  std::string value;
  int consumed = 1;  // arguments used: 1 (FLAG=VALUE) or 2 (FLAG VALUE)
};
tl::expected<std::optional<FlagMatch>, std::string> MatchFlag(std::string_view flag, int i,
                                                              int argc, char** argv) {
  const std::string_view arg = argv[i];
  if (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=') {
    return FlagMatch{std::string(arg.substr(flag.size() + 1)), 1};
  }
  if (arg != flag) return std::nullopt;
  if (i + 1 >= argc) return tl::unexpected(std::string(flag) + " needs a value");
  return FlagMatch{argv[i + 1], 2};
}

tl::expected<std::chrono::milliseconds, std::string> ParseTimeout(const std::string& text) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(seconds) ||
      seconds <= 0 || seconds > kMaxTimeoutSeconds) {
    return tl::unexpected(std::string(kTimeoutFlag) + " '" + text +
                          "' is not a number of seconds above 0 and at most 3600");
  }
  return std::chrono::milliseconds(std::max<long long>(1, std::llround(seconds * 1000)));
}

}  // namespace

tl::expected<PushEndpoint, std::string> ParsePushUrl(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) {
    return tl::unexpected("'" + std::string(url) +
                          "' is not a Pushgateway URL: expected http://HOST:PORT, for example "
                          "http://127.0.0.1:9091");
  }
  const std::string scheme = Lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") {
    return tl::unexpected("'" + std::string(url) + "' uses the scheme '" +
                          std::string(url.substr(0, sep)) + "': expected http or https");
  }
  std::string_view authority = url.substr(sep + 3);
  const auto path_at = authority.find_first_of("/?#");
  // Before any message that quotes the URL: it would quote the password.
  if (authority.substr(0, path_at).find('@') != std::string_view::npos) {
    return tl::unexpected(std::string(
        "a user name or password in the push URL is refused (every user of the machine can "
        "read a command line): give them in --prometheus-push-auth-file FILE (one line "
        "user:password) or the environment variables DIALSOAK_PUSH_USER and "
        "DIALSOAK_PUSH_PASSWORD"));
  }
  if (path_at != std::string_view::npos) {
    if (authority.substr(path_at) != "/") {
      return tl::unexpected("'" + std::string(url) + "' has a path, query or fragment ('" +
                            std::string(authority.substr(path_at)) +
                            "'): give only http://HOST:PORT; the job goes in "
                            "--prometheus-push-job");
    }
    authority = authority.substr(0, path_at);
  }
  return ParseAuthority(scheme, authority, url);
}

bool IsValidJobName(std::string_view job) {
  return !job.empty() && std::all_of(job.begin(), job.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' ||
           c == ':' || c == '-';
  });
}

tl::expected<std::optional<PushOptions>, std::string> TakePushFlags(int& argc, char** argv) {
  std::array<std::optional<std::string>, 5> given;  // push, job, timeout, CA file, auth file
  const std::array<std::string_view, 5> flags = {kPushFlag, kJobFlag, kTimeoutFlag, kCaFileFlag,
                                                 kAuthFileFlag};
  std::vector<char*> kept;
  for (int i = 0; i < argc; ++i) {
    bool taken = false;
    for (std::size_t f = 0; i > 0 && f < flags.size() && !taken; ++f) {
      auto match = MatchFlag(flags[f], i, argc, argv);
      if (!match) return tl::unexpected(match.error());
      if (!*match) continue;
      if (given[f]) return tl::unexpected(std::string(flags[f]) + " is given twice");
      given[f] = std::move((*match)->value);
      i += (*match)->consumed - 1;
      taken = true;
    }
    if (!taken) kept.push_back(argv[i]);
  }
  for (std::size_t i = 0; i < kept.size(); ++i) argv[i] = kept[i];
  argc = static_cast<int>(kept.size());
  argv[argc] = nullptr;  // as main's argv ends; the array had room, kept.size() <= argc

  if (!given[0]) {
    for (std::size_t f = 1; f < flags.size(); ++f) {
      if (given[f]) {
        return tl::unexpected(std::string(flags[f]) + " needs " + std::string(kPushFlag) +
                              " URL");
      }
    }
    return std::nullopt;
  }
  PushOptions options;
  options.url = *given[0];
  auto endpoint = ParsePushUrl(options.url);
  if (!endpoint) return tl::unexpected(std::string(kPushFlag) + ": " + endpoint.error());
  options.endpoint = std::move(*endpoint);
  if (given[1]) {
    if (!IsValidJobName(*given[1])) {
      return tl::unexpected(std::string(kJobFlag) + " '" + *given[1] +
                            "' is not a job name: use letters, digits and _ . : -");
    }
    options.job = *given[1];
  }
  if (given[2]) {
    auto timeout = ParseTimeout(*given[2]);
    if (!timeout) return tl::unexpected(timeout.error());
    options.timeout = *timeout;
  }
  if (given[3]) {
    if (given[3]->empty()) return tl::unexpected(std::string(kCaFileFlag) + " needs a file name");
    if (!options.endpoint.host.starts_with("https://")) {
      return tl::unexpected(std::string(kCaFileFlag) + ": the push URL " + options.url +
                            " is not https://, so there is no certificate to check");
    }
    options.ca_file = *given[3];
  }
  if (given[4]) {
    if (given[4]->empty()) return tl::unexpected(std::string(kAuthFileFlag) + " needs a file name");
    options.auth_file = *given[4];
  }
  return options;
}

std::string_view PushFlagsHelp() {
  return R"(
dialsoak_bench also pushes the results to a Prometheus Pushgateway when asked:
  [--prometheus-push=<http://HOST:PORT>]   push every benchmark's results after the run
                                           (port 9091 when none is given)
  [--prometheus-push-job=<name>]           the job label (default dialsoak_bench); the
                                           instance label is this host's name
  [--prometheus-push-timeout=<seconds>]    how long the push may take (default 10)
  [--prometheus-push-ca-file=<file>]       check a https gateway's certificate against
                                           the CA certificates (PEM) in the file
  [--prometheus-push-auth-file=<file>]     basic auth: one line user:password (chmod 600);
                                           without it DIALSOAK_PUSH_USER and
                                           DIALSOAK_PUSH_PASSWORD, if set. Never a password
                                           in the URL: argv is readable by every user
Exit codes: 0 done (and pushed), 1 a bad flag, 3 the push failed (results printed).
)";
}

}  // namespace dialsoak::gbench
