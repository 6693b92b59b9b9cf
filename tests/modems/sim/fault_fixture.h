// Helpers for tests of a bank with faults: a config from --fault texts, byte checks, and
// a printable form of what a dialer read (for failure messages).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "bank_fixture.h"
#include "dialsoak/sim/fault.h"

namespace dialsoak::sim::testing {

inline constexpr std::string_view kConnect = "\r\nCONNECT 33600/ARQ/V34/LAPM/V42BIS\r\n";

// A one-port bank with the faults of `text` (as ParseFaultConfig reads it).
inline BankConfig WithFaults(std::string_view text) {
  BankConfig config;
  auto faults = ParseFaultConfig(text);
  if (!faults) throw std::invalid_argument(faults.error());
  config.faults = std::move(*faults);
  return config;
}

inline bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }
inline bool HasHighByte(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// "\r\nOK" -> "\\r\\nOK", other bytes outside ASCII's printable range as \xNN.
inline std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// Opens a tty on the bank's first port and turns echo off.
inline std::unique_ptr<Tty> QuietTty(const std::string& path) {
  auto tty = std::make_unique<Tty>(path);
  tty->Write("ATE0\r");
  if (!tty->WaitFor("OK\r\n")) ADD_FAILURE() << "no OK to ATE0 on " << path;
  return tty;
}

}  // namespace dialsoak::sim::testing
