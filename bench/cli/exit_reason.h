// The exit code of a finished run and the line that says why: the check that decided it
// and the figure behind it, not only the code's meaning, e.g.
//   exit code 1: 8.90 % of calls failed (BUSY 89), over --max-failures 0 %
//   exit code 5: self handles leak +1.00 per cycle
//   exit code 6: dial_p99 = 1.2 s, limit <= 1 s
//   exit code 143: stopped by SIGTERM, no check failed
// `dialsoak run` and `dialsoak report DIR` both decide here, so a rebuilt report exits as
// the run did. The order of precedence is exit_codes.h's.
// Pure functions; thread-compatible; never throw (except std::bad_alloc).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "dialsoak/observer/records.h"
#include "dialsoak/report/summary.h"

namespace dialsoak::cli {

struct ExitContext {
  double max_failures_percent = 0;  // --max-failures
  // The run directory (`dialsoak run`: its journal; `dialsoak report`: the rebuilt
  // report) could not be written, and why.
  bool write_failed = false;
  std::string write_error;
  int stop_signal = 0;  // the signal that stopped the run (StopSignalOf), 0 for none
};

// The signal that stopped a run: RunEnd::signal for an interrupted run, SIGINT when an
// interrupted run does not say (a journal written before the signal was recorded); 0 for
// a run that was not interrupted.
int StopSignalOf(const RunEnd& end);

// The exit code: the verdicts' (VerdictExitCode: a leak 5, a breached threshold 6, failed
// calls 1, 0, or another verdict code), then a write failure (7) over 1 and 0, then the
// stop signal's code (128 + signal) over 0 alone.
int FinalExitCode(int verdict_code, const ExitContext& context);

// The line after "exit code N: " for `code`, from the summary's checks (its leaks and
// thresholds must be set) and the context; a code it knows no check for gets its meaning
// (ExitMeaning).
std::string ExitReason(int code, const report::Summary& summary, const ExitContext& context);

// Adds the reason to a JSON report ("exit_reason", next to "exit_code") and the stop
// signal, if any, to its "stop" object ("signal": "SIGTERM").
void AddExitToJson(nlohmann::json& report, const std::string& reason, int stop_signal);

}  // namespace dialsoak::cli
