// RasLine: a Line over one Windows RAS phonebook entry (RasDial/RasHangUp), the line of KB
// Q197517's dialer. Windows only (ras_line_windows.cc, rasapi32).
//
// dial() calls RasDial asynchronously (a RasDialFunc2 notifier) with the entry, the number
// (when not empty it overrides the entry's phone number) and the credentials, and waits
// for RASCS_Connected or an error until the deadline. RAS errors are outcomes
// (ras_error.h): 676 BUSY, 678 NO ANSWER, 679 NO CARRIER, 680 NO DIALTONE, the rest Error
// with the code and RasGetErrorString's text (or the system's text for a code RAS has
// none for). No result by the deadline is Timeout; the connection is then left for
// hangup(). Credentials are never in a detail.
//
// hangup() is the documented way: RasHangUp on every handle RasDial returned (also after
// a failed dial, which may still return one), then RasGetConnectStatus polled until it
// returns ERROR_INVALID_HANDLE, within the deadline; the time that takes is the hang-up
// latency (HangupMethod::Api). A handle still answering at the deadline fails the
// hang-up and is hung up again by the next hangup() (and by the destructor). With no
// handle to hang up, hangup() succeeds at once (HangupMethod::None).
//
// One thread at a time; RAS's notifications arrive on a thread of its own and are handed
// over under a lock. Nothing here throws.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dialsoak/line/line.h"
#include "dialsoak/ras/ras_api.h"
#include "dialsoak/ras/ras_config.h"

namespace dialsoak::ras {

class RasLine final : public Line {
 public:
  explicit RasLine(RasLineConfig config, RasApi api = SystemRasApi());
  ~RasLine() override;
  RasLine(const RasLine&) = delete;
  RasLine& operator=(const RasLine&) = delete;

  DialOutcome dial(std::string_view number, Deadline deadline) override;
  HangupOutcome hangup(Deadline deadline) override;

  const std::string& entry() const { return config_.entry; }
  // Handles RasDial returned whose end RasGetConnectStatus has not confirmed yet.
  std::size_t open_handles() const { return attempts_.size(); }

  struct Attempt;  // one RasDial call: its handle and the notifications it received

 private:
  std::string ErrorText(DWORD code) const;

  RasLineConfig config_;
  RasApi api_;
  std::vector<std::unique_ptr<Attempt>> attempts_;
};

}  // namespace dialsoak::ras
