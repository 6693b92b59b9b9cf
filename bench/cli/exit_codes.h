// Exit codes of `dialsoak`, as listed in docs/running.md#exit-codes and the man pages
// (man/*.h2m). Scripts, CI and on-call read them.
//
// Order of precedence, when a finished run has more than one thing to say (the summary,
// the report and the JUnit file list every check either way):
//   5 (and 8)  the leak verdict: a leak (unless --allow-leaks), or no verdict to be had
//   9          a watched process restarted (unless --allow-restarts) or was never seen
//   6          a --threshold breached
//   7          the run directory or its journal could not be written
//   1          failed calls above --max-failures
//   130, 143   stopped by SIGINT, SIGTERM (128 + the signal), and nothing above applies
//   0          completed (cycles or duration), nothing above applies
// A stop by a signal keeps the verdict: a run stopped by SIGTERM that found a leak exits 5.
// 2, 3 and 4 come before a run has anything to judge (usage, set-up, internal error);
// `dialsoak report DIR` exits as the recorded run did (or 7 when it cannot write).
// `dialsoak compare BASE NEW` exits 10 when a gate failed (NEW is worse), 0 when none did,
// 2 for runs it cannot compare, 7 when it cannot write its outputs.
#pragma once

#include <string>

namespace dialsoak::cli {

enum ExitCode : int {
  kOk = 0,                // every call within the failure threshold
  kCallsFailed = 1,       // failed calls (or hang-ups) above --max-failures
  kUsage = 2,             // a bad flag, value or config file
  kSetupFailed = 3,       // a line could not be opened or initialised, the bank not started
  kInternalError = 4,     // a bug: an unexpected exception
  kLeakDetected = 5,      // a watched process leaks (unless --allow-leaks)
  kThresholdBreached = 6, // a --threshold was not met
  kJournalFailed = 7,     // the run directory (its journal, or a rebuilt report) could not be written
  kLeakInconclusive = 8,  // a count not back at its baseline, too few samples to judge it
  kWatchFailed = 9,       // a watched process restarted, or was never seen
  kRegression = 10,       // dialsoak compare: NEW is worse than BASE (a --fail-on gate failed)
  kInterrupted = 130,     // stopped by SIGINT (128 + 2), and no check failed
  kTerminated = 143,      // stopped by SIGTERM (128 + 15), and no check failed
};

// The code of a run stopped by signal `signo` that found nothing wrong: 128 + signo, as a
// shell reports a process the signal ended (130 SIGINT, 143 SIGTERM).
int StopSignalExitCode(int signo);

// "SIGINT", "SIGTERM", or "signal N".
std::string StopSignalName(int signo);

// The code's meaning in a few words ("leak detected"); "unknown" for a code not listed.
const char* ExitMeaning(int code);

}  // namespace dialsoak::cli
