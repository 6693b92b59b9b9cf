// The report of a capacity sweep (`dialsoak capacity`): its steps against Erlang B and the
// planner's answers, as a terminal table, one progress line per finished step, and a JSON
// document. Records in, text out: the steps and answers are computed in bench/analysis.
//
// The JSON shape (report_format 1, "kind": "capacity"):
//
//   { "report_format": 1, "tool": "dialsoak", "kind": "capacity", "version": "0.1.0",
//     "run_id": "...", "backend": "sim", "lines": 32, "started": "2026-...Z",
//     "stop": { "reason": "completed", "message": "" }, "elapsed_seconds": 41.2,
//     "far_end": "24 ports (simulated)", "ports": 24, "hold": "exp:20ms",
//     "mean_hold_seconds": 0.02, "arrivals": "poisson", "confidence": 0.95,
//     "steps": [ { "step": 1, "complete": true, "planned_erlangs": 12.2, "rate": 610.4,
//                  "warmup_seconds": 0.1, "window_seconds": 6.3, "measured_seconds": 6.3,
//                  "dialed": 3842, "blocked": 4, "connected": 3838, "failed": 0,
//                  "dropped_at_origin": 0, "mean_occupancy_seconds": 0.0203,
//                  "occupancy_from": "far_end" | "dialer",
//                  "offered_erlangs": 12.4, "realized_erlangs": 12.43,
//                  "carried_erlangs": 12.39, "blocking": 0.00104,
//                  "blocking_lower": 0.0004, "blocking_upper": 0.0031, "batches": 30,
//                  "design_effect": 3.1, "wilson_lower": 0.0004, "wilson_upper": 0.0027,
//                  "erlang_b": 0.0011,
//                  "agrees": true, "setup_p50_seconds": 0.00025, "setup_p99_seconds": 0.0005,
//                  "start_lag_p99_seconds": 0.0003, "schedule_kept": true } ],
//     "answers": { "target_blocking": 0.01, "load_at_target": 15.3,
//                  "measured_load_at_target": 15.2 | null, "crossing_after_step": 3 | null,
//                  "plan_load": 22.9, "plan_load_given": false, "ports_for_plan_load": 32,
//                  "steps_complete": 7, "steps_agreeing": 7, "chance_of_disagreements": 1,
//                  "disagrees_beyond_chance": false, "p99_limit_seconds": 2 | null,
//                  "max_sustained_rate": 1145.0 | null, "max_sustained_step": 7 | null,
//                  "first_breach_step": null },
//     "chart": "capacity.svg" | null, "calls": { ...the run's summary, as dialsoak run's
//     report has it... }, "simulator": { ... } (sim backend), "exit_code": 0, "config": { ... } }
//
// Steps are numbered from 1 in the text and the JSON (index + 1). Non-finite numbers are
// null. Pure functions, thread-compatible; CapacityProgress is an observer (one thread).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dialsoak/observer/records.h"
#include "dialsoak/observer/run_observer.h"

namespace dialsoak::report {

struct CapacityReport {
  RunInfo run;
  StopReason stop = StopReason::Completed;
  std::string stop_message;
  std::chrono::nanoseconds elapsed{};
  std::string far_end;  // "24 ports (simulated)", "24 ports (as given: --ports)"
  int ports = 0;
  std::string hold;     // "exp:20ms"
  double mean_hold_seconds = 0;
  std::string arrivals;  // "poisson"
  double confidence = 0.95;
  std::vector<CapacityStep> steps;
  CapacityAnswers answers;
  std::string chart;  // written next to the JSON report, if any
  std::string run_dir;  // "run directory: DIR (journal ...)", a line before the exit code
};

// One line for a finished step: "step 3/7  15.30 E  765.0 calls/s  6085 dialed  blocking
// 1.02% [0.79%, 1.30%]  Erlang B 1.01%  agrees  setup p99 0.46 ms".
std::string RenderCapacityStep(const CapacityStep& step);

// The whole report for a terminal, ending with the exit code and its meaning.
std::string RenderCapacity(const CapacityReport& report, int exit_code, std::string_view meaning);

nlohmann::json CapacityToJson(const CapacityReport& report, int exit_code);

// Prints RenderCapacityStep for each step as it completes (RunObserver::OnCapacityStep).
class CapacityProgress final : public RunObserver {
 public:
  explicit CapacityProgress(std::FILE* out) : out_(out) {}
  void OnCapacityStep(const CapacityStep& step) override;

 private:
  std::FILE* out_;
};

}  // namespace dialsoak::report
