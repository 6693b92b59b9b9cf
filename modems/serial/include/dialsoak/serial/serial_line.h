// SerialLine: a Line over a Hayes modem on any tty. It opens the device (see tty.h), sends
// the init strings, dials with ATDT/ATDP and hangs up by DTR drop where the device can
// signal it, else by the escape sequence (+++ after the S12 guard time) then ATH0.
// One thread at a time. dial()/hangup() return outcomes and never block past their
// deadline; Open returns an error naming the device, or the init string that failed.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "dialsoak/at/command.h"
#include "dialsoak/at/response.h"
#include "dialsoak/io/error.h"
#include "dialsoak/io/unique_fd.h"
#include "dialsoak/line/line.h"
#include "dialsoak/serial/tty.h"

namespace dialsoak::serial {

enum class HangupPolicy { Auto, Dtr, Escape };

struct SerialLineConfig {
  std::string device;
  TtyOptions tty;
  std::vector<std::string> init = {"ATZ", "ATE0 V1 Q0 &C1 &D2"};
  at::DialMode dial_mode = at::DialMode::Tone;
  HangupPolicy hangup = HangupPolicy::Auto;
  std::chrono::nanoseconds command_timeout = std::chrono::seconds(5);  // per init command
  std::chrono::nanoseconds guard_time = std::chrono::seconds(1);       // S12 around +++
};

class SerialLine final : public Line {
 public:
  static io::Result<std::unique_ptr<SerialLine>> Open(SerialLineConfig config);
  ~SerialLine() override;

  DialOutcome dial(std::string_view number, Deadline deadline) override;
  HangupOutcome hangup(Deadline deadline) override;

  const std::string& device() const { return config_.device; }
  // The method hangup() uses on this device (Dtr or Escape).
  HangupMethod hangup_method() const { return method_; }

 private:
  struct Exchange {
    at::Response response;
    std::string error;   // non-empty on I/O failure
    bool timed_out = false;
  };

  SerialLine(SerialLineConfig config, io::UniqueFd fd, HangupMethod method);
  // Sends command (already terminated) and reads until its final result or the deadline.
  Exchange Send(std::string_view command, Deadline deadline);
  // Reads until a final result code (no command sent).
  Exchange Await(at::ResponseReader& reader, Deadline deadline);
  HangupOutcome HangupByDtr(Deadline deadline);
  HangupOutcome HangupByEscape(Deadline deadline);

  SerialLineConfig config_;
  io::UniqueFd fd_;
  HangupMethod method_;
  bool off_hook_ = false;  // a dial was started and not yet cleared by hang-up
};

}  // namespace dialsoak::serial
