#include "dialsoak/junit/junit_report.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string_view>
#include <vector>

#include "dialsoak/report/atomic_file.h"
#include "xml_escape.h"

namespace dialsoak::junit {
namespace {

enum class Status { Passed, Failed, Error, Skipped };

struct Case {
  std::string classname;
  std::string name;
  double seconds = 0;
  Status status = Status::Passed;
  std::string type;     // of the failure or error
  std::string message;  // one line: failure/error/skipped message
  std::string details;  // the failure's content, or else the system-out
};

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Plain numbers for people, 6 significant digits and no exponent from a million up to
// 1e15: "0.5", "37", "0.0371", "2048000".
std::string Num(double v) {
  if (std::fabs(v) >= 1e6 && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{:.6g}", v);
}

// "2026-11-28T06:45:12": UTC without a zone suffix, the form the JUnit schemas used by
// Jenkins' xUnit plugin accept (the zone is in the "started" property).
std::string Timestamp(std::chrono::system_clock::time_point t, bool zone) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  const auto tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) tm = std::tm{};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zone ? "Z" : "");
}

std::string LatencyLine(std::string_view what, const report::LatencyStats& l) {
  if (l.count == 0) return fmt::format("{} latency: no samples\n", what);
  return fmt::format(
      "{} latency (s): count {}, p50 {:.3f}, p90 {:.3f}, p99 {:.3f}, p99.9 {:.3f}, "
      "max {:.3f}, mean {:.3f}\n",
      what, l.count, Seconds(l.p50), Seconds(l.p90), Seconds(l.p99), Seconds(l.p999),
      Seconds(l.max), Seconds(l.mean));
}

Case CallsCase(const JUnitInput& in) {
  const report::Summary& s = *in.summary;
  Case c;
  c.classname = "dialsoak.calls";
  c.name = fmt::format("failed calls <= {}%", Num(in.max_failures_percent));
  c.seconds = Seconds(s.elapsed);
  const std::int64_t failed = s.FailedCalls();
  const double percent = s.FailedPercent();
  const std::string headline = fmt::format("{} of {} calls failed ({}%), limit {}%", failed,
                                           s.Calls(), Num(percent), Num(in.max_failures_percent));

  std::string d = headline + "\n";
  d += fmt::format("outcomes:");
  for (int i = 0; i < kCallResultCount; ++i) {
    d += fmt::format(" {} {}", ToString(static_cast<CallResult>(i)),
                     s.outcomes[static_cast<std::size_t>(i)]);
  }
  d += fmt::format("\nhang-ups: {} attempted, {} failed\n", s.hangups, s.hangup_failures);
  if (s.dropped_at_origin > 0) {
    d += fmt::format("dropped at origin: {} (never dialed: every line was busy; failed calls)\n",
                     s.dropped_at_origin);
  }
  d += LatencyLine("dial (connected)", s.dial);
  d += LatencyLine("dial (all results)", s.dial_all);
  d += LatencyLine("hang-up (confirmed)", s.hangup);
  if (s.hangup_failed.count > 0) d += LatencyLine("hang-up (failed)", s.hangup_failed);
  for (const report::FailureDetail& f : s.failures) {
    d += fmt::format("failure: {} x{} \"{}\" (first on line {} cycle {})\n", f.what, f.count,
                     f.detail, f.first_line, f.first_cycle);
  }
  if (s.other_failures > 0) d += fmt::format("other failures: {}\n", s.other_failures);
  d += fmt::format("cycles: {} in {:.3f} s ({} per second)\n", s.cycles, Seconds(s.elapsed),
                   Num(s.cycles_per_second));
  d += fmt::format("stop: {}{}{}\n", ToString(s.stop_reason), s.stop_message.empty() ? "" : ": ",
                   s.stop_message);
  d += fmt::format("exit code {}{}{}\n", in.exit_code, in.exit_meaning.empty() ? "" : ": ",
                   in.exit_meaning);
  c.details = std::move(d);

  if (s.stop_reason == StopReason::Failed) {
    c.status = Status::Error;
    c.type = "setup_failed";
    c.message = s.stop_message.empty() ? "the run failed" : s.stop_message;
  } else if (s.Calls() == 0) {
    c.status = Status::Skipped;
    c.message = "no calls were made";
  } else if (failed > 0 && percent > in.max_failures_percent) {
    c.status = Status::Failed;
    c.type = "calls_failed";
    c.message = headline;
  }
  return c;
}

Case ThresholdCase(const ThresholdCheck& t) {
  Case c;
  c.classname = "dialsoak.thresholds";
  c.name = t.expression;
  c.details = t.message + "\n";
  if (t.has_value) c.details += fmt::format("observed: {} (base unit)\n", Num(t.observed));
  if (!t.passed) {
    c.status = Status::Failed;
    c.type = t.has_value ? "threshold_breached" : "no_value";
    c.message = t.message;
  }
  return c;
}

std::string LeakClassname(std::string_view process) {
  std::string p = process.empty() ? std::string("unnamed") : std::string(process);
  for (char& ch : p) {
    if (ch == '.') ch = '_';
  }
  return "dialsoak.leaks." + p;
}

std::string LeakHeadline(const LeakCheck& l) {
  std::string h =
      fmt::format("{} leak in {}: {} per 1000 cycles ({}% interval {} .. {} per 1000), {} -> {}",
                  l.resource, l.process, Num(l.slope_per_1000_cycles), Num(l.confidence * 100),
                  Num(l.lower_per_cycle * 1000), Num(l.upper_per_cycle * 1000), l.baseline, l.end);
  if (!l.fd_summary.empty()) h += "; " + l.fd_summary;
  return h;
}

std::string LeakDetails(const LeakCheck& l) {
  std::string d;
  if (!l.reason.empty()) d += l.reason + "\n";
  d += fmt::format("verdict: {} (process {}, pid {}, resource {})\n", l.verdict, l.process, l.pid,
                   l.resource);
  if (l.verdict != "insufficient_data") {
    // Resident memory is counted in bytes, handles and threads one by one.
    const std::string_view unit = l.resource == "resident_memory" ? " bytes" : "";
    d += fmt::format("slope: {}{} per cycle, {}{} per 1000 cycles\n", Num(l.slope_per_cycle), unit,
                     Num(l.slope_per_1000_cycles), unit);
    d += fmt::format("{}% interval: {} .. {}{} per cycle; leak threshold {}{} per cycle\n",
                     Num(l.confidence * 100), Num(l.lower_per_cycle), Num(l.upper_per_cycle), unit,
                     Num(l.threshold_per_cycle), unit);
  }
  d += fmt::format("baseline -> end: {} -> {} (growth {})\n", l.baseline, l.end, l.growth);
  d += fmt::format("fit: {} points after {} warm-up cycles, intercept {}\n", l.points_used,
                   l.warmup_cycles, Num(l.intercept));
  if (l.limit) {
    d += fmt::format("limit: {}", *l.limit);
    if (l.cycles_to_limit) d += fmt::format("; reached in {} more cycles", Num(*l.cycles_to_limit));
    if (l.seconds_to_limit) d += fmt::format(" ({} s)", Num(*l.seconds_to_limit));
    if (l.earliest_cycles_to_limit) {
      d += fmt::format("; at the upper bound in {} cycles", Num(*l.earliest_cycles_to_limit));
    }
    if (l.earliest_seconds_to_limit) d += fmt::format(" ({} s)", Num(*l.earliest_seconds_to_limit));
    d += "\n";
  }
  if (!l.fd_summary.empty()) d += "descriptors: " + l.fd_summary + "\n";
  for (const FdKindGrowth& g : l.fd_growth) {
    d += fmt::format("  {}: {} -> {} ({:+})", g.kind, g.baseline, g.end, g.growth);
    if (!g.examples.empty()) d += fmt::format(", e.g. {}", fmt::join(g.examples, ", "));
    d += "\n";
  }
  if (!l.chart.empty()) d += "chart: " + l.chart + "\n";
  return d;
}

Case LeakCase(const LeakCheck& l) {
  Case c;
  c.classname = LeakClassname(l.process);
  c.name = l.resource;
  if (l.incarnation > 0) c.name += fmt::format(" (pid {}, after restart {})", l.pid, l.incarnation);
  c.details = LeakDetails(l);
  if (l.verdict == "leak") {
    c.status = Status::Failed;
    c.type = "leak";
    c.message = LeakHeadline(l);
  } else if (l.verdict == "exhausted" || l.verdict == "inconclusive") {
    // The reason says it: "exhausted: 510 of 512 descriptors ...", "inconclusive: +20 ...".
    c.status = Status::Failed;
    c.type = l.verdict;
    c.message = l.reason;
    if (!l.fd_summary.empty()) c.message += "; " + l.fd_summary;
  } else if (l.verdict == "not_seen") {
    c.status = Status::Failed;
    c.type = "not_seen";
    c.message = l.reason;
  } else if (l.verdict == "insufficient_data") {
    c.status = Status::Skipped;
    c.message = l.reason.empty() ? std::string("insufficient data") : l.reason;
  } else if (l.verdict != "ok") {
    c.status = Status::Error;
    c.type = "unknown_verdict";
    c.message = fmt::format("unknown verdict \"{}\"", l.verdict);
  }
  return c;
}

// One case per restarted process: failed unless restarts are allowed.
std::vector<Case> RestartCases(const JUnitInput& in) {
  std::map<std::string, std::vector<const ProcessRestart*>> by_process;
  for (const ProcessRestart& r : in.summary->restarts) by_process[r.process].push_back(&r);
  std::vector<Case> out;
  for (const auto& [process, restarts] : by_process) {
    Case c;
    c.classname = LeakClassname(process);
    c.name = "restarts";
    for (const ProcessRestart* r : restarts) {
      c.details += fmt::format("pid {} -> {}: last seen after {} cycles, seen again after {}, gone "
                               "for at most {:.3f} s\n",
                               r->old_pid, r->new_pid, r->last_seen_cycles, r->seen_again_cycles,
                               std::chrono::duration<double>(r->seen_again - r->last_seen).count());
    }
    c.message = fmt::format("{} restarted {} time(s) during the run", process, restarts.size());
    if (in.summary->restart_count > static_cast<std::int64_t>(in.summary->restarts.size())) {
      c.message += fmt::format(" (of the first {} restarts listed; {} in all)",
                               in.summary->restarts.size(), in.summary->restart_count);
    }
    if (!in.allow_restarts) {
      c.status = Status::Failed;
      c.type = "restarted";
    }
    out.push_back(std::move(c));
  }
  return out;
}

// GitLab keeps only the first of two tests with the same classname and name.
void MakeNamesUnique(std::vector<Case>& cases) {
  std::map<std::pair<std::string, std::string>, int> seen;
  for (Case& c : cases) {
    const int n = ++seen[{c.classname, c.name}];
    if (n > 1) c.name += fmt::format(" ({})", n);
  }
}

void Property(std::string& out, std::string_view name, std::string_view value) {
  out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", XmlAttr(name), XmlAttr(value));
}

void WriteCase(std::string& out, const Case& c) {
  out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n",
                     XmlAttr(c.classname), XmlAttr(c.name), c.seconds);
  switch (c.status) {
    case Status::Failed:
    case Status::Error:
      out += fmt::format("      <{0} message=\"{1}\" type=\"{2}\">{3}</{0}>\n",
                         c.status == Status::Failed ? "failure" : "error", XmlAttr(c.message),
                         XmlAttr(c.type), XmlText(c.details));
      break;
    case Status::Skipped:
      // Jenkins reads the attribute, GitLab the content.
      out += fmt::format("      <skipped message=\"{}\">{}</skipped>\n", XmlAttr(c.message),
                         XmlText(c.message));
      [[fallthrough]];
    case Status::Passed:
      out += fmt::format("      <system-out>{}</system-out>\n", XmlText(c.details));
      break;
  }
  out += "    </testcase>\n";
}

}  // namespace

std::string RenderJUnit(const JUnitInput& in) {
  if (in.summary == nullptr) {
    std::fputs("dialsoak::junit::RenderJUnit: invariant broken: no summary\n", stderr);
    std::abort();
  }
  const report::Summary& s = *in.summary;

  std::vector<Case> cases;
  cases.push_back(CallsCase(in));
  for (const ThresholdCheck& t : in.thresholds) cases.push_back(ThresholdCase(t));
  for (const LeakCheck& l : in.leaks) cases.push_back(LeakCase(l));
  for (Case& c : RestartCases(in)) cases.push_back(std::move(c));
  MakeNamesUnique(cases);

  Counts n;
  for (const Case& c : cases) {
    ++n.tests;
    n.failures += c.status == Status::Failed;
    n.errors += c.status == Status::Error;
    n.skipped += c.status == Status::Skipped;
  }
  const double elapsed = Seconds(s.elapsed);

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"dialsoak\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"{:.3f}\">\n",
      n.tests, n.failures, n.errors, n.skipped, elapsed);
  out += fmt::format(
      "  <testsuite name=\"dialsoak\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"{:.3f}\" timestamp=\"{}\"",
      n.tests, n.failures, n.errors, n.skipped, elapsed, Timestamp(s.run.started, false));
  if (!in.hostname.empty()) out += fmt::format(" hostname=\"{}\"", XmlAttr(in.hostname));
  out += ">\n    <properties>\n";
  Property(out, "run_id", s.run.run_id);
  Property(out, "version", s.run.version);
  Property(out, "backend", s.run.backend);
  Property(out, "lines", fmt::format("{}", s.run.lines));
  Property(out, "cycles", fmt::format("{}", s.cycles));
  Property(out, "started", Timestamp(s.run.started, true));
  Property(out, "elapsed_seconds", fmt::format("{:.3f}", elapsed));
  Property(out, "stop_reason", ToString(s.stop_reason));
  Property(out, "exit_code", fmt::format("{}", in.exit_code));
  Property(out, "exit_meaning", in.exit_meaning);
  out += "    </properties>\n";
  for (const Case& c : cases) WriteCase(out, c);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

io::Result<void> WriteJUnit(const std::string& path, const JUnitInput& in) {
  return report::WriteFileAtomically(path, RenderJUnit(in));
}

}  // namespace dialsoak::junit
