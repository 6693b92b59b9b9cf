#include "exit_codes.h"

namespace dialsoak::cli {

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
    case kInterrupted: return "interrupted";
    default: return "unknown";
  }
}

}  // namespace dialsoak::cli
