// SerialLine: a Line over a Hayes modem on any tty. It opens the device (see tty.h), sends
// the init strings, dials with ATDT/ATDP and hangs up by DTR drop where the device can
// signal it, else by the escape sequence (+++ after the S12 guard time) then ATH0. While
// a call is held it watches the tty (watch()), so a call the far end drops (NO CARRIER)
// or a device that goes away (EIO/POLLHUP: a USB modem unplugged) ends the hold at once.
//
// Recovery, so one bad modem does not end a soak: a device that was lost is closed and
// opened again at the next dial, retried with a backoff (100 ms doubling to 2 s) until the
// dial's deadline, then initialised; the dial says so (DialOutcome::reopened) or fails
// with IoError naming the last error. After a dial with no result (a modem that went
// silent or reset), the next dial first sends the init strings again (a reset modem is back
// at its power-up profile).
//
// A DTR hang-up counts only when the modem confirms it: NO CARRIER, or, from a modem silent
// for kDtrQuietWait after the drop, OK to AT, asked up to the command timeout; its elapsed
// time is to the confirmation (dtr_hangup.h).
//
// One thread at a time. dial()/hangup()/watch() return outcomes and never block past their
// deadline; Open returns an error naming the device, or the init string that failed.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
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
  // After an unrecognised final-looking answer to a dial ("LINE IN USE"), this long with
  // no further byte ends the dial as CallResult::Unrecognised.
  std::chrono::nanoseconds unrecognised_quiet = at::kUnrecognisedQuiet;
};

class SerialLine final : public Line {
 public:
  static io::Result<std::unique_ptr<SerialLine>> Open(SerialLineConfig config);
  ~SerialLine() override;

  DialOutcome dial(std::string_view number, Deadline deadline) override;
  HangupOutcome hangup(Deadline deadline) override;
  bool watchable() const override { return true; }
  std::optional<std::string> watch(Deadline deadline) override;

  const std::string& device() const { return config_.device; }
  // The method hangup() uses on this device (Dtr or Escape).
  HangupMethod hangup_method() const { return method_; }
  // Times the device was lost and opened again.
  int reopens() const { return reopens_; }

 private:
  struct Exchange {
    at::Response response;
    std::string error;   // non-empty on I/O failure (the device is then taken as lost)
    bool timed_out = false;
    std::string pending;  // a line begun and not ended when it timed out ("CONN")
    // Set when the wait ended on an unrecognised final-looking line followed by quiet.
    std::optional<std::string> unrecognised;
  };

  SerialLine(SerialLineConfig config, io::UniqueFd fd, HangupMethod method);
  // The init strings (and S12), each answered OK within command_timeout and the deadline.
  io::Result<void> Initialise(Deadline deadline);
  // serial_recovery.cc: the lost device opened again (with backoff) and initialised, or
  // a silent modem initialised again; the error says why not.
  io::Result<void> Reopen(Deadline deadline);
  io::Result<void> Reinitialise(Deadline deadline);
  void Lost(const std::string& why);
  // Sends command (already terminated) and reads until its final result or the deadline.
  // With quiet, an unrecognised final-looking line followed by that long without a byte
  // ends the wait too (Exchange::unrecognised).
  Exchange Send(std::string_view command, Deadline deadline,
                std::optional<std::chrono::nanoseconds> quiet = std::nullopt);
  // Reads until a final result code (no command sent).
  Exchange Await(at::ResponseReader& reader, Deadline deadline,
                 std::optional<std::chrono::nanoseconds> quiet = std::nullopt);
  HangupOutcome HangupByDtr(Deadline deadline);
  HangupOutcome HangupByEscape(Deadline deadline);

  SerialLineConfig config_;
  io::UniqueFd fd_;
  HangupMethod method_;
  bool off_hook_ = false;  // a dial was started and not yet cleared by hang-up
  bool lost_ = false;      // the device hung up or failed: reopen before the next dial
  std::string lost_why_;
  bool unsure_ = false;    // a dial got no result: the modem's state is unknown
  int reopens_ = 0;
};

}  // namespace dialsoak::serial
