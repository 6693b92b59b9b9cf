#include "dialsoak/report/capacity_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "text.h"
#include "verdict_json.h"

namespace dialsoak::report {
namespace {

using nlohmann::json;
using Rows = std::vector<std::vector<std::string>>;

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Batches shorter than this many mean holds are called out (the analysis aims at 5).
constexpr double kShortBatchHolds = 5;

// A ratio as a percent, finer where blocking is rare: "1.02%", "0.004%", "0%".
std::string Percent(double ratio) {
  if (ratio == 0) return "0%";
  return ratio < 1e-3 ? fmt::format("{:.3f}%", 100 * ratio) : fmt::format("{:.2f}%", 100 * ratio);
}

// A ratio given by the user, as they would write it: "1%", "0.5%".
std::string Target(double ratio) { return fmt::format("{:g}%", 100 * ratio); }

std::string Interval(const CapacityStep& s) {
  return fmt::format("{} [{}, {}]", Percent(s.blocking), Percent(s.blocking_lower),
                     Percent(s.blocking_upper));
}

// Seconds as "0.460 ms" below a second, else "12.345 s"; "n/a" when unset.
std::string Latency(const std::optional<double>& s) {
  if (!s) return "n/a";
  return *s < 1 ? fmt::format("{:.3f} ms", *s * 1e3) : fmt::format("{:.3f} s", *s);
}

std::string Erlangs(double e) { return fmt::format("{:.2f}", e); }

std::string Agrees(const CapacityStep& s) {
  if (s.dialed == 0) return "n/a";
  std::string out = s.agrees ? "yes" : (s.erlang_b < s.blocking_lower ? "NO (above)" : "NO (below)");
  return s.schedule_kept ? out : out + " *";
}

// The worst start lag p99 of the steps that did not keep their schedule.
std::string MaxLag(const std::vector<CapacityStep>& steps) {
  double worst = 0;
  for (const CapacityStep& s : steps) {
    if (!s.schedule_kept && s.start_lag_p99_seconds) worst = std::max(worst, *s.start_lag_p99_seconds);
  }
  return Latency(worst);
}

// How the intervals were made: batch means, and how bursty the blocking was.
std::string IntervalNote(const std::vector<CapacityStep>& steps) {
  int batches = 0;
  double least = 0, most = 0;
  bool any = false;
  for (const CapacityStep& s : steps) {
    if (s.dialed == 0) continue;
    batches = std::max(batches, s.batches);
    least = any ? std::min(least, s.design_effect) : s.design_effect;
    most = any ? std::max(most, s.design_effect) : s.design_effect;
    any = true;
  }
  if (!any) return "";
  const std::string spread = least == most ? fmt::format("{:.2g}", least)
                                           : fmt::format("{:.2g} to {:.2g}", least, most);
  std::string out = fmt::format(
      "interval = Student t over each step's window in up to {} batches of calls (blocked calls "
      "come in bursts: variance {}x the independent calls' one), never narrower than Wilson's\n",
      batches, spread);
  // Batches shorter than a few holds are not independent: say so, with the longest.
  double shortest = 0;
  int short_steps = 0;
  for (const CapacityStep& s : steps) {
    if (s.dialed == 0 || s.batches == 0 || s.mean_hold_seconds <= 0) continue;
    const double holds = s.window_seconds / s.batches / s.mean_hold_seconds;
    if (holds < 0.999 * kShortBatchHolds) {  // not for rounding at exactly 5
      shortest = short_steps == 0 ? holds : std::min(shortest, holds);
      ++short_steps;
    }
  }
  if (short_steps > 0) {
    out += fmt::format("  {} step(s) had batches of only {:.2g} mean holds (fewer than {:g}): "
                       "batches that short are not independent and the interval may be too "
                       "narrow; give the steps longer windows (--max-step, --step-duration)\n",
                       short_steps, shortest, kShortBatchHolds);
  }
  return out;
}

// ", or up to 12.5% of the calls were dropped at origin" for the steps that did not keep
// the schedule; "" when none dropped more than 1%.
std::string MaxDropped(const std::vector<CapacityStep>& steps) {
  double worst = 0;
  for (const CapacityStep& s : steps) {
    const auto arrived = s.dialed + s.dropped_at_origin;
    if (s.schedule_kept || arrived == 0) continue;
    worst =
        std::max(worst, static_cast<double>(s.dropped_at_origin) / static_cast<double>(arrived));
  }
  if (worst <= 0.01) return "";
  return fmt::format(", or up to {} of the calls were dropped at origin (every dialing line busy)",
                     Percent(worst));
}

std::string StepState(const CapacityStep& s) {
  if (s.complete) return "";
  return s.measured_seconds > 0 ? fmt::format(" (partial: {:.1f} of {:.1f} s)", s.measured_seconds,
                                              s.window_seconds)
                                : " (not run)";
}

std::string StepsTable(const std::vector<CapacityStep>& steps, double confidence) {
  Rows rows{{"step", "load E", "calls/s", "offered E", "carried E", "dialed", "blocked",
             fmt::format("blocking [{:g}% interval]", confidence * 100), "Erlang B", "agrees",
             "setup p50", "setup p99", "dropped"}};
  for (const CapacityStep& s : steps) {
    rows.push_back({std::to_string(s.index + 1) + StepState(s), Erlangs(s.planned_erlangs),
                    fmt::format("{:.1f}", s.rate), Erlangs(s.offered_erlangs),
                    Erlangs(s.carried_erlangs), std::to_string(s.dialed), std::to_string(s.blocked),
                    s.dialed ? Interval(s) : "n/a", Percent(s.erlang_b), Agrees(s),
                    Latency(s.dial_p50_seconds), Latency(s.dial_p99_seconds),
                    std::to_string(s.dropped_at_origin)});
  }
  return AlignRows(rows, "lrrrrrrlrlrrr");
}

std::string Answers(const CapacityReport& r) {
  const CapacityAnswers& a = r.answers;
  std::string out = fmt::format("answers for {} blocking (Erlang B, {} ports):\n",
                                Target(a.target_blocking), a.ports);
  out += fmt::format("  {} ports carry {} E at {} by Erlang B", a.ports, Erlangs(a.load_at_target),
                     Target(a.target_blocking));
  if (a.measured_load_at_target) {
    out += fmt::format("; measured, {} is reached at {} E (between steps {} and {})",
                       Target(a.target_blocking), Erlangs(*a.measured_load_at_target),
                       *a.crossing_after_step + 1, *a.crossing_after_step + 2);
  } else {
    out += "; the measured steps do not straddle it";
  }
  out += "\n";
  out += fmt::format("  {} E ({}) needs {} ports for {}\n", Erlangs(a.plan_load),
                     a.plan_load_given ? "--plan-load" : "the highest load measured",
                     a.ports_for_plan_load, Target(a.target_blocking));
  out += fmt::format("  {} of {} complete steps agree with Erlang B for {} ports ({:g}% intervals",
                     a.steps_agreeing, a.steps_complete, a.ports, r.confidence * 100);
  const int outside = a.steps_complete - a.steps_agreeing;
  if (outside > 0) {
    out += fmt::format("; chance alone puts {} or more outside in {:.2g}% of sweeps{}", outside,
                       100 * a.chance_of_disagreements,
                       a.disagrees_beyond_chance ? ": the far end does not behave like that many ports"
                                                 : "");
  }
  out += ")\n";
  if (a.p99_limit_seconds) {
    const std::string limit = Latency(a.p99_limit_seconds);
    if (a.max_sustained_rate) {
      out += fmt::format("  highest call setup rate with setup p99 <= {}: {:.2f} calls/s (step {}",
                         limit, *a.max_sustained_rate, *a.max_sustained_step + 1);
      out += a.first_breach_step
                 ? fmt::format("; step {} went over)\n", *a.first_breach_step + 1)
                 : "; no step went over: offer more load to find the limit)\n";
    } else if (a.first_breach_step) {
      out += fmt::format("  setup p99 was over {} from step {} on: no rate measured was sustained\n",
                         limit, *a.first_breach_step + 1);
    } else {
      out += fmt::format("  setup p99 <= {}: no step connected a call to judge\n", limit);
    }
  }
  return out;
}

json Optional(const std::optional<double>& v) { return v ? FiniteOrNull(*v) : json(nullptr); }
json Optional(const std::optional<int>& v) { return v ? json(*v + 1) : json(nullptr); }  // step

json StepToJson(const CapacityStep& s) {
  return json{{"step", s.index + 1},
              {"complete", s.complete},
              {"planned_erlangs", FiniteOrNull(s.planned_erlangs)},
              {"rate", FiniteOrNull(s.rate)},
              {"warmup_seconds", FiniteOrNull(s.warmup_seconds)},
              {"window_seconds", FiniteOrNull(s.window_seconds)},
              {"measured_seconds", FiniteOrNull(s.measured_seconds)},
              {"dialed", s.dialed},
              {"blocked", s.blocked},
              {"connected", s.connected},
              {"failed", s.failed},
              {"dropped_at_origin", s.dropped_at_origin},
              {"mean_occupancy_seconds", FiniteOrNull(s.mean_occupancy_seconds)},
              {"occupancy_from", s.occupancy_from_far_end ? "far_end" : "dialer"},
              {"offered_erlangs", FiniteOrNull(s.offered_erlangs)},
              {"realized_erlangs", FiniteOrNull(s.realized_erlangs)},
              {"carried_erlangs", FiniteOrNull(s.carried_erlangs)},
              {"blocking", FiniteOrNull(s.blocking)},
              {"blocking_lower", FiniteOrNull(s.blocking_lower)},
              {"blocking_upper", FiniteOrNull(s.blocking_upper)},
              {"batches", s.batches},
              {"design_effect", FiniteOrNull(s.design_effect)},
              {"wilson_lower", FiniteOrNull(s.wilson_lower)},
              {"wilson_upper", FiniteOrNull(s.wilson_upper)},
              {"erlang_b", FiniteOrNull(s.erlang_b)},
              {"agrees", s.agrees},
              {"setup_p50_seconds", Optional(s.dial_p50_seconds)},
              {"setup_p99_seconds", Optional(s.dial_p99_seconds)},
              {"start_lag_p99_seconds", Optional(s.start_lag_p99_seconds)},
              {"schedule_kept", s.schedule_kept}};
}

json AnswersToJson(const CapacityAnswers& a) {
  return json{{"target_blocking", a.target_blocking},
              {"load_at_target", FiniteOrNull(a.load_at_target)},
              {"measured_load_at_target", Optional(a.measured_load_at_target)},
              {"crossing_after_step", Optional(a.crossing_after_step)},
              {"plan_load", FiniteOrNull(a.plan_load)},
              {"plan_load_given", a.plan_load_given},
              {"ports_for_plan_load", a.ports_for_plan_load},
              {"steps_complete", a.steps_complete},
              {"steps_agreeing", a.steps_agreeing},
              {"chance_of_disagreements", FiniteOrNull(a.chance_of_disagreements)},
              {"disagrees_beyond_chance", a.disagrees_beyond_chance},
              {"p99_limit_seconds", Optional(a.p99_limit_seconds)},
              {"max_sustained_rate", Optional(a.max_sustained_rate)},
              {"max_sustained_step", Optional(a.max_sustained_step)},
              {"first_breach_step", Optional(a.first_breach_step)}};
}

}  // namespace

std::string RenderCapacityStep(const CapacityStep& s) {
  return fmt::format("step {}/{}  {} E  {:.1f} calls/s  {} dialed  blocking {}  Erlang B {}  {}  "
                     "setup p99 {}{}\n",
                     s.index + 1, s.steps, Erlangs(s.offered_erlangs), s.rate, s.dialed,
                     s.dialed ? Interval(s) : "n/a", Percent(s.erlang_b),
                     std::string(s.agrees ? "agrees" : "DISAGREES") +
                         (s.schedule_kept ? "" : " (schedule not kept)"),
                     Latency(s.dial_p99_seconds),
                     s.dropped_at_origin ? fmt::format("  {} dropped at origin", s.dropped_at_origin)
                                         : "");
}

std::string RenderCapacity(const CapacityReport& r, int exit_code, std::string_view meaning) {
  const RunInfo& run = r.run;
  int complete = 0;
  for (const CapacityStep& s : r.steps) complete += s.complete ? 1 : 0;
  std::string stop(ToString(r.stop));
  if (!r.stop_message.empty()) stop += ": " + Printable(r.stop_message);
  std::string out = fmt::format("dialsoak {}  capacity {}  backend {}  {} line(s)  started {}\n",
                                run.version.empty() ? "?" : run.version,
                                run.run_id.empty() ? "?" : run.run_id, run.backend, run.lines,
                                Iso8601Utc(run.started));
  out += fmt::format("far end: {}  hold {} (mean {})  {} arrivals\n", r.far_end, r.hold,
                     Latency(r.mean_hold_seconds), r.arrivals);
  out += fmt::format("stopped: {}  ({} of {} steps complete in {:.1f} s)\n\n", stop, complete,
                     r.steps.size(), Seconds(r.elapsed));
  out += StepsTable(r.steps, r.confidence);
  const bool far_end = std::any_of(r.steps.begin(), r.steps.end(),
                                   [](const CapacityStep& s) { return s.occupancy_from_far_end; });
  const auto late = std::count_if(r.steps.begin(), r.steps.end(), [](const CapacityStep& s) {
    return s.dialed > 0 && !s.schedule_kept;
  });
  if (late > 0) {
    out += fmt::format("* {} step(s) did not keep the schedule: dials began up to {} late (start "
                       "lag p99) for a mean hold of {}{}; a machine too busy to keep it clumps the "
                       "calls, which blocks more than Erlang B's Poisson arrivals would\n",
                       late, MaxLag(r.steps), Latency(r.mean_hold_seconds), MaxDropped(r.steps));
  }
  out += fmt::format("offered E = calls/s offered x mean port time per call (the hold's mean + "
                     "set-up and clearing), {}\n",
                     far_end ? "as the far end counted it"
                             : "as the dialer sees it (dial to hang-up confirmed: an upper bound)");
  out += IntervalNote(r.steps);
  out += "\n" + Answers(r);
  if (!r.chart.empty()) out += "chart: " + r.chart + "\n";
  if (!r.run_dir.empty()) out += r.run_dir + "\n";
  out += fmt::format("\nexit code {}: {}\n", exit_code, meaning);
  return out;
}

json CapacityToJson(const CapacityReport& r, int exit_code) {
  json steps = json::array();
  for (const CapacityStep& s : r.steps) steps.push_back(StepToJson(s));
  return json{{"report_format", 1},
              {"tool", "dialsoak"},
              {"kind", "capacity"},
              {"version", r.run.version},
              {"run_id", r.run.run_id},
              {"backend", r.run.backend},
              {"lines", r.run.lines},
              {"started", Iso8601Utc(r.run.started)},
              {"stop", {{"reason", std::string(ToString(r.stop))}, {"message", r.stop_message}}},
              {"elapsed_seconds", Seconds(r.elapsed)},
              {"far_end", r.far_end},
              {"ports", r.ports},
              {"hold", r.hold},
              {"mean_hold_seconds", r.mean_hold_seconds},
              {"arrivals", r.arrivals},
              {"confidence", r.confidence},
              {"steps", steps},
              {"answers", AnswersToJson(r.answers)},
              {"chart", r.chart.empty() ? json(nullptr) : json(r.chart)},
              {"exit_code", exit_code}};
}

void CapacityProgress::OnCapacityStep(const CapacityStep& step) {
  if (!step.complete) return;
  std::fputs(RenderCapacityStep(step).c_str(), out_);
  std::fflush(out_);
}

}  // namespace dialsoak::report
