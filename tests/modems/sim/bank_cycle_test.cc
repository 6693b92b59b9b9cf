// A quick speed check: 1000 dial/hang-up cycles (ATDT / CONNECT, then B0 / NO CARRIER)
// over one port, as dialsoak's serial line does them. Asserts correctness only (every
// cycle connects and hangs up); prints cycles/s to compare with shared/tools/ptyfloor.
#include <cstdio>

#include <gtest/gtest.h>

#include "bank_fixture.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::StartBank;
using testing::Tty;

TEST(SimCycleTest, ThousandDialHangupCyclesOnOnePort) {
  auto bank = StartBank(BankConfig{});
  Tty tty(bank->port_paths()[0]);
  tty.Write("ATE0\r");
  ASSERT_TRUE(tty.WaitFor("OK\r\n"));

  constexpr int kCycles = 1000;
  int connects = 0, hangups = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCycles; ++i) {
    tty.Write("ATDT5551234\r");
    if (!tty.WaitFor("CONNECT 33600/ARQ/V34/LAPM/V42BIS\r\n")) break;
    ++connects;
    tty.SetDtr(false);
    const bool hung_up = tty.WaitFor("NO CARRIER\r\n");
    tty.SetDtr(true);
    if (!hung_up) break;
    ++hangups;
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(connects, kCycles) << tty.pending();
  EXPECT_EQ(hangups, kCycles) << tty.pending();
  EXPECT_EQ(bank->stats().hangups_dtr, static_cast<std::uint64_t>(kCycles));
  std::printf("[ cycles ] %d dial/hang-up cycles on 1 port in %.3f s = %.0f cycles/s\n",
              kCycles, took.count(), kCycles / took.count());
}

}  // namespace
}  // namespace dialsoak::sim
