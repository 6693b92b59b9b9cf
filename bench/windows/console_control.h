// What dialsoak-ras does on a console control event (SetConsoleCtrlHandler), apart from
// the handler's registration so that a test can call it directly.
//
// Ctrl-C and Ctrl-Break stop the run: no new cycles, the connected lines hang up, the
// summary is printed (the engine does it; the process goes on). Closing the console
// (CTRL_CLOSE_EVENT), logging off (CTRL_LOGOFF_EVENT) and shutting down
// (CTRL_SHUTDOWN_EVENT) end the process once the handler returns, within about 5 s: the
// handler stops the run and hangs up every open RAS connection itself (RasHangUp, then
// RasGetConnectStatus until ERROR_INVALID_HANDLE, RasConnections::HangUpAll) within
// kCloseHangupBudget, and logs what it did. Windows runs the handler on a thread of its
// own; everything it touches is thread-safe (Engine::RequestStop, RasConnections).
#pragma once

#include <windows.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "dialsoak/ras/ras_connections.h"

namespace dialsoak::windows {

// Windows ends a process about 5 s after a close event; this leaves room for the
// summary (and for the log line) after the hang-ups.
inline constexpr std::chrono::milliseconds kCloseHangupBudget{3000};

struct ConsoleControlTargets {
  std::function<void()> stop;                   // the engine's RequestStop
  ras::RasConnections* connections = nullptr;   // the run's open connections
  std::function<void(const std::string&)> log;  // one line, e.g. to stderr
};

// "CTRL_CLOSE_EVENT (console closed)", ... ; "console control event N" for others.
std::string ConsoleControlName(DWORD type);

// True for the events that end the process when the handler returns.
bool EndsTheProcess(DWORD type);

// The handler's work: TRUE for the five events above (handled), FALSE for any other (the
// next handler's). For the closing ones it returns after the hang-ups, or at the budget.
BOOL HandleConsoleControl(DWORD type, const ConsoleControlTargets& targets,
                          std::chrono::nanoseconds hangup_budget = kCloseHangupBudget);

}  // namespace dialsoak::windows
