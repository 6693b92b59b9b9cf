#include "console_control.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dialsoak::windows {

std::string ConsoleControlName(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT:
      return "CTRL_C_EVENT (Ctrl-C)";
    case CTRL_BREAK_EVENT:
      return "CTRL_BREAK_EVENT (Ctrl-Break)";
    case CTRL_CLOSE_EVENT:
      return "CTRL_CLOSE_EVENT (console closed)";
    case CTRL_LOGOFF_EVENT:
      return "CTRL_LOGOFF_EVENT (user logging off)";
    case CTRL_SHUTDOWN_EVENT:
      return "CTRL_SHUTDOWN_EVENT (system shutting down)";
    default:
      return fmt::format("console control event {}", type);
  }
}

bool EndsTheProcess(DWORD type) {
  return type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT;
}

BOOL HandleConsoleControl(DWORD type, const ConsoleControlTargets& targets,
                          std::chrono::nanoseconds hangup_budget) {
  if (type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT) {
    if (targets.stop) targets.stop();
    return TRUE;
  }
  if (!EndsTheProcess(type)) return FALSE;
  if (targets.stop) targets.stop();  // no new cycles; the lines hang up too
  auto log = [&](const std::string& line) {
    if (targets.log) targets.log(line);
  };
  const std::string event = ConsoleControlName(type);
  if (targets.connections == nullptr) {
    log(fmt::format("dialsoak-ras: {}: no RAS connection registry to hang up", event));
    return TRUE;
  }
  log(fmt::format("dialsoak-ras: {}: hanging up every RAS connection (within {} ms)", event,
                  std::chrono::duration_cast<std::chrono::milliseconds>(hangup_budget).count()));
  const ras::RasConnections::CloseReport r =
      targets.connections->HangUpAll(Deadline::After(hangup_budget));
  const auto ms = std::chrono::duration<double, std::milli>(r.elapsed).count();
  std::string line;
  if (r.still_up.empty()) {
    line = fmt::format(
        "dialsoak-ras: {}: hung up {} RAS connection(s), all gone (RasGetConnectStatus: "
        "invalid handle) in {:.0f} ms",
        event, r.connections, ms);
  } else {
    line = fmt::format(
        "dialsoak-ras: {}: hung up {} RAS connection(s), {} gone in {:.0f} ms; still up at "
        "the bound: {}",
        event, r.connections, r.gone, ms, fmt::join(r.still_up, ", "));
  }
  if (!r.notes.empty()) line += fmt::format(" ({})", fmt::join(r.notes, "; "));
  log(line);
  return TRUE;
}

}  // namespace dialsoak::windows
