// ModemBank: N emulated Hayes modems, each behind a pty pair, and the far end they call:
// pools of answering ports (a concentrator) with a number and a capacity.
//
// A dialer opens a port's path (the pty slave, e.g. /dev/pts/7) like any serial device
// and talks V.250 to it (see modems/sim/src/modem.h for the commands). A call goes to the
// pool its number reaches: BUSY at once when the pool's C ports are all in use, else the
// answer delay and the outcome probabilities of CallModel decide; a connected call loops
// data back, or, when the pool has answering ptys with a program (mgetty) on the one
// taken, rings that program and joins the two ptys once it answers (ATA or S0).
// A dialer hangs up with ATH (after +++), a DTR drop (speed B0 on its tty, &D2) or by
// closing the tty; the other side then gets NO CARRIER. Faults (BankConfig::faults, see
// fault.h) make the modems misbehave on purpose: noise, cut or missing results, slow
// bytes, dropped calls, RING floods, reboots, and ports that vanish and come back.
//
// A dialing modem may also sit on a tty device the bank opens (BankConfig::devices, see
// device.h): a real serial port with a null-modem cable to the dialer, or any tty path.
//
// Start returns when the ports are ready; one thread runs all modems. Destroying the
// bank stops it, closes the ptys and removes the links it made.
// Thread safety: the accessors and stats() may be called from any thread; the observer
// is called on the bank's thread, must not throw, and should be quick (it holds up
// every port).
// Errors: Start throws std::invalid_argument for a bad config (the message names the
// field and what is allowed), and returns an io::Error when ptys or links cannot be made or
// a device cannot be opened (the message names it and says why: missing, permission,
// in use, not a tty).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "dialsoak/io/error.h"
#include "dialsoak/sim/device.h"
#include "dialsoak/sim/distribution.h"
#include "dialsoak/sim/fault.h"
#include "dialsoak/sim/leak.h"

namespace dialsoak::sim {

// What happens to one call placed by a dialing port. Each dial draws, from its port's RNG
// (seeded seed + port), one outcome (NO DIALTONE, BUSY, NO ANSWER, NO CARRIER with these
// probabilities, else CONNECT) and one answer delay, in that order. The result comes
// after the delay; NO DIALTONE and a full pool's BUSY come at once; a delay longer than
// the dialer's S7 (50 s) ends in NO CARRIER at S7, as on a real modem.
struct CallModel {
  Distribution answer_delay;                          // from ATD to the result
  std::string connect_text = "33600/ARQ/V34/LAPM/V42BIS";  // after "CONNECT "
  double p_busy = 0, p_no_answer = 0, p_no_dialtone = 0, p_no_carrier = 0;  // sum <= 1
};

// A group of answering ports reached by one number ("*" matches any number).
struct PoolConfig {
  std::string number = "*";
  int capacity = 0;            // C answering ports; 0 = unlimited (never BUSY for capacity)
  bool answer_ptys = false;    // each answering port is a pty (for mgetty and the like)
};

// Parses "NUMBER:C" or "NUMBER:C:pty" (NUMBER "*" = any; C 0 = unlimited, and at least 1
// with pty). The error says what is allowed.
tl::expected<PoolConfig, std::string> ParsePoolConfig(std::string_view text);

struct BankConfig {
  int ports = 1;                              // dialing modems on ptys the bank makes
  // Dialing modems on tty devices the bank opens (device.h); they are the dialing ports
  // ports .. ports + devices.size() - 1, after the ptys (CallRecord::port, fault @PORT).
  std::vector<DeviceConfig> devices;
  CallModel call;
  std::vector<PoolConfig> pools = {PoolConfig{}};
  std::uint64_t seed = 1;
  std::chrono::nanoseconds ring_interval = std::chrono::seconds(6);  // RING to RING (> 0)
  // If set: link_dir/modem0.., link_dir/answer0... A dialing port's link is its stable
  // name: a port that vanished (faults) comes back on a new pty under the same link.
  std::filesystem::path link_dir;
  // Leak one descriptor on every leak.every-th dial (on ATD), held until the bank is
  // destroyed (see leak.h); off by default.
  LeakConfig leak;
  // Faults drawn at each dial of the dialing ports they target (see fault.h); none by
  // default. vanish needs link_dir.
  FaultConfig faults;
};

// The first problem with a config ("call.p_busy: must be within 0..1",
// "faults[0] (vanish): needs link_dir ..."), or nothing.
// Start throws std::invalid_argument with this message.
std::optional<std::string> CheckBankConfig(const BankConfig& config);

// One finished call, reported to the optional observer (from the bank's thread).
struct CallRecord {
  int port;                 // dialing port index
  std::string number;
  std::string result;       // the result text sent to the dialer: "CONNECT 33600/ARQ", "BUSY"
  std::chrono::nanoseconds setup;  // ATD to result
  std::chrono::nanoseconds held;   // CONNECT to hang-up (0 if never connected)
  // How the call ended after its dial: "dtr", "ath" (ATH or ATZ), "close", "remote" (the
  // answering side), "abort" (a byte from the dialer during set-up), "carrier" (a
  // carrier_loss fault), "vanish" (the port vanished); "" when the result itself ended it
  // (BUSY, NO ANSWER, ...) or the dial got none (result "": a silent or reset fault).
  std::string hangup_cause;
  std::chrono::steady_clock::time_point dialed{};  // when ATD arrived
  // How long the call held one of its pool's ports: from the dial to the release (the
  // far end's own occupancy, for Erlang B); 0 when it got none (a full pool's BUSY).
  std::chrono::nanoseconds port_time{0};
  // The faults that took effect on this call, in the order they did (a vanish after the
  // call had ended is in BankStats::faults only).
  std::vector<FaultKind> faults;
};

// Counters since Start. calls: dials placed; then one result each (connects, busy, ...;
// a dial aborted or timed out counts as no_carrier), or none (unanswered: a silent or
// reset fault, or a vanish before the result); hangups_*: connected calls, by cause
// (carrier and vanish: by a fault); leaked_descriptors: descriptors the leak injection
// holds open (BankConfig::leak); blocked: the BUSYs (counted in busy too) of a full pool,
// all its C ports in use; blacklisted, delayed: dials the blacklist fault refused (no
// call placed; faults.blacklist is their sum); faults: faults injected, per kind. A truncated result counts as
// the result it was (connects, ...), since the bank's side of the call went on.
struct BankStats {
  std::uint64_t calls = 0, connects = 0, busy = 0, no_answer = 0, no_dialtone = 0,
                no_carrier = 0, hangups_dtr = 0, hangups_ath = 0, hangups_close = 0,
                hangups_remote = 0, leaked_descriptors = 0, blocked = 0, unanswered = 0,
                hangups_carrier = 0, hangups_vanish = 0, blacklisted = 0, delayed = 0;
  FaultCounts faults;
};

class ModemBank {
 public:
  using CallObserver = std::function<void(const CallRecord&)>;

  static io::Result<std::unique_ptr<ModemBank>> Start(BankConfig config,
                                                      CallObserver observer = {});
  virtual ~ModemBank() = default;

  // Paths a dialer opens, one per dialing port ("/dev/pts/7"): the ptys made at Start. A
  // port that vanished comes back on a new pty, at its link (link_dir/modemN) only.
  virtual const std::vector<std::string>& port_paths() const = 0;
  // Paths of answering ports that are ptys, in pool order (for mgetty and the like).
  virtual const std::vector<std::string>& answer_paths() const = 0;
  // The devices of BankConfig::devices, in order, as found at Start.
  virtual const std::vector<DeviceInfo>& devices() const = 0;
  virtual BankStats stats() const = 0;
};

}  // namespace dialsoak::sim
