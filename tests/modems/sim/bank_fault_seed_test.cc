// Faults over many calls: probability and port selection follow the seed, the dialer's
// bytes agree with the records and the stats, faults leave the calls' own outcomes alone,
// and several faults combine on one call.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fault_fixture.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::AwaitDialResult;
using testing::DropDtr;
using testing::kConnect;
using testing::Printable;
using testing::QuietTty;
using testing::Recorder;
using testing::StartBank;
using testing::WithFaults;

// Dials n times on `port`, hanging up each call; per dial, whether noise came before the
// CONNECT (as the dialer saw it).
std::vector<bool> NoisyDials(ModemBank& bank, int port, int n) {
  auto tty = QuietTty(bank.port_paths()[static_cast<std::size_t>(port)]);
  std::vector<bool> noisy;
  for (int i = 0; i < n; ++i) {
    tty->Write("ATDT1\r");
    const std::string got = tty->ReadThrough(kConnect);
    if (got.empty()) {
      ADD_FAILURE() << "dial " << i << ": " << Printable(tty->pending());
      break;
    }
    noisy.push_back(got.size() > kConnect.size());
    if (!DropDtr(*tty)) ADD_FAILURE() << "hang-up " << i;
  }
  return noisy;
}

struct NoiseRunResult {
  std::vector<bool> port0, port1;
  std::vector<CallRecord> records;
  BankStats stats;
};

NoiseRunResult NoiseRun(std::uint64_t seed) {
  BankConfig config = WithFaults("noise:0.5@1");
  config.ports = 2;
  config.seed = seed;
  Recorder calls;
  auto bank = StartBank(config, &calls);
  NoiseRunResult run;
  run.port1 = NoisyDials(*bank, 1, 40);
  run.port0 = NoisyDials(*bank, 0, 10);
  run.records = calls.WaitFor(50);
  run.stats = bank->stats();
  return run;
}

TEST(SimFaultSeedTest, ProbabilityAndPortsFollowTheSeed) {
  const NoiseRunResult first = NoiseRun(7);
  ASSERT_EQ(first.port1.size(), 40u);
  ASSERT_EQ(first.records.size(), 50u);
  const auto noisy = std::count(first.port1.begin(), first.port1.end(), true);
  EXPECT_GT(noisy, 0) << "probability 0.5: some calls get noise";
  EXPECT_LT(noisy, 40) << "and some do not";
  EXPECT_EQ(std::count(first.port0.begin(), first.port0.end(), true), 0) << "@1: port 0 spared";

  // What the dialer saw is what the bank says it injected, call by call.
  for (std::size_t i = 0; i < first.records.size(); ++i) {
    const CallRecord& r = first.records[i];
    const bool said = !r.faults.empty();
    const bool saw = r.port == 1 ? first.port1[i] : first.port0[i - 40];
    EXPECT_EQ(said, saw) << "call " << i << " on port " << r.port;
  }
  EXPECT_EQ(first.stats.faults.noise, static_cast<std::uint64_t>(noisy));
  EXPECT_EQ(first.stats.faults.total(), first.stats.faults.noise);

  const NoiseRunResult again = NoiseRun(7);
  EXPECT_EQ(again.port1, first.port1) << "same seed, same faults";
  const NoiseRunResult other = NoiseRun(8);
  EXPECT_NE(other.port1, first.port1) << "another seed, other faults";
}

std::vector<std::string> Outcomes(const char* faults) {
  BankConfig config = WithFaults(faults);
  config.call.p_busy = 0.3;
  config.call.p_no_answer = 0.2;
  config.seed = 11;
  auto bank = StartBank(config);
  auto tty = QuietTty(bank->port_paths()[0]);
  std::vector<std::string> results;
  for (int i = 0; i < 30; ++i) {
    tty->Write("ATDT1\r");
    results.push_back(AwaitDialResult(*tty));
    if (results.back() == "CONNECT" && !DropDtr(*tty)) results.back() += " (no hang-up)";
  }
  return results;
}

TEST(SimFaultSeedTest, FaultsDrawApartFromTheCallsOutcomes) {
  const auto plain = Outcomes("");
  EXPECT_EQ(Outcomes("noise:0.5 ring_flood:0.5/count=2/interval=0"), plain);
  for (const char* r : {"CONNECT", "BUSY", "NO ANSWER"}) {
    EXPECT_NE(std::find(plain.begin(), plain.end(), r), plain.end()) << r;
  }
}

TEST(SimFaultSeedTest, SeveralFaultsOnOneCallAreEachCountedAndListed) {
  Recorder calls;
  auto bank = StartBank(WithFaults("ring_flood/count=3/interval=5ms noise/bytes=4 dribble/gap=2ms"),
                        &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\r");
  const std::string got = tty->ReadThrough(kConnect);
  ASSERT_FALSE(got.empty()) << Printable(tty->pending());
  const std::string rings = "\r\nRING\r\n\r\nRING\r\n\r\nRING\r\n";
  ASSERT_TRUE(got.starts_with(rings)) << Printable(got);
  EXPECT_EQ(got.size(), rings.size() + 4 + kConnect.size()) << "the noise, then the result";
  ASSERT_TRUE(DropDtr(*tty));

  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].faults, (std::vector<FaultKind>{FaultKind::kRingFlood, FaultKind::kNoise,
                                                       FaultKind::kDribble}));
  const BankStats s = bank->stats();
  EXPECT_EQ(s.faults.ring_flood, 1u);
  EXPECT_EQ(s.faults.noise, 1u);
  EXPECT_EQ(s.faults.dribble, 1u);
  EXPECT_EQ(s.faults.total(), 3u);
}

TEST(SimFaultSeedTest, ASwallowedDialTakesNoOtherFault) {
  Recorder calls;
  auto bank = StartBank(WithFaults("noise silent carrier_loss/after=0 ring_flood"), &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATDT1\r");
  EXPECT_EQ(tty->Drain(200ms), "");
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].faults, std::vector<FaultKind>{FaultKind::kSilent});
  const BankStats s = bank->stats();
  EXPECT_EQ(s.faults.silent, 1u);
  EXPECT_EQ(s.faults.total(), 1u);
  EXPECT_EQ(s.calls, s.unanswered) << "every dial ends in one result or in none";
}

TEST(SimFaultSeedTest, EveryDialEndsInOneResultOrNone) {
  BankConfig config = WithFaults("silent:0.2 reset:0.1/time=1ms truncate:0.2 noise:0.3");
  config.call.p_busy = 0.3;
  auto bank = StartBank(config);
  auto tty = QuietTty(bank->port_paths()[0]);
  for (int i = 0; i < 30; ++i) {
    // A dialer that gives up after a short deadline, hangs up a call that may be up
    // (CONNECT, whole or cut), and checks that the modem answers.
    tty->Write("ATDT1\r");
    const std::string result = tty->WaitForAny({kConnect, "BUSY\r\n"}, 100ms);
    if (result == kConnect || tty->pending().find("CONN") != std::string::npos) {
      ASSERT_TRUE(DropDtr(*tty)) << "dial " << i << ": " << Printable(tty->pending());
    }
    tty->Drain(0ms);
    tty->Write("AT\r");
    ASSERT_TRUE(tty->WaitFor("OK\r\n")) << "dial " << i << ": " << Printable(tty->pending());
  }
  const BankStats s = bank->stats();
  EXPECT_EQ(s.calls, 30u);
  EXPECT_EQ(s.connects + s.busy + s.no_answer + s.no_dialtone + s.no_carrier + s.unanswered,
            s.calls);
  EXPECT_EQ(s.unanswered, s.faults.silent + s.faults.reset);
  EXPECT_GT(s.faults.silent, 0u);
  EXPECT_GT(s.faults.truncate, 0u);
}

}  // namespace
}  // namespace dialsoak::sim
