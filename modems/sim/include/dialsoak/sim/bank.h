// ModemBank: N emulated Hayes modems, each behind a pty pair, and the far end they call:
// pools of answering ports (a concentrator) with a number and a capacity.
//
// A dialer opens a port's path (the pty slave, e.g. /dev/pts/7) like any serial device.
// The bank holds the masters and runs every modem on its own thread(s); Start returns
// when the ports are ready. Destroying the bank stops its threads and closes the ptys.
// Thread-safe: stats() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dialsoak/io/error.h"
#include "dialsoak/sim/distribution.h"

namespace dialsoak::sim {

// What happens to one call placed by a dialing port.
struct CallModel {
  Distribution answer_delay;                          // from ATD to CONNECT
  std::string connect_text = "33600/ARQ/V34/LAPM/V42BIS";  // after "CONNECT "
  double p_busy = 0, p_no_answer = 0, p_no_dialtone = 0, p_no_carrier = 0;
};

// A group of answering ports reached by one number ("*" matches any number).
struct PoolConfig {
  std::string number = "*";
  int capacity = 0;            // C answering ports; 0 = unlimited (never BUSY for capacity)
  bool answer_ptys = false;    // each answering port is a pty (for mgetty and the like)
};

struct BankConfig {
  int ports = 1;                              // dialing modems
  CallModel call;
  std::vector<PoolConfig> pools = {PoolConfig{}};
  std::uint64_t seed = 1;
  std::chrono::nanoseconds ring_interval = std::chrono::seconds(6);
  std::filesystem::path link_dir;             // if set: link_dir/modem0.., link_dir/answer0..
};

// One finished call, reported to the optional observer (from the bank's thread).
struct CallRecord {
  int port;                 // dialing port index
  std::string number;
  std::string result;       // the result text sent to the dialer: "CONNECT 33600/ARQ", "BUSY"
  std::chrono::nanoseconds setup;  // ATD to result
  std::chrono::nanoseconds held;   // CONNECT to hang-up (0 if never connected)
  std::string hangup_cause;        // "dtr", "ath", "close", "remote", ""
};

struct BankStats {
  std::uint64_t calls = 0, connects = 0, busy = 0, no_answer = 0, no_dialtone = 0,
                no_carrier = 0, hangups_dtr = 0, hangups_ath = 0, hangups_close = 0;
};

class ModemBank {
 public:
  using CallObserver = std::function<void(const CallRecord&)>;

  static io::Result<std::unique_ptr<ModemBank>> Start(BankConfig config,
                                                      CallObserver observer = {});
  virtual ~ModemBank() = default;

  // Paths a dialer opens, one per dialing port ("/dev/pts/7").
  virtual const std::vector<std::string>& port_paths() const = 0;
  // Paths of answering ports that are ptys, in pool order (for mgetty and the like).
  virtual const std::vector<std::string>& answer_paths() const = 0;
  virtual BankStats stats() const = 0;
};

}  // namespace dialsoak::sim
