#include "exit_reason.h"

#include <signal.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>

#include "exit_codes.h"

namespace dialsoak::cli {
namespace {

// The modem's words for a result: "busy" -> "BUSY", "no_carrier" -> "NO CARRIER".
std::string ResultLabel(CallResult r) {
  std::string out(ToString(r));
  for (char& c : out) c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// What the failed calls were: "BUSY 89, NO ANSWER 3, dropped at origin 111".
std::string FailureBreakdown(const report::Summary& s) {
  std::vector<std::string> parts;
  for (int i = 0; i < kCallResultCount; ++i) {
    const auto r = static_cast<CallResult>(i);
    if (r == CallResult::Connect || s.Count(r) == 0) continue;
    parts.push_back(fmt::format("{} {}", ResultLabel(r), s.Count(r)));
  }
  if (s.dropped_at_origin > 0) parts.push_back(fmt::format("dropped at origin {}", s.dropped_at_origin));
  if (s.dropped_during_hold > 0) {
    parts.push_back(fmt::format("dropped during the hold {}", s.dropped_during_hold));
  }
  if (s.hangup_failures > 0) parts.push_back(fmt::format("hang-ups failed {}", s.hangup_failures));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// A leak's slope per cycle in its resource's unit: "+1.00", "+4.1 KiB".
std::string Slope(const LeakCheck& c) {
  const double v = c.slope_per_cycle;
  if (c.resource != "resident_memory") return fmt::format("{:+.2f}", v);
  if (std::fabs(v) >= 1024 * 1024) return fmt::format("{:+.2f} MiB", v / (1024 * 1024));
  if (std::fabs(v) >= 1024) return fmt::format("{:+.2f} KiB", v / 1024);
  return fmt::format("{:+.0f} B", v);
}

std::string More(std::size_t n, std::string_view what) {
  return n == 0 ? "" : fmt::format(" (and {} more {})", n, what);
}

std::string LeakReason(const report::Summary& s) {
  std::vector<const LeakCheck*> leaks;
  for (const LeakCheck& c : s.leaks) {
    if (c.leaking()) leaks.push_back(&c);
  }
  if (leaks.empty()) return ExitMeaning(kLeakDetected);
  const LeakCheck& c = *leaks.front();
  const std::string more = More(leaks.size() - 1, leaks.size() == 2 ? "leak" : "leaks");
  if (c.verdict == "exhausted") {  // "exhausted: 510 of 512 descriptors (...)", to the first ';'
    return fmt::format("{} {} {}{}", c.process, c.resource, c.reason.substr(0, c.reason.find(';')),
                       more);
  }
  return fmt::format("{} {} leak {} per cycle{}", c.process, c.resource, Slope(c), more);
}

// "self handles inconclusive: +20 handles not returned after the settle (16 -> 36)".
std::string InconclusiveReason(const report::Summary& s) {
  std::vector<const LeakCheck*> checks;
  for (const LeakCheck& c : s.leaks) {
    if (c.inconclusive()) checks.push_back(&c);
  }
  if (checks.empty()) return ExitMeaning(kLeakInconclusive);
  const LeakCheck& c = *checks.front();
  return fmt::format("{} {} {}{}", c.process, c.resource, c.reason.substr(0, c.reason.find(';')),
                     More(checks.size() - 1, "inconclusive"));
}

// "no process named leaker.py was seen in 40 samples", or "pppd restarted: pid 812 -> 901
// at cycle 5000 (and 1 more restart)".
std::string WatchReason(const report::Summary& s) {
  for (const LeakCheck& c : s.leaks) {
    if (c.not_seen()) return c.reason.substr(0, c.reason.find(" ("));
  }
  if (s.restarts.empty() || s.restart_count < 1) return ExitMeaning(kWatchFailed);
  const ProcessRestart& r = s.restarts.front();
  return fmt::format("{} restarted: pid {} -> {} at cycle {}{}, not allowed without --allow-restarts",
                     r.process, r.old_pid, r.new_pid, r.seen_again_cycles,
                     More(static_cast<std::size_t>(s.restart_count - 1),
                          s.restart_count == 2 ? "restart" : "restarts"));
}

// "dial_p99 = 1.2 s, limit <= 1 s": the check's message without its verdict.
std::string ThresholdReason(const report::Summary& s) {
  std::vector<const ThresholdCheck*> breached;
  for (const ThresholdCheck& t : s.thresholds) {
    if (!t.passed) breached.push_back(&t);
  }
  if (breached.empty()) return ExitMeaning(kThresholdBreached);
  std::string_view m = breached.front()->message;
  for (std::string_view verdict : {": breached", ": failed"}) {
    if (m.ends_with(verdict)) m.remove_suffix(verdict.size());
  }
  return fmt::format("{}{}", m, More(breached.size() - 1, "breached"));
}

std::string CallsReason(const report::Summary& s, const ExitContext& c) {
  const std::string breakdown = FailureBreakdown(s);
  return fmt::format("{:.2f} % of calls failed{}, over --max-failures {:g} %", s.FailedPercent(),
                     breakdown.empty() ? "" : " (" + breakdown + ")", c.max_failures_percent);
}

}  // namespace

int StopSignalOf(const RunEnd& end) {
  if (end.reason != StopReason::Interrupted) return 0;
  return end.signal != 0 ? end.signal : SIGINT;
}

int FinalExitCode(int verdict_code, const ExitContext& context) {
  int code = verdict_code;
  if (context.write_failed && (code == kOk || code == kCallsFailed)) code = kJournalFailed;
  if (code == kOk && context.stop_signal != 0) code = StopSignalExitCode(context.stop_signal);
  return code;
}

std::string ExitReason(int code, const report::Summary& summary, const ExitContext& context) {
  switch (code) {
    case kCallsFailed:
      return CallsReason(summary, context);
    case kLeakDetected:
      return LeakReason(summary);
    case kLeakInconclusive:
      return InconclusiveReason(summary);
    case kThresholdBreached:
      return ThresholdReason(summary);
    case kWatchFailed:
      return WatchReason(summary);
    case kJournalFailed:
      return context.write_error.empty()
                 ? ExitMeaning(code)
                 : fmt::format("the run directory could not be written: {}", context.write_error);
    default:
      break;
  }
  if (context.stop_signal != 0 && code == StopSignalExitCode(context.stop_signal)) {
    return fmt::format("stopped by {}, no check failed", StopSignalName(context.stop_signal));
  }
  return ExitMeaning(code);
}

void AddExitToJson(nlohmann::json& report, const std::string& reason, int stop_signal) {
  report["exit_reason"] = reason;
  if (stop_signal != 0) report["stop"]["signal"] = StopSignalName(stop_signal);
}

}  // namespace dialsoak::cli
