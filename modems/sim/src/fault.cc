// Fault injection's configuration: the text form of --fault, its canonical form, and the
// checks Start makes (see dialsoak/sim/fault.h).
#include "dialsoak/sim/fault.h"

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

namespace dialsoak::sim {
namespace {

using std::chrono::nanoseconds;

constexpr std::string_view kForm = "KIND[:PROBABILITY][@PORT,...][/KNOB=VALUE...]";
constexpr std::string_view kKinds =
    "noise, truncate, silent, dribble, carrier_loss, vanish, ring_flood, reset, blacklist";
constexpr int kMaxPort = 4095;
constexpr nanoseconds kMaxGap = std::chrono::seconds(10);

struct IntRange {
  int min, max;
};
constexpr IntRange kNoiseBytes{2, 1024}, kTruncateKeep{0, 256}, kRingCount{1, 1000},
    kBlacklistAttempts{1, 100};

// What each kind takes, as the error messages say it.
std::string_view KnobsOf(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNoise:
      return "bytes=N (2..1024, default 8), at=before|inside (default before)";
    case FaultKind::kTruncate:
      return "keep=N (bytes of the result's text kept, 0..256, default 4)";
    case FaultKind::kSilent:
      return "no knobs";
    case FaultKind::kDribble:
      return "gap=DUR (between bytes, above 0 and at most 10s, default 50ms)";
    case FaultKind::kCarrierLoss:
      return "after=DIST (from CONNECT to NO CARRIER, default 1s)";
    case FaultKind::kVanish:
      return "after=DIST (from the dial, default 0), down=DUR (how long gone, above 0, "
             "default 2s)";
    case FaultKind::kRingFlood:
      return "count=N (1..1000, default 10), interval=DUR (at most 10s, default 20ms)";
    case FaultKind::kReset:
      return "time=DUR (how long commands are ignored, above 0, default 2s)";
    case FaultKind::kBlacklist:
      return "attempts=N (failed calls to a number before BLACKLISTED, 1..100, default 3), "
             "period=DUR (above 0, default 60s), delay=DUR (DELAYED after a failed call, "
             "default 5s)";
  }
  return "no knobs";
}

bool ParseInt(std::string_view text, int& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

bool ParseProbability(std::string_view text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc() && ptr == end && std::isfinite(out) && out >= 0 &&
         out <= 1;
}

bool InRange(int v, IntRange r) { return v >= r.min && v <= r.max; }

std::string FormatNumber(double v) {
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : std::to_string(v);
}

// Sets one knob of `fault` from "NAME=VALUE"; false when the kind has no such knob or the
// value is out of its range.
bool SetKnob(Fault& f, std::string_view name, std::string_view value) {
  auto duration = [&](nanoseconds& out, bool zero_ok) {
    auto d = ParseDuration(value);
    if (!d || (!zero_ok && d->count() == 0)) return false;
    out = *d;
    return true;
  };
  auto distribution = [&](Distribution& out) {
    auto d = Distribution::Parse(value);
    if (!d) return false;
    out = *d;
    return true;
  };
  switch (f.kind) {
    case FaultKind::kNoise:
      if (name == "bytes")
        return ParseInt(value, f.noise_bytes) && InRange(f.noise_bytes, kNoiseBytes);
      if (name == "at" && (value == "before" || value == "inside")) {
        f.noise_at = value == "before" ? NoisePlace::kBefore : NoisePlace::kInside;
        return true;
      }
      return false;
    case FaultKind::kTruncate:
      return name == "keep" && ParseInt(value, f.truncate_keep) &&
             InRange(f.truncate_keep, kTruncateKeep);
    case FaultKind::kSilent:
      return false;
    case FaultKind::kDribble:
      return name == "gap" && duration(f.dribble_gap, false) && f.dribble_gap <= kMaxGap;
    case FaultKind::kCarrierLoss:
      return name == "after" && distribution(f.carrier_after);
    case FaultKind::kVanish:
      if (name == "after") return distribution(f.vanish_after);
      return name == "down" && duration(f.vanish_down, false);
    case FaultKind::kRingFlood:
      if (name == "count")
        return ParseInt(value, f.ring_count) && InRange(f.ring_count, kRingCount);
      return name == "interval" && duration(f.ring_interval, true) && f.ring_interval <= kMaxGap;
    case FaultKind::kReset:
      return name == "time" && duration(f.reset_time, false);
    case FaultKind::kBlacklist:
      if (name == "attempts")
        return ParseInt(value, f.blacklist_attempts) &&
               InRange(f.blacklist_attempts, kBlacklistAttempts);
      if (name == "period") return duration(f.blacklist_period, false);
      return name == "delay" && duration(f.blacklist_delay, true);
  }
  return false;
}

std::string KnobText(const Fault& f) {
  switch (f.kind) {
    case FaultKind::kNoise:
      return "/bytes=" + std::to_string(f.noise_bytes) +
             (f.noise_at == NoisePlace::kBefore ? "/at=before" : "/at=inside");
    case FaultKind::kTruncate:
      return "/keep=" + std::to_string(f.truncate_keep);
    case FaultKind::kSilent:
      return "";
    case FaultKind::kDribble:
      return "/gap=" + FormatDuration(f.dribble_gap);
    case FaultKind::kCarrierLoss:
      return "/after=" + f.carrier_after.ToString();
    case FaultKind::kVanish:
      return "/after=" + f.vanish_after.ToString() + "/down=" + FormatDuration(f.vanish_down);
    case FaultKind::kRingFlood:
      return "/count=" + std::to_string(f.ring_count) +
             "/interval=" + FormatDuration(f.ring_interval);
    case FaultKind::kReset:
      return "/time=" + FormatDuration(f.reset_time);
    case FaultKind::kBlacklist:
      return "/attempts=" + std::to_string(f.blacklist_attempts) +
             "/period=" + FormatDuration(f.blacklist_period) +
             "/delay=" + FormatDuration(f.blacklist_delay);
  }
  return "";
}

// The counter of a kind, const or not.
template <typename Counts>
auto& Field(Counts& c, FaultKind kind) {
  switch (kind) {
    case FaultKind::kNoise:
      return c.noise;
    case FaultKind::kTruncate:
      return c.truncate;
    case FaultKind::kSilent:
      return c.silent;
    case FaultKind::kDribble:
      return c.dribble;
    case FaultKind::kCarrierLoss:
      return c.carrier_loss;
    case FaultKind::kVanish:
      return c.vanish;
    case FaultKind::kRingFlood:
      return c.ring_flood;
    case FaultKind::kReset:
      return c.reset;
    case FaultKind::kBlacklist:
      return c.blacklist;
  }
  return c.noise;
}

}  // namespace

std::string_view ToString(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNoise:
      return "noise";
    case FaultKind::kTruncate:
      return "truncate";
    case FaultKind::kSilent:
      return "silent";
    case FaultKind::kDribble:
      return "dribble";
    case FaultKind::kCarrierLoss:
      return "carrier_loss";
    case FaultKind::kVanish:
      return "vanish";
    case FaultKind::kRingFlood:
      return "ring_flood";
    case FaultKind::kReset:
      return "reset";
    case FaultKind::kBlacklist:
      return "blacklist";
  }
  return "noise";
}

std::optional<FaultKind> ParseFaultKind(std::string_view text) {
  for (FaultKind k : kFaultKinds) {
    if (text == ToString(k)) return k;
  }
  return std::nullopt;
}

bool Fault::Targets(int port) const {
  if (ports.empty()) return true;
  for (int p : ports) {
    if (p == port) return true;
  }
  return false;
}

std::string Fault::ToString() const {
  std::string text = std::string(sim::ToString(kind)) + ":" + FormatNumber(probability);
  for (std::size_t i = 0; i < ports.size(); ++i) {
    text += (i == 0 ? "@" : ",") + std::to_string(ports[i]);
  }
  return text + KnobText(*this);
}

std::string FaultConfig::ToString() const {
  if (!enabled()) return "off";
  std::string text;
  for (const Fault& f : faults) text += (text.empty() ? "" : " ") + f.ToString();
  return text;
}

tl::expected<Fault, std::string> ParseFault(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  auto bad = [&](const std::string& why) {
    return tl::unexpected("bad fault " + quoted + ": " + why);
  };
  const auto slash = text.find('/');
  std::string_view head = text.substr(0, slash);
  const auto at = head.find('@');
  std::string_view ports = at == std::string_view::npos ? std::string_view() : head.substr(at + 1);
  head = head.substr(0, at);
  const auto colon = head.find(':');
  const std::string_view kind = head.substr(0, colon);

  Fault f;
  auto k = ParseFaultKind(kind);
  if (!k) {
    return bad("expected " + std::string(kForm) + " with KIND one of " + std::string(kKinds));
  }
  f.kind = *k;
  if (colon != std::string_view::npos && !ParseProbability(head.substr(colon + 1), f.probability)) {
    return bad("PROBABILITY must be a number within 0..1, got '" +
               std::string(head.substr(colon + 1)) + "'");
  }
  if (at != std::string_view::npos) {
    for (;;) {
      const auto comma = ports.find(',');
      const std::string_view one = ports.substr(0, comma);
      int port = 0;
      if (!ParseInt(one, port) || port < 0 || port > kMaxPort) {
        return bad("PORT must be a dialing port's index (0.." + std::to_string(kMaxPort) +
                   "), got '" + std::string(one) + "'");
      }
      f.ports.push_back(port);
      if (comma == std::string_view::npos) break;
      ports.remove_prefix(comma + 1);
    }
  }
  std::string_view knobs =
      slash == std::string_view::npos ? std::string_view() : text.substr(slash);
  while (!knobs.empty()) {
    knobs.remove_prefix(1);  // the '/'
    const std::string_view knob = knobs.substr(0, knobs.find('/'));
    knobs.remove_prefix(knob.size());
    const auto eq = knob.find('=');
    if (eq == std::string_view::npos || !SetKnob(f, knob.substr(0, eq), knob.substr(eq + 1))) {
      return bad("bad knob '" + std::string(knob) + "': " + std::string(sim::ToString(f.kind)) +
                 " takes " + std::string(KnobsOf(f.kind)));
    }
  }
  return f;
}

tl::expected<FaultConfig, std::string> ParseFaultConfig(std::string_view text) {
  FaultConfig config;
  if (text == "off") return config;
  while (!text.empty()) {
    const auto start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const std::string_view one = text.substr(0, text.find_first_of(" \t"));
    text.remove_prefix(one.size());
    auto fault = ParseFault(one);
    if (!fault) return tl::unexpected(fault.error());
    config.faults.push_back(std::move(*fault));
  }
  return config;
}

std::optional<std::string> CheckFaultConfig(const FaultConfig& config, int ports,
                                            bool has_link_dir) {
  for (std::size_t i = 0; i < config.faults.size(); ++i) {
    const Fault& f = config.faults[i];
    const std::string name =
        "faults[" + std::to_string(i) + "] (" + std::string(ToString(f.kind)) + "): ";
    if (!std::isfinite(f.probability) || f.probability < 0 || f.probability > 1) {
      return name + "probability must be within 0..1 (got " + FormatNumber(f.probability) + ")";
    }
    for (int p : f.ports) {
      if (p < 0 || p >= ports) {
        return name + "port " + std::to_string(p) + " is not a dialing port (there are " +
               std::to_string(ports) + ": 0.." + std::to_string(ports - 1) + ")";
      }
    }
    const bool knobs_ok =
        InRange(f.noise_bytes, kNoiseBytes) && InRange(f.truncate_keep, kTruncateKeep) &&
        f.dribble_gap > nanoseconds::zero() && f.dribble_gap <= kMaxGap &&
        f.vanish_down > nanoseconds::zero() && InRange(f.ring_count, kRingCount) &&
        f.ring_interval >= nanoseconds::zero() && f.ring_interval <= kMaxGap &&
        f.reset_time > nanoseconds::zero() &&
        InRange(f.blacklist_attempts, kBlacklistAttempts) &&
        f.blacklist_period > nanoseconds::zero() && f.blacklist_delay >= nanoseconds::zero();
    if (!knobs_ok) return name + "a knob is out of range: " + std::string(KnobsOf(f.kind));
    if (f.kind == FaultKind::kBlacklist && f.probability != 1) {
      return name + "the blacklist is a rule, not a draw: its probability must be 1 (got " +
             FormatNumber(f.probability) + ")";
    }
    if (f.kind == FaultKind::kVanish && !has_link_dir) {
      return name +
             "needs link_dir: a dialer reopens a vanished port at its link (DIR/modemN), "
             "since the pty that comes back has a new /dev/pts name";
    }
  }
  return std::nullopt;
}

std::uint64_t& FaultCounts::operator[](FaultKind kind) { return Field(*this, kind); }

std::uint64_t FaultCounts::operator[](FaultKind kind) const { return Field(*this, kind); }

std::uint64_t FaultCounts::total() const {
  std::uint64_t sum = 0;
  for (FaultKind k : kFaultKinds) sum += (*this)[k];
  return sum;
}

}  // namespace dialsoak::sim
