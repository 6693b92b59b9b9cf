// Fault injection: the simulator misbehaves on purpose, per port or with a probability per
// call, so that a dialer can be tested against a bad modem: line noise, a response cut
// short, a dial that gets no answer, a slow modem, a call that drops by itself, a device
// unplugged and plugged back in, a flood of RINGs, a modem that reboots.
//
// Faults are drawn at each dial (when ATD arrives): every fault that targets the port draws
// once, in config order, from the port's own fault generator (seeded from seed + port, apart
// from the draws of CallModel, so adding faults does not change the calls' outcomes); the
// same seed and the same dialer give the same faults. What each kind does to that call:
//   noise        NOISE_BYTES random bytes (always a NUL and a byte >= 0x80 among them)
//                before the dial's result (at=before) or inside its text (at=inside);
//   truncate     the dial's result stops after KEEP bytes of its text ("\r\nCONN"): no
//                line end, ever; the call itself goes on (a CONNECT is up at the bank);
//   silent       the dial gets no result at all and places no call; the modem takes the
//                next command as usual (echo, when on, is all it sends);
//   dribble      the dial's result goes one byte every GAP (and what the modem sends
//                meanwhile waits behind it);
//   carrier_loss a connected call drops AFTER (drawn) after CONNECT: NO CARRIER;
//   vanish       AFTER (drawn) after the dial the port disappears: its pty is closed (the
//                dialer's descriptor reads EOF, writes fail with EIO, polls POLLHUP) and its
//                link removed (ENOENT), for DOWN; then a new pty, a power-up modem, comes
//                back at the same link. Needs BankConfig::link_dir;
//   ring_flood   COUNT unsolicited RINGs, INTERVAL apart, from the dial on; the dial's
//                result waits for the last of them;
//   reset        the modem reboots at the dial: no result, every byte ignored for TIME,
//                then the power-up profile (echo on) answers commands again;
//   blacklist    the TBR21 call-attempt restrictions of European modems, a rule rather
//                than a draw (PROBABILITY must be 1): after a failed call (BUSY, NO ANSWER,
//                NO CARRIER) to a number, a dial to it within DELAY answers DELAYED; after
//                ATTEMPTS failed calls within PERIOD (from the first of them), every dial
//                to it answers BLACKLISTED until that PERIOD ends. A CONNECT to the number
//                clears its record. A refused dial places no call. Counted per refusal.
// silent, reset and a vanish at the dial swallow it: no call is placed, no result sent,
// and the call's other faults do not apply. Only the dial's result is edited (noise,
// truncate, dribble); the other responses (OK, NO CARRIER at a hang-up) are left alone.
//
// Thread safety: plain values and pure functions.
// Errors: ParseFault and ParseFaultConfig return a message naming the text and saying what
// is allowed; CheckFaultConfig names the fault ("faults[1] (vanish): ...").
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "dialsoak/sim/distribution.h"

namespace dialsoak::sim {

enum class FaultKind {
  kNoise,
  kTruncate,
  kSilent,
  kDribble,
  kCarrierLoss,
  kVanish,
  kRingFlood,
  kReset,
  kBlacklist
};
inline constexpr std::size_t kFaultKindCount = 9;
inline constexpr std::array<FaultKind, kFaultKindCount> kFaultKinds = {
    FaultKind::kNoise,       FaultKind::kTruncate, FaultKind::kSilent,    FaultKind::kDribble,
    FaultKind::kCarrierLoss, FaultKind::kVanish,   FaultKind::kRingFlood, FaultKind::kReset,
    FaultKind::kBlacklist};

// "noise", "truncate", "silent", "dribble", "carrier_loss", "vanish", "ring_flood", "reset",
// "blacklist".
std::string_view ToString(FaultKind kind);
std::optional<FaultKind> ParseFaultKind(std::string_view text);

enum class NoisePlace { kBefore, kInside };

// One fault. Each kind reads its own knobs; the others keep their defaults.
struct Fault {
  FaultKind kind = FaultKind::kNoise;
  double probability = 1;  // per dial on a port it targets, 0..1
  std::vector<int> ports;  // dialing ports it may hit; empty = all

  int noise_bytes = 8;                        // noise: bytes=N, 2..1024
  NoisePlace noise_at = NoisePlace::kBefore;  // noise: at=before|inside
  int truncate_keep = 4;                      // truncate: keep=N bytes of the result's text, 0..256
  std::chrono::nanoseconds dribble_gap = std::chrono::milliseconds(50);       // dribble: gap=DUR
  Distribution carrier_after = Distribution::Fixed(std::chrono::seconds(1));  // after=DIST
  Distribution vanish_after;  // vanish: after=DIST, from the dial (fixed:0: at the dial)
  std::chrono::nanoseconds vanish_down = std::chrono::seconds(2);  // vanish: down=DUR
  int ring_count = 10;                                             // ring_flood: count=N, 1..1000
  std::chrono::nanoseconds ring_interval = std::chrono::milliseconds(20);  // interval=DUR
  std::chrono::nanoseconds reset_time = std::chrono::seconds(2);           // reset: time=DUR
  int blacklist_attempts = 3;  // blacklist: attempts=N failed calls, 1..100
  std::chrono::nanoseconds blacklist_period = std::chrono::seconds(60);  // period=DUR (> 0)
  std::chrono::nanoseconds blacklist_delay = std::chrono::seconds(5);    // delay=DUR (>= 0)

  bool Targets(int port) const;
  // The canonical text, with every knob of the kind: "dribble:1/gap=50ms".
  std::string ToString() const;
};

struct FaultConfig {
  std::vector<Fault> faults;  // several at once; a kind applies at most once per call

  bool enabled() const { return !faults.empty(); }
  // The faults' texts separated by spaces, or "off".
  std::string ToString() const;
};

// Parses one fault: "KIND[:PROBABILITY][@PORT,...][/KNOB=VALUE...]", e.g. "noise",
// "truncate:0.1", "vanish@0,2/down=5s", "carrier_loss:0.5/after=uniform:1s,3s".
// Knobs (defaults): noise bytes=8, at=before|inside; truncate keep=4; dribble gap=50ms;
// carrier_loss after=1s; vanish after=0, down=2s; ring_flood count=10, interval=20ms;
// reset time=2s; blacklist attempts=3, period=60s, delay=5s; silent none. DUR is a duration (250ms, 2s), DIST a distribution (see
// distribution.h). The error names the text, the part that is wrong and what is allowed.
tl::expected<Fault, std::string> ParseFault(std::string_view text);

// Parses faults separated by spaces ("noise:0.1 vanish@0"); "" and "off" are none.
tl::expected<FaultConfig, std::string> ParseFaultConfig(std::string_view text);

// The first problem with faults for a bank of `ports` dialing ports, or nothing: ranges of
// the knobs (as ParseFault checks them), ports that exist, vanish only with a link dir.
// Messages start with "faults[I] (KIND): ".
std::optional<std::string> CheckFaultConfig(const FaultConfig& config, int ports,
                                            bool has_link_dir);

// Faults injected, per kind (each counted when it takes effect on a call, or for vanish
// when the port goes).
struct FaultCounts {
  std::uint64_t noise = 0, truncate = 0, silent = 0, dribble = 0, carrier_loss = 0, vanish = 0,
                ring_flood = 0, reset = 0, blacklist = 0;

  std::uint64_t& operator[](FaultKind kind);
  std::uint64_t operator[](FaultKind kind) const;
  std::uint64_t total() const;
};

}  // namespace dialsoak::sim
