// ExecLine: an external dialer as a Line (pon/poff, nmcli, wvdial, chat). dial() runs the
// dial command and decides "connected" one of three ways: its exit code (0 by default, the
// others mapped to results, e.g. chat's 3 = timeout, 4 = its first ABORT string), a line of
// its output matching a regex (the command then keeps running and holds the call, as
// `pppd nodetach` or wvdial do), or a check command that succeeds (`test -e
// /sys/class/net/ppp0`), polled while the dial command runs or after it exits 0. hangup()
// runs the hang-up command, or, without one, ends the dial command's process group (SIGTERM,
// then SIGKILL) and drops DTR on the tty, done once the modem confirms it as on the serial
// line (serial/dtr_hangup.h); with a check command it waits until the check fails.
// A deadline kills the whole process group. Optionally the commands' stdin and stdout are a
// tty (a modem), the way pppd runs a connect script, so that chat can dial it.
// Commands are argument lists; no shell runs unless the config asks for one.
// One thread at a time, as every Line.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "dialsoak/exec/command.h"
#include "dialsoak/io/error.h"
#include "dialsoak/line/line.h"
#include "dialsoak/serial/tty.h"

namespace dialsoak::exec {

enum class ConnectedWhen { Exit, Output, Check };

struct ExecLineConfig {
  Command dial;                   // required
  std::optional<Command> hangup;  // none: end the dial command, or drop DTR on the tty
  ConnectedWhen connected_when = ConnectedWhen::Exit;
  std::string connect_regex;      // Output: ECMAScript, searched in each line of output
  std::optional<Command> check;   // Check: connected while it exits 0
  // Exit codes of the dial command and what they mean; 0 is Connect unless mapped here.
  // An unmapped code is Error ("exit 2: <its last line of output>").
  std::map<int, CallResult> exit_results;
  std::string tty;                // the commands' stdin and stdout; empty: none
  serial::TtyOptions tty_options;
  int line_index = 0;             // {line} in the commands
  std::chrono::nanoseconds check_interval = std::chrono::milliseconds(100);
  // Between SIGTERM and SIGKILL when a command is stopped.
  std::chrono::nanoseconds kill_grace = std::chrono::milliseconds(500);
  // A DTR drop on the tty is a hang-up only once the modem confirms it (NO CARRIER, or OK
  // to AT): within this long, as the serial line's default command timeout.
  std::chrono::nanoseconds dtr_confirm_within = std::chrono::seconds(5);
};

// Parses a result name as the metrics label it is ("busy", "no_carrier", ...).
std::optional<CallResult> ParseCallResult(std::string_view name);

// A config mistake, found before any command runs: no dial command, a regex that does not
// compile, a mode without what it needs. Empty when the config is usable.
std::optional<std::string> CheckConfig(const ExecLineConfig& config);

class ExecLine final : public Line {
 public:
  // Checks the config and that every program exists (a clear error naming it), and opens
  // the tty when one is configured.
  static io::Result<std::unique_ptr<ExecLine>> Open(ExecLineConfig config);
  ~ExecLine() override;

  DialOutcome dial(std::string_view number, Deadline deadline) override;
  HangupOutcome hangup(Deadline deadline) override;
  // While the dial command still runs (it holds the call), or on a tty: the call ends when
  // the command exits, or the modem says NO CARRIER or goes away.
  bool watchable() const override;
  std::optional<std::string> watch(Deadline deadline) override;

  class Impl;

 private:
  explicit ExecLine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dialsoak::exec
