#include "dialsoak/analysis/thresholds.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>

namespace dialsoak::analysis {
namespace {

// What a metric measures, which decides its units and how its values are shown.
enum class Kind { Ratio, Duration, Rate, Count, PerThousand, Memory, BitRate };

struct MetricDef {
  std::string_view name;
  Kind kind;
};

constexpr std::array<MetricDef, 34> kMetrics = {{
    {"success_ratio", Kind::Ratio},       {"failure_ratio", Kind::Ratio},
    {"dial_p50", Kind::Duration},         {"dial_p90", Kind::Duration},
    {"dial_p99", Kind::Duration},         {"dial_p99_9", Kind::Duration},
    {"dial_max", Kind::Duration},         {"dial_mean", Kind::Duration},
    {"hangup_p50", Kind::Duration},       {"hangup_p90", Kind::Duration},
    {"hangup_p99", Kind::Duration},       {"hangup_p99_9", Kind::Duration},
    {"hangup_max", Kind::Duration},       {"hangup_mean", Kind::Duration},
    {"dial_p99_99", Kind::Duration},      {"hangup_p99_99", Kind::Duration},
    {"dial_all_p50", Kind::Duration},     {"dial_all_p90", Kind::Duration},
    {"dial_all_p99", Kind::Duration},     {"dial_all_p99_9", Kind::Duration},
    {"dial_all_p99_99", Kind::Duration},  {"dial_all_max", Kind::Duration},
    {"dial_all_mean", Kind::Duration},    {"hangup_all_p99", Kind::Duration},
    {"hangup_all_max", Kind::Duration},   {"hangup_all_mean", Kind::Duration},
    {"cycles_per_second", Kind::Rate},    {"cycles", Kind::Count},
    {"leak_per_1000", Kind::PerThousand}, {"threads_per_1000", Kind::PerThousand},
    {"memory_per_1000", Kind::Memory},
    {"connect_rate_p10", Kind::BitRate},  {"connect_rate_p50", Kind::BitRate},
    {"connect_rate_min", Kind::BitRate},
}};

constexpr std::array<std::string_view, kMetrics.size()> kMetricNames = [] {
  std::array<std::string_view, kMetrics.size()> names{};
  for (std::size_t i = 0; i < kMetrics.size(); ++i) names[i] = kMetrics[i].name;
  return names;
}();

std::optional<Kind> KindOf(std::string_view metric) {
  for (const MetricDef& m : kMetrics) {
    if (m.name == metric) return m.kind;
  }
  return std::nullopt;
}

struct Unit {
  std::string_view name;  // "" for a bare number
  double scale;           // base units per one of this unit
};

std::span<const Unit> UnitsOf(Kind kind) {
  static constexpr Unit kRatio[] = {{"", 1}, {"%", 0.01}};
  static constexpr Unit kDuration[] = {{"", 1},   {"us", 1e-6}, {"ms", 1e-3},
                                        {"s", 1},  {"m", 60},    {"h", 3600}};
  static constexpr Unit kMemory[] = {{"", 1}, {"B", 1}, {"KiB", 1024}, {"MiB", 1024 * 1024}};
  static constexpr Unit kBare[] = {{"", 1}};
  switch (kind) {
    case Kind::Ratio:
      return kRatio;
    case Kind::Duration:
      return kDuration;
    case Kind::Memory:
      return kMemory;
    case Kind::Rate:
    case Kind::Count:
    case Kind::PerThousand:
    case Kind::BitRate:
      return kBare;
  }
  return kBare;
}

// What a metric's limit may be written as, for error messages.
std::string_view UnitsAllowed(Kind kind) {
  switch (kind) {
    case Kind::Ratio:
      return "a ratio takes a bare number in 0..1 or a percent (99%)";
    case Kind::Duration:
      return "a duration takes us, ms, s, m or h (a bare number is seconds)";
    case Kind::Memory:
      return "memory takes B, KiB or MiB (a bare number is bytes)";
    case Kind::Rate:
    case Kind::Count:
    case Kind::PerThousand:
      return "it takes a bare number, no unit";
    case Kind::BitRate:
      return "it takes a bare number of bit/s, no unit";
  }
  return "";
}

std::string MetricList() { return fmt::format("{}", fmt::join(kMetricNames, ", ")); }

constexpr std::string_view kOperators = "<, <=, > or >=";
constexpr std::string_view kForm =
    "write METRIC OP NUMBER[UNIT], e.g. dial_p99<=30s or success_ratio>=99%";

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) {
  return IsDigit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// "e6", "E-3": what follows a number written with an exponent.
bool IsExponent(std::string_view unit) {
  return unit.size() >= 2 && (unit[0] == 'e' || unit[0] == 'E') &&
         (IsDigit(unit[1]) || unit[1] == '-' || unit[1] == '+');
}

void SkipSpaces(std::string_view& s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
}

// The leading run of characters that pass keep, removed from s.
template <typename Pred>
std::string_view TakeWhile(std::string_view& s, Pred keep) {
  std::size_t n = 0;
  while (n < s.size() && keep(s[n])) ++n;
  std::string_view head = s.substr(0, n);
  s.remove_prefix(n);
  return head;
}

// Shortest plain decimal of v with about 6 significant digits: "0.412", "30", "12345".
std::string FormatNumber(double v) {
  if (v == 0) return "0";
  if (std::fabs(v) >= 1e15 || std::fabs(v) < 1e-9) return fmt::format("{:g}", v);
  if (v == std::floor(v)) return fmt::format("{:.0f}", v);
  int decimals = 5 - static_cast<int>(std::floor(std::log10(std::fabs(v))));
  decimals = std::clamp(decimals, 0, 9);
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// v (base unit) in the unit the limit was written in: "412 ms", "99.2%", "0.412 s".
std::string FormatIn(double v, Kind kind, std::string_view unit) {
  for (const Unit& u : UnitsOf(kind)) {
    if (u.name != unit) continue;
    std::string n = FormatNumber(v / u.scale);
    if (unit == "%") return n + "%";
    if (!unit.empty()) return fmt::format("{} {}", n, unit);
    break;
  }
  switch (kind) {
    case Kind::Duration:
      return FormatNumber(v) + " s";
    case Kind::Memory:
      return FormatNumber(v) + " B";
    case Kind::BitRate:
      return FormatNumber(v) + " bit/s";
    default:
      return FormatNumber(v);
  }
}

bool AboutEqual(double a, double b) {
  return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

bool Holds(double observed, Threshold::Op op, double limit) {
  switch (op) {
    case Threshold::Op::Lt:
      return observed < limit && !AboutEqual(observed, limit);
    case Threshold::Op::Le:
      return observed <= limit || AboutEqual(observed, limit);
    case Threshold::Op::Gt:
      return observed > limit && !AboutEqual(observed, limit);
    case Threshold::Op::Ge:
      return observed >= limit || AboutEqual(observed, limit);
  }
  return false;
}

// A metric's value, or why it has none.
struct Observed {
  std::optional<double> value;
  std::string why_none;
};

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

Observed Latency(const report::LatencyStats& l, std::string_view stat, std::string_view none) {
  if (l.count == 0) return {std::nullopt, std::string(none)};
  if (stat == "p50") return {Seconds(l.p50), ""};
  if (stat == "p90") return {Seconds(l.p90), ""};
  if (stat == "p99") return {Seconds(l.p99), ""};
  if (stat == "p99_9") return {Seconds(l.p999), ""};
  if (stat == "p99_99") return {Seconds(l.p9999), ""};
  if (stat == "max") return {Seconds(l.max), ""};
  return {Seconds(l.mean), ""};  // "mean": the metric table admits nothing else
}

Observed LargestSlope(std::span<const LeakCheck> leaks, std::string_view resource) {
  std::optional<double> largest;
  bool any = false;
  for (const LeakCheck& c : leaks) {
    if (c.resource != resource) continue;
    any = true;
    if (c.verdict == "insufficient_data" || c.inconclusive() || c.not_seen()) continue;  // no slope
    largest = largest ? std::max(*largest, c.slope_per_1000_cycles) : c.slope_per_1000_cycles;
  }
  if (largest) return {largest, ""};
  if (any)
    return {std::nullopt, fmt::format("every {} leak check had insufficient data", resource)};
  return {std::nullopt, fmt::format("no {} leak check was made", resource)};
}

Observed Measure(std::string_view metric, const report::Summary& s,
                 std::span<const LeakCheck> leaks) {
  const auto cycles = static_cast<double>(s.cycles);
  if (metric == "success_ratio" || metric == "failure_ratio") {
    // Over the calls asked for: an open-loop arrival dropped at origin (every line busy,
    // never dialed) is a call that did not connect.
    if (s.Calls() == 0) return {std::nullopt, "no call was made"};
    const auto calls = static_cast<double>(s.Calls());
    const std::int64_t connects = s.Count(CallResult::Connect);
    if (metric == "success_ratio") return {static_cast<double>(connects) / calls, ""};
    return {static_cast<double>(s.FailedCalls()) / calls, ""};
  }
  if (metric.starts_with("dial_all_")) {
    return Latency(s.dial_all, metric.substr(9), "no dial was made");
  }
  if (metric.starts_with("dial_")) {
    return Latency(s.dial, metric.substr(5), "no dial connected");
  }
  if (metric.starts_with("hangup_all_")) {
    return Latency(s.hangup_all, metric.substr(11), "no call needed a hang-up");
  }
  if (metric.starts_with("hangup_")) {
    return Latency(s.hangup, metric.substr(7), "no hang-up was confirmed");
  }
  if (metric == "cycles_per_second") {
    if (s.elapsed <= std::chrono::nanoseconds::zero()) {
      return {std::nullopt, "the run's elapsed time is zero"};
    }
    return {s.cycles_per_second, ""};  // cycles / elapsed, as the report shows it
  }
  if (metric.starts_with("connect_rate_")) {
    const auto rate = s.ConnectRate(metric == "connect_rate_p10"   ? 0.1
                                    : metric == "connect_rate_p50" ? 0.5
                                                                   : 0.0);  // min
    if (!rate) return {std::nullopt, "no connected call's modem said its rate"};
    return {static_cast<double>(*rate), ""};
  }
  if (metric == "cycles") return {cycles, ""};
  if (metric == "leak_per_1000") return LargestSlope(leaks, "handles");
  if (metric == "threads_per_1000") return LargestSlope(leaks, "threads");
  return LargestSlope(leaks, "resident_memory");  // memory_per_1000
}

// Each step of the parse takes its part off the front of s; a failure is what is wrong,
// without the expression (ParseThreshold names it).
using Step = tl::unexpected<std::string>;

tl::expected<Threshold::Op, std::string> TakeOperator(std::string_view& s,
                                                      std::string_view metric) {
  SkipSpaces(s);
  Threshold::Op op{};
  if (s.starts_with("<=")) {
    op = Threshold::Op::Le;
  } else if (s.starts_with(">=")) {
    op = Threshold::Op::Ge;
  } else if (s.starts_with("<")) {
    op = Threshold::Op::Lt;
  } else if (s.starts_with(">")) {
    op = Threshold::Op::Gt;
  } else {
    const std::string_view bad = TakeWhile(s, [](char c) { return !IsSpace(c) && !IsDigit(c); });
    if (bad.empty()) return Step(fmt::format("no operator after {}; use {}", metric, kOperators));
    return Step(fmt::format("\"{}\" is not an operator; use {}", bad, kOperators));
  }
  s.remove_prefix(OpSymbol(op).size());
  if (!s.empty() && (s.front() == '=' || s.front() == '<' || s.front() == '>')) {
    const std::string_view more =
        TakeWhile(s, [](char c) { return c == '=' || c == '<' || c == '>' || c == '!'; });
    return Step(fmt::format("\"{}{}\" is not an operator; use {}", OpSymbol(op), more, kOperators));
  }
  return op;
}

struct Limit {
  double value = 0;          // as written, before the unit's scale
  std::string_view unit;     // as written
  std::string_view written;  // number and unit, for messages
};

// NUMBER [spaces] [UNIT], the unit not yet checked against the metric.
tl::expected<Limit, std::string> TakeLimit(std::string_view& s, Threshold::Op op) {
  SkipSpaces(s);
  if (s.empty()) return Step(fmt::format("no limit after {}; {}", OpSymbol(op), kForm));
  if (s.front() == '-') {
    return Step(fmt::format("negative limit \"{}\": no limit is below zero", s));
  }
  if (s.front() == '+') return Step(fmt::format("\"{}\": write the limit without a sign", s));
  const std::string_view number = TakeWhile(s, [](char c) { return IsDigit(c) || c == '.'; });
  SkipSpaces(s);
  Limit l;
  l.unit = TakeWhile(s, [](char c) { return !IsSpace(c); });
  l.written = std::string_view(
      number.data(), static_cast<std::size_t>(l.unit.data() + l.unit.size() - number.data()));
  const bool plain = !number.empty() && IsDigit(number.back()) &&
                     std::count(number.begin(), number.end(), '.') <= 1 &&
                     (l.unit.empty() || !(IsDigit(l.unit.front()) || l.unit.front() == ',' ||
                                          l.unit.front() == '.' || IsExponent(l.unit)));
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), l.value);
  if (!plain || ec == std::errc::invalid_argument || end != number.data() + number.size()) {
    return Step(
        fmt::format("\"{}\" is not a number: write digits, optionally a point and more "
                    "digits, then the unit (no exponent, inf or nan)",
                    l.written));
  }
  if (ec == std::errc::result_out_of_range) return Step(fmt::format("{} is out of range", number));
  return l;
}

}  // namespace

std::string_view OpSymbol(Threshold::Op op) {
  switch (op) {
    case Threshold::Op::Lt:
      return "<";
    case Threshold::Op::Le:
      return "<=";
    case Threshold::Op::Gt:
      return ">";
    case Threshold::Op::Ge:
      return ">=";
  }
  return "?";
}

std::span<const std::string_view> ThresholdMetricNames() { return kMetricNames; }

tl::expected<Threshold, std::string> ParseThreshold(std::string_view expression) {
  auto bad = [&](std::string_view what) {
    return tl::unexpected<std::string>(fmt::format("threshold \"{}\": {}", expression, what));
  };
  std::string_view s = expression;
  SkipSpaces(s);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  if (s.empty()) return bad(fmt::format("empty; {}; metrics: {}", kForm, MetricList()));

  const std::string_view metric = TakeWhile(s, IsNameChar);
  if (metric.empty()) {
    return bad(
        fmt::format("no metric name before \"{}\"; {}; metrics: {}", s, kForm, MetricList()));
  }
  const std::optional<Kind> kind = KindOf(metric);
  if (!kind) return bad(fmt::format("unknown metric \"{}\"; metrics: {}", metric, MetricList()));
  const auto op = TakeOperator(s, metric);
  if (!op) return bad(op.error());
  const auto limit = TakeLimit(s, *op);
  if (!limit) return bad(limit.error());

  const Unit* unit = nullptr;
  for (const Unit& u : UnitsOf(*kind)) {
    if (u.name == limit->unit) unit = &u;
  }
  if (unit == nullptr) {
    return bad(
        fmt::format("unknown unit \"{}\" for {}: {}", limit->unit, metric, UnitsAllowed(*kind)));
  }
  SkipSpaces(s);
  if (!s.empty())
    return bad(fmt::format("unexpected \"{}\" after the limit {}", s, limit->written));

  Threshold t;
  t.expression = std::string(expression);
  t.metric = std::string(metric);
  t.op = *op;
  t.unit = std::string(limit->unit);
  t.limit = limit->value * unit->scale;
  if (!std::isfinite(t.limit)) return bad(fmt::format("{} is out of range", limit->written));
  if (*kind == Kind::Ratio && t.limit > 1) {
    return bad(fmt::format("{} is a ratio, so its limit is 0..1 or 0%..100%, not {}", metric,
                           limit->written));
  }
  return t;
}

std::vector<ThresholdCheck> CheckThresholds(std::span<const Threshold> thresholds,
                                            const report::Summary& summary,
                                            std::span<const LeakCheck> leaks) {
  std::vector<ThresholdCheck> checks;
  checks.reserve(thresholds.size());
  for (const Threshold& t : thresholds) {
    ThresholdCheck c;
    c.expression = t.expression;
    c.metric = t.metric;
    const Kind kind = KindOf(t.metric).value_or(Kind::Count);
    const std::string limit =
        fmt::format("limit {} {}", OpSymbol(t.op), FormatIn(t.limit, kind, t.unit));
    const Observed o = KindOf(t.metric) ? Measure(t.metric, summary, leaks)
                                        : Observed{std::nullopt, "unknown metric"};
    if (o.value) {
      c.has_value = true;
      c.observed = *o.value;
      c.passed = Holds(c.observed, t.op, t.limit);
      c.message = fmt::format("{} = {}, {}: {}", t.metric, FormatIn(c.observed, kind, t.unit),
                              limit, c.passed ? "ok" : "breached");
    } else {
      c.message = fmt::format("{} has no value ({}), {}: failed", t.metric, o.why_none, limit);
    }
    checks.push_back(std::move(c));
  }
  return checks;
}

}  // namespace dialsoak::analysis
