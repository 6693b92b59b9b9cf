// Faults on a call, seen through a real pty as a dialer sees them: a flood of RINGs before
// the result, a modem that reboots, a connected call that loses its carrier.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fault_fixture.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::kConnect;
using testing::Printable;
using testing::QuietTty;
using testing::Recorder;
using testing::StartBank;
using testing::WithFaults;

int Count(std::string_view haystack, std::string_view needle) {
  int n = 0;
  for (auto at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

TEST(SimFaultTest, RingFloodSendsManyRingsBeforeTheResult) {
  auto bank = StartBank(WithFaults("ring_flood/count=15/interval=10ms"));
  auto tty = QuietTty(bank->port_paths()[0]);
  const auto start = std::chrono::steady_clock::now();
  tty->Write("ATDT1\r");
  const std::string got = tty->ReadThrough(kConnect);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got.empty()) << Printable(tty->pending());
  std::string rings;
  for (int i = 0; i < 15; ++i) rings += "\r\nRING\r\n";
  EXPECT_EQ(got, rings + std::string(kConnect)) << Printable(got);
  EXPECT_GE(took, 150ms) << "15 RINGs 10 ms apart, the result after the last";
  EXPECT_EQ(bank->stats().faults.ring_flood, 1u);
  EXPECT_TRUE(testing::DropDtr(*tty));
}

TEST(SimFaultTest, RingFloodWithNoIntervalComesAtOnceAlsoBeforeABusy) {
  BankConfig config = WithFaults("ring_flood/count=40/interval=0");
  config.call.p_busy = 1;
  auto bank = StartBank(config);
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\r");
  const std::string got = tty->ReadThrough("\r\nBUSY\r\n");
  EXPECT_EQ(Count(got, "\r\nRING\r\n"), 40) << Printable(got);
  EXPECT_TRUE(got.starts_with("\r\nRING\r\n")) << Printable(got);
}

TEST(SimFaultTest, ResetIgnoresEverythingForItsTimeThenAnswersWithThePowerUpProfile) {
  Recorder calls;
  auto bank = StartBank(WithFaults("reset/time=500ms"), &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  const auto start = std::chrono::steady_clock::now();
  tty->Write("ATDT1\rAT\r");  // in one write: the AT comes after the modem went down
  EXPECT_EQ(tty->Drain(200ms), "") << "no result to the dial, no answer to AT while rebooting";
  // Ask until it answers; each AT that comes during the reboot is ignored.
  std::string answer;
  const bool answered = Eventually(
      [&] {
        tty->Write("AT\r");
        answer = tty->ReadThrough("OK\r\n", 100ms);
        return !answer.empty();
      },
      5s);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(answered) << Printable(tty->pending());
  EXPECT_GE(took, 500ms);
  EXPECT_EQ(answer, "AT\r\r\nOK\r\n") << "echo is back on: " << Printable(answer);

  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].result, "");
  EXPECT_EQ(records[0].faults, std::vector<FaultKind>{FaultKind::kReset});
  const BankStats s = bank->stats();
  EXPECT_EQ(s.faults.reset, 1u);
  EXPECT_EQ(s.unanswered, 1u);
  EXPECT_EQ(s.connects, 0u);
}

TEST(SimFaultTest, CarrierLossDropsTheConnectedCallAndIsCounted) {
  Recorder calls;
  auto bank = StartBank(WithFaults("carrier_loss/after=300ms"), &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  const auto dialed = std::chrono::steady_clock::now();
  tty->Write("ATDT1\r");
  ASSERT_FALSE(tty->ReadThrough(kConnect).empty()) << Printable(tty->pending());
  tty->Write("ping\r\n");
  ASSERT_TRUE(tty->WaitFor("ping\r\n")) << "the call is up: data loops back";
  ASSERT_TRUE(tty->WaitFor("\r\nNO CARRIER\r\n")) << Printable(tty->pending());
  EXPECT_GE(std::chrono::steady_clock::now() - dialed, 300ms);
  tty->Write("AT\r");
  EXPECT_TRUE(tty->WaitFor("\r\nOK\r\n")) << "command mode again";

  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "carrier");
  EXPECT_EQ(records[0].result, "CONNECT 33600/ARQ/V34/LAPM/V42BIS");
  EXPECT_GE(records[0].held, 300ms);
  EXPECT_EQ(records[0].faults, std::vector<FaultKind>{FaultKind::kCarrierLoss});
  const BankStats s = bank->stats();
  EXPECT_EQ(s.connects, 1u);
  EXPECT_EQ(s.hangups_carrier, 1u);
  EXPECT_EQ(s.hangups_dtr + s.hangups_ath + s.hangups_close + s.hangups_remote, 0u);
  EXPECT_EQ(s.faults.carrier_loss, 1u);
}

TEST(SimFaultTest, CarrierLossSparesACallThatEndsFirst) {
  Recorder calls;
  auto bank = StartBank(WithFaults("carrier_loss/after=10s"), &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\r");
  ASSERT_FALSE(tty->ReadThrough(kConnect).empty());
  ASSERT_TRUE(testing::DropDtr(*tty));
  ASSERT_EQ(calls.WaitFor(1).size(), 1u);
  EXPECT_TRUE(calls.WaitFor(1)[0].faults.empty()) << "armed, never injected";
  EXPECT_EQ(bank->stats().faults.carrier_loss, 0u);
  EXPECT_EQ(bank->stats().hangups_dtr, 1u);
}

}  // namespace
}  // namespace dialsoak::sim
