// Exit codes of `dialsoak`, as listed in the README. Scripts and CI read them.
#pragma once

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
  kInterrupted = 130,     // stopped by SIGINT or SIGTERM (the summary is still printed)
};

const char* ExitMeaning(int code);

}  // namespace dialsoak::cli
