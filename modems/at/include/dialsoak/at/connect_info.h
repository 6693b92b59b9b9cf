// ConnectInfo: what a modem said about a call it connected — the rate and the protocol
// (modulation, error control, compression) — read from its CONNECT line
// ("CONNECT 33600/ARQ/V34/LAPM/V42BIS", "CONNECT 9600/REL", numeric speed codes under
// ATV0) and from the intermediate reports before it when they are on ("+MCR: V34",
// "+MRR: 33600", "+ER: LAPM", "+DR: V42B", "CARRIER 28800", "PROTOCOL: LAPM",
// "COMPRESSION: V42BIS").
// Pure functions; thread-safe. Never fails: what it does not recognise is left unset.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dialsoak/at/result_code.h"

namespace dialsoak::at {

struct ConnectInfo {
  // The line rate in bit/s: the carrier rate of +MRR:/CARRIER when reported (a modem set
  // to report its DTE rate says CONNECT 115200 whatever the line does), else CONNECT's.
  std::optional<std::uint32_t> rate;
  // Canonical, upper case; empty when the modem did not say.
  std::string modulation;  // V21 V22 V22BIS V23 V32 V32BIS V34 V90 V92 K56FLEX X2 BELL103 BELL212
  std::string error_control;  // LAPM MNP REL ARQ NONE (ARQ, REL: reliable, kind not named)
  std::string compression;    // V42BIS MNP5 V44 NONE
};

// From a CONNECT result (other codes give an empty ConnectInfo) and the intermediate
// reports and text heard before it (at::Response::info), in order. A report's value wins
// over the CONNECT suffix's for the same field, except for an ARQ/REL error control that
// only says "reliable". Tokens nobody knows (vendor words, garbage) are ignored.
ConnectInfo ParseConnectInfo(const Result& final, std::span<const std::string> info = {});

// "V34/LAPM/V42BIS": the fields that are set, joined by '/'; empty when none is.
std::string ProtocolText(const ConnectInfo& c);

}  // namespace dialsoak::at
