#include "dialsoak/observer/records.h"

namespace dialsoak {

std::string_view ToString(SampleKind k) {
  switch (k) {
    case SampleKind::Baseline: return "baseline";
    case SampleKind::Periodic: return "periodic";
    case SampleKind::BeforeCycle: return "before_cycle";
    case SampleKind::AfterCycle: return "after_cycle";
    case SampleKind::End: return "end";
  }
  return "unknown";
}

std::string_view ToString(LineState s) {
  switch (s) {
    case LineState::Idle: return "idle";
    case LineState::Dialing: return "dialing";
    case LineState::Connected: return "connected";
    case LineState::HangingUp: return "hanging_up";
    case LineState::Failed: return "failed";
  }
  return "unknown";
}

std::string_view ToString(StopReason r) {
  switch (r) {
    case StopReason::Completed: return "completed";
    case StopReason::Duration: return "duration";
    case StopReason::Interrupted: return "interrupted";
    case StopReason::Failed: return "failed";
    case StopReason::Unfinished: return "unfinished";
  }
  return "unknown";
}

}  // namespace dialsoak
