// ModemHarness: drives a Modem by hand, with a clock the test moves.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "modem.h"

namespace dialsoak::sim::testing {

struct ModemHarness {
  explicit ModemHarness(ModemIdentity identity = {}) : modem(std::move(identity)) {}

  // Feeds bytes from the DTE and returns what the modem sent back to it. A dial does not
  // stop the bytes after it (they abort it), as no host acts in between here.
  std::string Send(std::string_view bytes) {
    out.Clear();
    while (!bytes.empty()) bytes.remove_prefix(modem.Feed(bytes, now, out));
    return out.to_dte;
  }
  // Moves the clock and fires the modem's timer if it is due.
  std::string Advance(std::chrono::milliseconds d) {
    now += d;
    out.Clear();
    if (auto t = modem.NextTimer(); t && *t <= now) modem.OnTimer(now, out);
    return out.to_dte;
  }
  std::string Dtr(bool up) {
    out.Clear();
    modem.SetDtr(up, out);
    return out.to_dte;
  }
  // Puts the modem in a call: ATDT1, then the host connects it.
  std::string Connect(std::string_view text = "33600") {
    Send("ATDT1\r");
    out.Clear();
    modem.Connected(text, now, out);
    return out.to_dte;
  }
  bool HasEvent(ModemEvent::Kind kind) const {
    for (const auto& e : out.events) {
      if (e.kind == kind) return true;
    }
    return false;
  }

  Modem modem;
  ModemOutput out;
  TimePoint now = TimePoint{} + std::chrono::hours(1);
};

}  // namespace dialsoak::sim::testing
