#include "exit_codes.h"

#include <signal.h>

namespace dialsoak::cli {

int StopSignalExitCode(int signo) { return 128 + signo; }

std::string StopSignalName(int signo) {
  switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "signal " + std::to_string(signo);
  }
}

const char* ExitMeaning(int code) {
  switch (code) {
    case kOk: return "ok";
    case kCallsFailed: return "failed calls above the threshold";
    case kUsage: return "usage error";
    case kSetupFailed: return "set-up failed";
    case kInternalError: return "internal error";
    case kLeakDetected: return "leak detected";
    case kThresholdBreached: return "threshold breached";
    case kJournalFailed: return "the run directory could not be written (journal or report)";
    case kLeakInconclusive: return "leak verdict inconclusive";
    case kWatchFailed: return "a watched process restarted or was never seen";
    case kRegression: return "regression: NEW is worse than BASE";
    case kInterrupted: return "interrupted by SIGINT";
    case kTerminated: return "stopped by SIGTERM";
    default: return "unknown";
  }
}

}  // namespace dialsoak::cli
