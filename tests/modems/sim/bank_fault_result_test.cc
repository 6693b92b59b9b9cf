// Faults on a dial's result, seen through a real pty as a dialer sees them: noise before
// or inside the result, a result cut short, no result at all, a result one byte at a time.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "fault_fixture.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::DropDtr;
using testing::HasHighByte;
using testing::HasNul;
using testing::kConnect;
using testing::Printable;
using testing::QuietTty;
using testing::Recorder;
using testing::StartBank;
using testing::WithFaults;

TEST(SimFaultTest, NoiseBeforeTheResultHasANulAndAHighByteAndTheResultFollows) {
  Recorder calls;
  auto bank = StartBank(WithFaults("noise/bytes=16"), &calls);
  auto tty = QuietTty(bank->port_paths()[0]);  // ATE0 is no dial: no noise on its OK
  tty->Write("ATDT5551234\r");
  const std::string got = tty->ReadThrough(kConnect);
  ASSERT_FALSE(got.empty()) << Printable(tty->pending());
  const std::string noise = got.substr(0, got.size() - kConnect.size());
  EXPECT_EQ(noise.size(), 16u) << Printable(got);
  EXPECT_TRUE(HasNul(noise)) << Printable(noise);
  EXPECT_TRUE(HasHighByte(noise)) << Printable(noise);
  ASSERT_TRUE(DropDtr(*tty)) << "the call is up: " << Printable(tty->pending());

  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].faults, std::vector<FaultKind>{FaultKind::kNoise});
  EXPECT_EQ(records[0].result, "CONNECT 33600/ARQ/V34/LAPM/V42BIS");
  const BankStats s = bank->stats();
  EXPECT_EQ(s.faults.noise, 1u);
  EXPECT_EQ(s.faults.total(), 1u);
  EXPECT_EQ(s.connects, 1u);
}

TEST(SimFaultTest, NoiseInsideTheResultInterleavesWithIt) {
  auto bank = StartBank(WithFaults("noise/bytes=8/at=inside"));
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\r");
  const std::string got = tty->ReadBytes(kConnect.size() + 8);
  ASSERT_EQ(got.size(), kConnect.size() + 8) << Printable(got);
  EXPECT_EQ(tty->Drain(100ms), "") << "noise and result, nothing else";
  EXPECT_EQ(got.find(kConnect), std::string::npos) << "the noise breaks the line";
  // The result's bytes are all there, in order, around one block of 8 noise bytes.
  std::size_t at = 0;
  for (std::size_t k = 1; k < kConnect.size(); ++k) {
    if (got.substr(0, k) + got.substr(k + 8) == kConnect) at = k;
  }
  ASSERT_NE(at, 0u) << Printable(got);
  EXPECT_TRUE(HasNul(got.substr(at, 8)) && HasHighByte(got.substr(at, 8))) << Printable(got);
  EXPECT_TRUE(DropDtr(*tty));
}

TEST(SimFaultTest, TruncatedResultNeverCompletes) {
  Recorder calls;
  auto bank = StartBank(WithFaults("truncate"), &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\r");
  EXPECT_EQ(tty->ReadThrough("CONN"), "\r\nCONN");
  EXPECT_EQ(tty->Drain(300ms), "") << "no line end, no rest of the result";
  const BankStats s = bank->stats();
  EXPECT_EQ(s.faults.truncate, 1u);
  EXPECT_EQ(s.connects, 1u) << "the bank's side of the call is up";
  // The dialer's way out after its timeout: drop DTR; the modem hangs up the call.
  ASSERT_TRUE(DropDtr(*tty)) << Printable(tty->pending());
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].faults, std::vector<FaultKind>{FaultKind::kTruncate});
  EXPECT_EQ(records[0].hangup_cause, "dtr");
}

TEST(SimFaultTest, TruncateKeepsTheBytesAsked) {
  auto bank = StartBank(WithFaults("truncate/keep=7"));
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\r");
  // "CONNECT" in full, but no line end: a reader that waits for CR LF waits for ever.
  EXPECT_EQ(tty->ReadThrough("CONNECT"), "\r\nCONNECT");
  EXPECT_EQ(tty->Drain(200ms), "");
}

TEST(SimFaultTest, SilentDialGetsNothingAndPlacesNoCall) {
  Recorder calls;
  auto bank = StartBank(WithFaults("silent"), &calls);
  testing::Tty tty(bank->port_paths()[0]);
  tty.Write("ATDT1\r");  // echo on: the echo is all that comes
  EXPECT_EQ(tty.Drain(300ms), "ATDT1\r");
  tty.Write("ATE0\r");
  ASSERT_TRUE(tty.WaitFor("OK\r\n")) << "the next command is answered";
  tty.Write("ATDT1\r");
  EXPECT_EQ(tty.Drain(300ms), "") << "nothing at all within the deadline";
  tty.Write("AT\r");
  EXPECT_TRUE(tty.WaitFor("\r\nOK\r\n")) << Printable(tty.pending());

  auto records = calls.WaitFor(2);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].result, "");
  EXPECT_EQ(records[1].hangup_cause, "");
  EXPECT_EQ(records[1].faults, std::vector<FaultKind>{FaultKind::kSilent});
  const BankStats s = bank->stats();
  EXPECT_EQ(s.calls, 2u);
  EXPECT_EQ(s.unanswered, 2u);
  EXPECT_EQ(s.connects + s.no_carrier + s.busy, 0u);
  EXPECT_EQ(s.faults.silent, 2u);
}

// Regression: the bytes after a dial in the same write were fed to the modem before the
// bank had handled the dial, so they aborted it (NO CARRIER) even when a fault dropped it.
TEST(SimFaultTest, ACommandRightAfterASilentDialIsAnswered) {
  auto bank = StartBank(WithFaults("silent"));
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\rATI3\r");
  EXPECT_EQ(tty->ReadThrough("OK\r\n"), "\r\ndialsoak modemsim V.34 data modem\r\n\r\nOK\r\n")
      << Printable(tty->pending());
  EXPECT_EQ(bank->stats().no_carrier, 0u) << "nothing aborted";
}

TEST(SimFaultTest, WithoutFaultsAByteRightAfterTheDialStillAbortsIt) {
  BankConfig config;
  config.call.answer_delay = Distribution::Fixed(10s);
  Recorder calls;
  auto bank = StartBank(config, &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\rX");
  EXPECT_EQ(tty->ReadThrough("NO CARRIER\r\n", 1s), "\r\nNO CARRIER\r\n");
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "abort");
}

TEST(SimFaultTest, DribbleSendsTheResultOneByteEveryGap) {
  constexpr auto kGap = 20ms;
  auto bank = StartBank(WithFaults("dribble/gap=20ms"));
  auto tty = QuietTty(bank->port_paths()[0]);
  const auto start = std::chrono::steady_clock::now();
  tty->Write("ATDT1\r");
  // Read as the bytes come, counting the reads.
  std::string got;
  int reads = 0;
  const auto deadline = start + 10s;
  while (got.size() < kConnect.size() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{tty->fd(), POLLIN, 0};
    ::poll(&p, 1, 100);
    char buf[64];
    const ssize_t n = ::read(tty->fd(), buf, sizeof buf);
    if (n > 0) {
      got.append(buf, static_cast<std::size_t>(n));
      ++reads;
    }
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(got, kConnect) << Printable(got);
  EXPECT_GE(took, (kConnect.size() - 1) * kGap) << "one gap between bytes";
  EXPECT_GE(reads, static_cast<int>(kConnect.size() / 2)) << "the bytes come apart";
  EXPECT_EQ(bank->stats().faults.dribble, 1u);
  EXPECT_TRUE(testing::DropDtr(*tty));
}

}  // namespace
}  // namespace dialsoak::sim
