#include "telemetry.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "exit_codes.h"

namespace dialsoak::cli {
namespace {

// The settings' push target; without an `instance` grouping label, the host's name, so
// that agents on several hosts push to groups of their own.
prometheus_export::PushTarget PushTargetOf(const RunSettings& s) {
  prometheus_export::PushTarget target{s.push_url, s.push_job, s.push_labels};
  const bool has_instance = std::any_of(s.push_labels.begin(), s.push_labels.end(),
                                        [](const auto& l) { return l.first == "instance"; });
  if (!has_instance) {
    std::string host = prometheus_export::HostName();
    target.labels.insert(target.labels.begin(), {"instance", host.empty() ? "unknown" : host});
  }
  return target;
}

}  // namespace

tl::expected<Telemetry, TelemetryError> StartTelemetry(const RunSettings& s) {
  Telemetry t;
  if (!s.web_config.empty() && s.listen.empty()) {
    return tl::unexpected(TelemetryError{kUsage, "--web-config " + s.web_config + " needs --listen"});
  }
  if (s.listen.empty() && s.push_url.empty()) return t;
  t.registry = std::make_shared<prometheus::Registry>();
  t.metrics = std::make_unique<prometheus_export::MetricsSink>(
      t.registry, DIALSOAK_VERSION,
      prometheus_export::MetricsSink::Options{.per_line = s.per_line_metrics});
  if (!s.listen.empty()) {
    // TLS and basic auth: a file, certificate or key that cannot be read stops the run here.
    std::optional<prometheus_export::WebConfig> web;
    if (!s.web_config.empty()) {
      auto loaded = prometheus_export::WebConfig::Load(s.web_config);
      if (!loaded) return tl::unexpected(TelemetryError{kUsage, loaded.error().message});
      web = std::move(*loaded);
    }
    auto started = prometheus_export::MetricsEndpoint::Start(s.listen, t.registry,
                                                             web ? &*web : nullptr);
    if (!started) return tl::unexpected(TelemetryError{kSetupFailed, started.error().message});
    t.endpoint = std::move(*started);
    fmt::print(stderr, "dialsoak: metrics on {}\n", t.endpoint->url());
  }
  if (!s.push_url.empty()) {
    prometheus_export::MetricsPusher::Options options;
    options.interval = s.push_interval;
    // ValidateSettings read the file already; it may have changed since.
    auto credentials = prometheus_export::LoadPushCredentials(s.push_auth_file);
    if (!credentials) {
      return tl::unexpected(TelemetryError{kUsage, "--push-auth-file: " + credentials.error().message});
    }
    if (!credentials->warning.empty()) spdlog::warn("{}", credentials->warning);
    options.security = {s.push_ca_file, credentials->user, credentials->password};
    auto started = prometheus_export::MetricsPusher::Start(PushTargetOf(s), t.registry, options);
    if (!started) return tl::unexpected(TelemetryError{kUsage, "--push: " + started.error().message});
    t.pusher = std::move(*started);
    if (!credentials->user.empty() && s.push_url.starts_with("http://")) {
      spdlog::warn("push: basic auth over plain http: the password crosses the network "
                   "readable by anyone on the way; use https:// (and --push-ca-file)");
    }
    fmt::print(stderr, "dialsoak: pushing metrics to {}{}\n", t.pusher->url(),
               credentials->user.empty()
                   ? std::string()
                   : fmt::format(" as user {} (basic auth from {})", credentials->user,
                                 credentials->source));
  }
  return t;
}

std::string NewRunId() {
  auto now = std::chrono::system_clock::now();
  std::random_device rd;
  return fmt::format("{:%Y%m%dT%H%M%S}-{:04x}", fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     rd() & 0xffff);
}

}  // namespace dialsoak::cli
