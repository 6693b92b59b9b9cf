// The verdicts of a finished run: the leak checks (with a chart of each process's handles
// next to the report), the --threshold checks, the JUnit file, and the exit code they make.
// Called once by run_command.cc after the engine has returned.
#pragma once

#include <string_view>

#include "dialsoak/analysis/leak_watch.h"
#include "dialsoak/report/summary.h"
#include "run_settings.h"

namespace dialsoak::cli {

// The leak watch as the settings ask for it.
analysis::LeakWatchOptions LeakWatchOptionsOf(const RunSettings& s);

// Sets summary.leaks (drawing the charts when there is a --report) and summary.thresholds.
// A chart that cannot be drawn is a warning: the verdict stands without it.
void AddVerdicts(const RunSettings& s, const analysis::LeakWatch& watch, report::Summary& summary);

// The verdicts' exit code for a run that did not fail to start, stopped by a signal or
// not: a leak (5, unless --allow-leaks; an exhausted count is one), else an inconclusive
// leak check (8, likewise), else a breached threshold (6), else failed calls
// above --max-failures (1), else 0. FinalExitCode (exit_reason.h) adds 7 and the signal's.
int VerdictExitCode(const RunSettings& s, const report::Summary& summary);

// The calls check: failed calls (and hang-ups) above --max-failures.
bool CallsFailed(const RunSettings& s, const report::Summary& summary);

// Writes --junit FILE, if asked; false (after saying why) when it could not be written.
// exit_reason: the exit line's text (exit_reason.h); empty, the code's meaning.
bool WriteJUnitFile(const RunSettings& s, const report::Summary& summary, int exit_code,
                    std::string_view exit_reason = {});

}  // namespace dialsoak::cli
