// RasLine: a Line over one Windows RAS phonebook entry (RasDial/RasHangUp), the line of KB
// Q197517's dialer. Windows only (ras_line_windows.cc, rasapi32).
//
// dial() calls RasDial asynchronously (a RasDialFunc2 notifier) with the entry, the number
// (when not empty it overrides the entry's phone number) and the credentials, and waits
// for RASCS_Connected or an error until the deadline. RAS errors are outcomes
// (ras_error.h): 676 BUSY, 678 NO ANSWER, 679 NO CARRIER, 680 NO DIALTONE, the rest Error
// with the code and RasGetErrorString's text (or the system's text for a code RAS has
// none for). No result by the deadline is Timeout; the connection is then left for
// hangup().
//
// Credentials: with an empty user and password, the entry's saved ones, as rasdial.exe
// dials: RasGetEntryDialParams for the entry, and what it returns (user, domain, the
// handle that stands for the saved password, sub-entry) passed to RasDial as it came,
// with only the number (when given), a configured domain and the callback id set. Else
// the given user, password and domain. An authentication error's detail says which
// were used ("... with the saved credentials of entry MyISP (user soak)"); the password
// (or its handle) is never in a detail, and is wiped from memory after RasDial.
//
// hangup() is the documented way: RasHangUp on every handle RasDial returned (also after
// a failed dial, which may still return one), then RasGetConnectStatus polled until it
// returns ERROR_INVALID_HANDLE, within the deadline; the time that takes is the hang-up
// latency (HangupMethod::Api). A handle still answering at the deadline fails the
// hang-up and is hung up again by the next hangup() (and by the destructor). With no
// handle to hang up, hangup() succeeds at once (HangupMethod::None).
//
// With a RasConnections, every handle RasDial returns is registered there until its end
// is confirmed, so that a console close can hang it up from another thread
// (ras_connections.h); once that registry is closing, dial() refuses to dial.
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
#include "dialsoak/ras/ras_connections.h"

namespace dialsoak::ras {

class RasLine final : public Line {
 public:
  explicit RasLine(RasLineConfig config, RasApi api = SystemRasApi(),
                   RasConnections* connections = nullptr);
  ~RasLine() override;
  RasLine(const RasLine&) = delete;
  RasLine& operator=(const RasLine&) = delete;

  DialOutcome dial(std::string_view number, Deadline deadline) override;
  HangupOutcome hangup(Deadline deadline) override;

  const std::string& entry() const { return config_.entry; }
  // True when dial() uses the entry's saved credentials (no user or password given).
  bool uses_saved_credentials() const;
  // Which credentials dial() uses, for a log: "saved credentials of entry MyISP (user
  // soak)" (RasGetEntryDialParams asked now; "; no saved password" when it returned
  // none), or "given user soak". Never the password.
  std::string DescribeCredentials() const;
  // Handles RasDial returned whose end RasGetConnectStatus has not confirmed yet.
  std::size_t open_handles() const { return attempts_.size(); }

  struct Attempt;  // one RasDial call: its handle and the notifications it received

 private:
  std::string ErrorText(DWORD code) const;
  // RasGetEntryDialParams into params (its dwSize and szEntryName set here); the RAS
  // error, or 0 with credentials set to what was found.
  DWORD LoadSavedParams(RASDIALPARAMSA& params, std::string& credentials) const;

  RasLineConfig config_;
  RasApi api_;
  RasConnections* connections_;
  std::string credentials_;  // as DescribeCredentials(), for the last dial
  std::vector<std::unique_ptr<Attempt>> attempts_;
};

}  // namespace dialsoak::ras
