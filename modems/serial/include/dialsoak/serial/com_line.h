// ComLine: a Line over a Hayes modem on a Windows COM port, the Windows counterpart of
// SerialLine (serial_line.h). Windows only (src/com_line_windows.cc).
//
// Open() opens the port (CreateFile on \\.\COMn, exclusive), sets its speed, 8N1 and
// hardware flow control (SetCommState), raises DTR and RTS, sets read timeouts that return
// whatever arrived within a short slice (SetCommTimeouts), then sends the init strings.
// dial() sends ATDT/ATDP and reads until the final result code or the deadline; hangup()
// drops DTR (EscapeCommFunction(CLRDTR)) and holds it low until the modem answers NO
// CARRIER (or, silent, answers OK to AT after DTR is back up), then raises it again.
//
// One thread at a time; nothing blocks past its deadline. Open returns an error naming
// the port or the init string that failed (Windows error codes in the message).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "dialsoak/at/command.h"
#include "dialsoak/at/response.h"
#include "dialsoak/io/error.h"
#include "dialsoak/line/line.h"

namespace dialsoak::serial {

struct ComLineConfig {
  std::string port;  // "COM3" (or a full \\.\COM10 path)
  unsigned baud = 115200;
  bool rtscts = true;
  std::vector<std::string> init = {"ATZ", "ATE0 V1 Q0 &C1 &D2"};
  at::DialMode dial_mode = at::DialMode::Tone;
  std::chrono::nanoseconds command_timeout = std::chrono::seconds(5);  // per init command
  // After an unrecognised final-looking answer to a dial, this long with no further byte
  // ends the dial as CallResult::Unrecognised (as on the serial line).
  std::chrono::nanoseconds unrecognised_quiet = at::kUnrecognisedQuiet;
};

class ComLine final : public Line {
 public:
  static io::Result<std::unique_ptr<ComLine>> Open(ComLineConfig config);
  ~ComLine() override;
  ComLine(const ComLine&) = delete;
  ComLine& operator=(const ComLine&) = delete;

  DialOutcome dial(std::string_view number, Deadline deadline) override;
  HangupOutcome hangup(Deadline deadline) override;

  const std::string& port() const { return config_.port; }

  struct Port;  // the open handle (com_line_windows.cc)

 private:
  ComLine(ComLineConfig config, std::unique_ptr<Port> port);

  ComLineConfig config_;
  std::unique_ptr<Port> port_;
  bool off_hook_ = false;
};

// "\\.\COM3" for "COM3"; a name already starting with "\\.\" is kept. Pure.
std::string ComDevicePath(const std::string& port);

}  // namespace dialsoak::serial
