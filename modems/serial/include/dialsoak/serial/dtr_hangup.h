// Hanging up a modem by dropping DTR, counted only when the modem confirms it. Shared by
// SerialLine (hangup: dtr/auto) and the exec line's tty (--device without a hang-up
// command), so both ask the same question the same way.
//
// DTR goes low (speed B0). A modem that says NO CARRIER (or OK) while DTR is low has hung
// up. Many modems hang up on DTR without a word: after kDtrQuietWait of silence DTR goes up
// again and the modem is asked with AT, again every kDtrProbeRetry while nothing answers;
// OK (the modem is in command mode) or a late NO CARRIER confirms. Neither within
// `confirm_within` of the drop is a failed hang-up whose detail says what was heard. The
// elapsed time is measured to the confirmation.
//
// One caller per descriptor at a time. Never blocks past the deadline. The descriptor may
// be blocking or not (it is made non-blocking for the exchange and restored after).
#pragma once

#include <chrono>
#include <string>

#include "dialsoak/line/deadline.h"
#include "dialsoak/serial/tty.h"

namespace dialsoak::serial {

// DTR is held low at least this long before a silent modem is probed. A modem acts on a
// DTR drop only once DTR has stayed low for its S25 time (in hundredths of a second; 5,
// i.e. 50 ms, by default on Hayes-compatible modems), and a drop undone sooner can go
// unseen (on a pty the simulator would read the restored speed). 300 ms is six times that
// default, leaves room for a modem set a little slower or a loaded machine, and still
// makes a silent modem's hang-up cost a fraction of the 5 s command timeout it used to.
inline constexpr std::chrono::milliseconds kDtrQuietWait{300};
// While nothing answers, AT again this often: a modem still busy hanging up may drop the
// first probe.
inline constexpr std::chrono::milliseconds kDtrProbeRetry{1000};

struct DtrHangup {
  bool ok = false;
  std::chrono::nanoseconds elapsed{};  // from the drop to the confirmation (or the failure)
  // "DTR drop, NO CARRIER"; "DTR drop, no reply in 0.3s, AT OK"; or the failure: "DTR drop,
  // no NO CARRIER and no OK to AT (2 probes) within 5.0s; AT answered ERROR".
  std::string detail;
  bool io_error = false;  // reading or writing the device failed (detail says how)
};

DtrHangup HangupByDtr(int fd, const TtyOptions& options, const std::string& device,
                      std::chrono::nanoseconds confirm_within, Deadline deadline);

}  // namespace dialsoak::serial
