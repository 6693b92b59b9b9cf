#include "verdict_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "text.h"

namespace dialsoak::report {
namespace {

using Rows = std::vector<std::vector<std::string>>;

bool IsMemory(const LeakCheck& c) { return c.resource == "resident_memory"; }

// A rate per 1000 cycles in the resource's unit: "+1000", "-0.5", "+12.3 KiB".
std::string Per1000(const LeakCheck& c, double per_cycle) {
  const double v = per_cycle * 1000;
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  if (IsMemory(c)) {
    const double a = std::fabs(v);
    if (a >= 1024.0 * 1024) return fmt::format("{:+.1f} MiB", v / (1024.0 * 1024));
    if (a >= 1024.0) return fmt::format("{:+.1f} KiB", v / 1024.0);
    return fmt::format("{:+.0f} B", v);
  }
  if (v == 0) return "0";
  return fmt::format("{:+.{}f}", v, std::fabs(v) >= 100 ? 0 : 2);
}

std::string Count(const LeakCheck& c, std::int64_t n) {
  if (IsMemory(c)) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1024.0 * 1024));
  return std::to_string(n);
}

bool NotJudged(const LeakCheck& c) { return c.reason.starts_with("not judged"); }

std::string Verdict(const LeakCheck& c) {
  if (c.verdict == "leak") return "LEAK";
  if (c.verdict == "exhausted") return "EXHAUSTED";
  if (c.verdict == "inconclusive") return "INCONCLUSIVE";
  if (c.not_seen()) return "NOT SEEN";
  if (NotJudged(c)) return "not judged";
  if (c.verdict == "insufficient_data") return "too few samples";
  return c.verdict;
}

// "13 cycles (about 2 s)", "4.1e+06 cycles (about 3 h)".
std::string CyclesAndTime(double cycles, const std::optional<double>& seconds) {
  std::string out = cycles < 1e6 ? fmt::format("{:.0f} cycles", cycles) : fmt::format("{:.3g} cycles", cycles);
  if (!seconds) return out;
  const double s = *seconds;
  if (s < 120) return out + fmt::format(" (about {:.0f} s)", s);
  if (s < 7200) return out + fmt::format(" (about {:.0f} min)", s / 60);
  if (s < 172800) return out + fmt::format(" (about {:.1f} h)", s / 3600);
  return out + fmt::format(" (about {:.1f} days)", s / 86400);
}

// The process's name; with its pid when it restarted, so that each life reads apart.
std::string Who(const Summary& s, const LeakCheck& c) {
  const bool restarted = std::any_of(s.restarts.begin(), s.restarts.end(),
                                     [&](const ProcessRestart& r) { return r.process == c.process; });
  return restarted ? fmt::format("{} (pid {})", Printable(c.process), c.pid) : Printable(c.process);
}

std::string Details(const Summary& s, const LeakCheck& c) {
  std::string who = fmt::format("  {} {}: ", Who(s, c), c.resource);
  std::string out = who + Printable(c.reason) + '\n';
  const std::string indent(who.size(), ' ');
  if (!c.fd_summary.empty()) {
    out += indent + Printable(c.fd_summary);
    std::string examples;
    for (const FdKindGrowth& g : c.fd_growth) {
      for (const std::string& e : g.examples) {
        // Anonymous inodes all read the same: one example says it.
        if (examples.size() > 60 || examples.find(Printable(e)) != std::string::npos) continue;
        examples += (examples.empty() ? "" : ", ") + Printable(e);
      }
    }
    if (!examples.empty()) out += " (e.g. " + examples + ")";
    out += '\n';
  }
  if (c.limit && c.cycles_to_limit && *c.cycles_to_limit > 0) {  // exhausted: 0, said above
    out += indent + fmt::format("at this rate it reaches its limit of {} in {}", *c.limit,
                                CyclesAndTime(*c.cycles_to_limit, c.seconds_to_limit));
    if (c.earliest_cycles_to_limit && *c.earliest_cycles_to_limit < *c.cycles_to_limit) {
      out += fmt::format(", {} at the earliest",
                         CyclesAndTime(*c.earliest_cycles_to_limit, c.earliest_seconds_to_limit));
    }
    out += '\n';
  }
  if (c.first_suspected_cycle) {
    out += indent + fmt::format("first suspected live after {} cycles\n", *c.first_suspected_cycle);
  }
  if (!c.chart.empty()) out += indent + "chart: " + Printable(c.chart) + '\n';
  return out;
}

}  // namespace

std::string LeakSection(const Summary& s) {
  if (s.leaks.empty()) return "";
  const LeakCheck& first = s.leaks.front();
  std::string out = fmt::format(
      "leak check (Theil-Sen slope of each count against cycles, {:g}% interval, after the "
      "first {} cycles; end re-sampled after the last hang-up):\n",
      first.confidence * 100, first.warmup_cycles);
  Rows rows{{"process", "resource", "verdict", "per 1000 cycles", "interval", "baseline -> end"}};
  for (const LeakCheck& c : s.leaks) {
    const bool judged = c.verdict != "insufficient_data" && !c.inconclusive() && !c.not_seen();
    rows.push_back({Who(s, c), c.resource, Verdict(c),
                    judged ? Per1000(c, c.slope_per_cycle) : "n/a",
                    judged ? fmt::format("[{}, {}]", Per1000(c, c.lower_per_cycle),
                                         Per1000(c, c.upper_per_cycle))
                           : "n/a",
                    c.not_seen() ? "n/a" : Count(c, c.baseline) + " -> " + Count(c, c.end)});
  }
  out += AlignRows(rows, "lllrrr");
  std::string short_of_samples;  // the processes with too few samples, said once each
  std::string not_seen;          // the processes never found, said once each
  for (const LeakCheck& c : s.leaks) {
    if (c.leaking() || c.inconclusive()) out += Details(s, c);
    if (c.not_seen() && not_seen.find(" " + c.process + ":") == std::string::npos) {
      not_seen += fmt::format("  {}: {}\n", Printable(c.process), Printable(c.reason));
    }
    if (NotJudged(c)) out += fmt::format("  {} {}: {}\n", Printable(c.process), c.resource, c.reason);
    if (c.verdict == "insufficient_data" && !NotJudged(c) && short_of_samples.find(" " + c.process + ":") == std::string::npos) {
      short_of_samples += fmt::format("  {}: {}\n", Printable(c.process), Printable(c.reason));
    }
  }
  out += not_seen;
  if (!short_of_samples.empty()) {
    out += short_of_samples +
           "  (too few samples for a slope: run longer, or sample more often with --sample-interval)\n";
  }
  return out;
}

std::string ThresholdSection(const Summary& s) {
  if (s.thresholds.empty()) return "";
  Rows rows;
  for (const ThresholdCheck& t : s.thresholds) {
    rows.push_back({"  " + std::string(t.passed ? "ok" : "BREACHED"), Printable(t.expression),
                    Printable(t.message)});
  }
  return "thresholds:\n" + AlignRows(rows, "lll");
}

}  // namespace dialsoak::report
