#include "dialsoak/report/summary_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

#include "text.h"
#include "verdict_text.h"

namespace dialsoak::report {
namespace {

using Rows = std::vector<std::vector<std::string>>;

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

std::string Header(const Summary& s) {
  const RunInfo& r = s.run;
  std::string out =
      fmt::format("dialsoak {}  run {}  backend {}  {} line(s)  started {}\n",
                  r.version.empty() ? "?" : r.version, r.run_id.empty() ? "?" : r.run_id,
                  r.backend.empty() ? "?" : r.backend, r.lines, Iso8601Utc(r.started));
  std::string target;
  if (r.cycles_per_line) target = fmt::format("{} x {} cycles", r.lines, *r.cycles_per_line);
  if (r.duration) {
    if (!target.empty()) target += " or ";
    target += FormatHms(*r.duration);
  }
  std::string stop = s.ended ? std::string(ToString(s.stop_reason)) : "still running";
  if (s.stop_signal == SIGINT) stop += " by SIGINT";
  if (s.stop_signal == SIGTERM) stop += " by SIGTERM";
  if (s.stop_signal != 0 && s.stop_signal != SIGINT && s.stop_signal != SIGTERM) {
    stop += fmt::format(" by signal {}", s.stop_signal);
  }
  if (!s.stop_message.empty()) stop += ": " + Printable(s.stop_message);
  out += fmt::format("stopped: {}{}\n", stop, target.empty() ? "" : "  (target " + target + ")");
  out += fmt::format("cycles:  {} in {:.3f} s = {:.1f} cycles/s\n", s.cycles, Seconds(s.elapsed),
                     s.cycles_per_second);
  return out;
}

std::string Outcomes(const Summary& s) {
  Rows rows{{"outcome", "count", "share"}};
  for (int i = 0; i < kCallResultCount; ++i) {
    auto r = static_cast<CallResult>(i);
    double share = s.cycles > 0
                       ? 100.0 * static_cast<double>(s.Count(r)) / static_cast<double>(s.cycles)
                       : 0.0;
    rows.push_back({OutcomeLabel(r), std::to_string(s.Count(r)), fmt::format("{:.2f}%", share)});
  }
  return AlignRows(rows, "lrr");
}

std::string Hangups(const Summary& s) {
  std::string methods;
  for (int i = 0; i < kHangupMethodCount; ++i) {
    auto m = static_cast<HangupMethod>(i);
    if (s.Count(m) == 0) continue;
    methods += fmt::format("{}{} {}", methods.empty() ? "" : ", ", ToString(m), s.Count(m));
  }
  return fmt::format("hang-ups: {} attempted, {} failed{}\n", s.hangups, s.hangup_failures,
                     methods.empty() ? "" : "; methods: " + methods);
}

// Open loop only: calls never dialled because every line was busy; empty when there were none.
std::string DroppedAtOrigin(const Summary& s) {
  if (s.dropped_at_origin <= 0) return {};
  const std::int64_t arrivals = s.cycles + s.dropped_at_origin;
  const double share =
      100.0 * static_cast<double>(s.dropped_at_origin) / static_cast<double>(arrivals);
  return fmt::format("dropped at origin: {} ({:.2f}% of arrivals)\n", s.dropped_at_origin, share);
}

// Calls the far end dropped while held, and lines reopened after losing their device;
// empty when there were none.
std::string DroppedOrReopened(const Summary& s) {
  std::string out;
  if (s.dropped_during_hold > 0) {
    out += fmt::format(
        "dropped during the hold: {} (the call ended by itself: NO CARRIER, a "
        "device lost)\n",
        s.dropped_during_hold);
  }
  if (s.reopens > 0)
    out += fmt::format("lines reopened after losing their device: {}\n", s.reopens);
  if (s.noisy_dials > 0) {
    out += fmt::format("line noise: {} dial(s) heard {} byte(s) that were no response\n",
                       s.noisy_dials, s.noise_bytes);
  }
  return out;
}

// Connected calls by connect rate (share of the connected calls at each), the median and
// p10, and the modulations; empty when no connected call said a rate or a modulation.
std::string ConnectRates(const Summary& s) {
  std::int64_t connected = s.connect_rate_other + s.connect_rate_unknown;
  for (const auto& [rate, n] : s.connect_rates) connected += n;
  const std::int64_t unknown_modulation = s.modulations[kModulationLabelCount - 1];
  if (connected == 0 || (s.connect_rates.empty() && unknown_modulation == connected)) return {};
  auto share = [connected](std::int64_t n) {
    return fmt::format("{:.2f}%", 100.0 * static_cast<double>(n) / static_cast<double>(connected));
  };
  Rows rows{{"connect rate (bit/s)", "calls", "share"}};
  for (auto it = s.connect_rates.rbegin(); it != s.connect_rates.rend(); ++it) {
    rows.push_back({std::to_string(it->first), std::to_string(it->second), share(it->second)});
  }
  if (s.connect_rate_other > 0) {
    rows.push_back({"other rates", std::to_string(s.connect_rate_other), share(s.connect_rate_other)});
  }
  if (s.connect_rate_unknown > 0) {
    rows.push_back({"no rate said", std::to_string(s.connect_rate_unknown),
                    share(s.connect_rate_unknown)});
  }
  std::string out = AlignRows(rows, "lrr");
  if (auto median = s.ConnectRate(0.5)) {
    out += fmt::format("connect rate: median {} bit/s, p10 {} bit/s, min {} bit/s\n", *median,
                       *s.ConnectRate(0.1), s.connect_rates.begin()->first);
  }
  std::string modulations;
  for (std::size_t i = 0; i < kModulationLabelCount; ++i) {
    if (s.modulations[i] == 0) continue;
    modulations += fmt::format("{}{} {}", modulations.empty() ? "" : ", ", kModulationLabels[i],
                               s.modulations[i]);
  }
  if (!modulations.empty()) out += "modulation: " + modulations + "\n";
  return out;
}

std::vector<std::string> LatencyRow(std::string name, const LatencyStats& l) {
  if (l.count == 0) {
    return {std::move(name), "0", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"};
  }
  return {std::move(name),  std::to_string(l.count), FormatMs(l.min),
          FormatMs(l.p50),  FormatMs(l.p90),         FormatMs(l.p99),
          FormatMs(l.p999), FormatMs(l.p9999),       FormatMs(l.max)};
}

// Connected dials (call setup time) apart from the rest, so a deadline's or a silent
// modem's dials show in their own rows instead of in the connected calls' tail; likewise
// confirmed hang-ups apart from failed ones.
std::string Latencies(const Summary& s) {
  Rows rows{{"latency (ms)", "count", "min", "p50", "p90", "p99", "p99.9", "p99.99", "max"}};
  rows.push_back(LatencyRow("dial, connected", s.dial));
  if (s.dial_all.count != s.dial.count) {
    for (int i = 0; i < kCallResultCount; ++i) {
      const auto r = static_cast<CallResult>(i);
      const LatencyStats& l = s.dial_by_result[static_cast<std::size_t>(i)];
      if (r == CallResult::Connect || l.count == 0) continue;
      rows.push_back(LatencyRow("dial, " + OutcomeLabel(r), l));
    }
    rows.push_back(LatencyRow("dial, all", s.dial_all));
  }
  rows.push_back(LatencyRow("hang-up, confirmed", s.hangup));
  if (s.hangup_after_failed_dial.count > 0) {
    rows.push_back(LatencyRow("hang-up, after failed dial", s.hangup_after_failed_dial));
  }
  if (s.hangup_failed.count > 0) rows.push_back(LatencyRow("hang-up, failed", s.hangup_failed));
  rows.push_back(LatencyRow("start lag", s.start_lag));
  return AlignRows(rows, "lrrrrrrrr") +
         "(percentiles from histograms, within 0.1 % of the exact values)\n";
}

std::string Resource(const ProcessSummary& p, std::int64_t ResourceCounts::*field,
                     bool mib = false) {
  auto show = [&](const std::optional<ResourceCounts>& c) -> std::string {
    if (!c) return "n/a";
    std::int64_t v = (*c).*field;
    return mib ? fmt::format("{:.1f}", static_cast<double>(v) / (1024.0 * 1024.0))
               : std::to_string(v);
  };
  std::string star = p.baseline && !p.baseline_was_sampled ? "*" : "";
  return fmt::format("{}{} -> {} (max {})", show(p.baseline), star, show(p.end), show(p.max));
}

std::string State(const ProcessSummary& p) {
  std::string state = p.restarted      ? "restarted"
                      : p.alive_at_end ? (p.vanished ? "vanished, back" : "alive")
                                       : (p.vanished ? "vanished" : "not found");
  if (p.failed_samples > 0) state += fmt::format(", {} failed probe(s)", p.failed_samples);
  return state;
}

// One line per restart: when, the pids, how long the process was gone at most.
std::string Restarts(const Summary& s) {
  constexpr std::size_t kShown = 10;
  std::string out;
  for (std::size_t i = 0; i < s.restarts.size() && i < kShown; ++i) {
    const ProcessRestart& r = s.restarts[i];
    const double gone = std::chrono::duration<double>(r.seen_again - r.last_seen).count();
    const double at = std::chrono::duration<double>(r.seen_again - s.run.start).count();
    out += fmt::format(
        "restart: {} pid {} -> {} at {:.3f} s (cycle {}), gone for at most {:.3f} s\n",
        Printable(r.process), r.old_pid, r.new_pid, at, r.seen_again_cycles, gone);
  }
  const auto shown = static_cast<std::int64_t>(std::min(s.restarts.size(), kShown));
  if (s.restart_count > shown) {
    out += fmt::format("restarts: {} more ({} in all; the report lists the first {})\n",
                       s.restart_count - shown, s.restart_count, s.restarts.size());
  }
  return out;
}

std::string Processes(const Summary& s) {
  if (s.processes.empty()) return "processes: none watched\n";
  Rows rows{{"process", "pid", "handles", "threads", "resident MiB", "state"}};
  bool stand_in = false;
  for (const auto& p : s.processes) {
    rows.push_back({Printable(p.process), std::to_string(p.pid),
                    Resource(p, &ResourceCounts::handles), Resource(p, &ResourceCounts::threads),
                    Resource(p, &ResourceCounts::resident_bytes, true), State(p)});
    stand_in = stand_in || (p.baseline && !p.baseline_was_sampled);
  }
  std::string out = AlignRows(rows, "lrrrrl");
  if (stand_in) out += "* no baseline sample: the first sample stands in\n";
  return out + Restarts(s);
}

std::string Failures(const Summary& s) {
  if (s.failures.empty()) return "";
  std::string out =
      fmt::format("failures (first {} distinct{}):\n", s.failures.size(),
                  s.other_failures > 0 ? fmt::format("; {} more not shown", s.other_failures) : "");
  Rows rows;
  for (const auto& f : s.failures) {
    std::string what = f.what == "hangup"    ? "hang-up failed"
                       : f.what == "dropped" ? "dropped while held"
                                             : Shout(f.what);
    rows.push_back({"  " + what, fmt::format("{}x", f.count),
                    fmt::format("first line {} cycle {}:", f.first_line, f.first_cycle),
                    f.detail.empty() ? "(no detail)" : Printable(f.detail)});
  }
  return out + AlignRows(rows, "lrl");
}

}  // namespace

std::string RenderSummary(const Summary& s, int exit_code, std::string_view exit_meaning) {
  std::string out = Header(s);
  out += '\n';
  out += Outcomes(s);
  out += Hangups(s);
  out += DroppedAtOrigin(s);
  out += DroppedOrReopened(s);
  if (std::string rates = ConnectRates(s); !rates.empty()) out += '\n' + rates;
  out += '\n';
  out += Latencies(s);
  out += '\n';
  out += Processes(s);
  std::string failures = Failures(s);
  if (!failures.empty()) out += '\n' + failures;
  for (const std::string& section : {LeakSection(s), ThresholdSection(s)}) {
    if (!section.empty()) out += '\n' + section;
  }
  out += '\n';
  for (const std::string& note : s.notes) out += Printable(note) + '\n';
  if (!s.notes.empty()) out += '\n';
  out += fmt::format("exit code {}{}\n", exit_code,
                     exit_meaning.empty() ? "" : ": " + std::string(exit_meaning));
  return out;
}

}  // namespace dialsoak::report
