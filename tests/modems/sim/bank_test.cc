// The bank over real ptys: dial, hang-up by DTR, ATH and close, loopback, pools, delays,
// seeded outcomes, links.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "bank_fixture.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::AwaitDialResult;
using testing::DropDtr;
using testing::Eventually;
using testing::Recorder;
using testing::StartBank;
using testing::Tty;

constexpr const char* kConnect = "\r\nCONNECT 33600/ARQ/V34/LAPM/V42BIS\r\n";

TEST(SimBankTest, DialConnectsAndDtrDropHangsUp) {
  Recorder calls;
  auto bank = StartBank(BankConfig{}, &calls);
  ASSERT_EQ(bank->port_paths().size(), 1u);
  EXPECT_TRUE(bank->answer_paths().empty());
  Tty tty(bank->port_paths()[0]);

  tty.Write("ATDT5551234\r");
  ASSERT_TRUE(tty.WaitFor(std::string("ATDT5551234\r") + kConnect)) << tty.pending();
  ASSERT_TRUE(DropDtr(tty)) << tty.pending();
  tty.Write("AT\r");
  EXPECT_TRUE(tty.WaitFor("AT\r\r\nOK\r\n")) << tty.pending();

  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].port, 0);
  EXPECT_EQ(records[0].number, "5551234");
  EXPECT_EQ(records[0].result, "CONNECT 33600/ARQ/V34/LAPM/V42BIS");
  EXPECT_EQ(records[0].hangup_cause, "dtr");
  EXPECT_GT(records[0].held.count(), 0);
  const BankStats s = bank->stats();
  EXPECT_EQ(s.calls, 1u);
  EXPECT_EQ(s.connects, 1u);
  EXPECT_EQ(s.hangups_dtr, 1u);
}

TEST(SimBankTest, LoopsDataBackInBothSmallAndLargeAmounts) {
  auto bank = StartBank(BankConfig{});
  Tty tty(bank->port_paths()[0]);
  tty.Write("ATE0DT1\r");
  ASSERT_EQ(AwaitDialResult(tty), "CONNECT");
  tty.Write("hello, modem\r\n");
  EXPECT_TRUE(tty.WaitFor("hello, modem\r\n")) << tty.pending();

  // 256 KiB, more than the pty and the bank's queues hold, read back while writing.
  std::string sent, got;
  for (int i = 0; i < 64; ++i) {
    std::string chunk(4096, static_cast<char>('a' + i % 26));
    chunk[0] = static_cast<char>('0' + i % 10);
    tty.Write(chunk);
    sent += chunk;
    got += tty.Drain(0ms);
  }
  while (got.size() < sent.size()) {
    std::string more = tty.Drain(500ms);
    if (more.empty()) break;
    got += more;
  }
  EXPECT_EQ(got.size(), sent.size());
  EXPECT_TRUE(got == sent);
  EXPECT_TRUE(DropDtr(tty));
}

TEST(SimBankTest, ClosingTheTtyHangsUpAndReopenFindsCommandMode) {
  Recorder calls;
  auto bank = StartBank(BankConfig{}, &calls);
  Tty tty(bank->port_paths()[0]);
  tty.Write("ATE0V0\r");
  ASSERT_TRUE(tty.WaitFor("0\r"));
  tty.Write("ATDT5551234\r");
  ASSERT_TRUE(tty.WaitFor("84\r"));  // CONNECT 33600 as its speed code (ATX4)
  tty.Close();
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "close");
  EXPECT_EQ(bank->stats().hangups_close, 1u);

  tty.Open(bank->port_paths()[0]);
  tty.Write("AT\r");  // a command again, with the power-up profile (echo, verbose)
  EXPECT_TRUE(tty.WaitFor("AT\r\r\nOK\r\n")) << tty.pending();
}

TEST(SimBankTest, EscapeThenAthHangsUp) {
  Recorder calls;
  auto bank = StartBank(BankConfig{}, &calls);
  Tty tty(bank->port_paths()[0]);
  tty.Write("ATE0S12=5\r");  // guard time 100 ms
  ASSERT_TRUE(tty.WaitFor("OK\r\n"));
  tty.Write("ATDT1\r");
  ASSERT_EQ(AwaitDialResult(tty), "CONNECT");
  std::this_thread::sleep_for(150ms);
  tty.Write("+++");
  ASSERT_TRUE(tty.WaitFor("+++\r\nOK\r\n")) << tty.pending();  // looped back, then OK
  tty.Write("ATH\r");
  EXPECT_TRUE(tty.WaitFor("\r\nOK\r\n")) << tty.pending();
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "ath");
}

TEST(SimBankTest, FullPoolIsBusyAtOnceAndFreedAtHangup) {
  Recorder calls;
  BankConfig config;
  config.ports = 2;
  config.pools = {PoolConfig{"*", 1, false}};
  config.call.answer_delay = Distribution::Fixed(500ms);
  auto bank = StartBank(config, &calls);
  Tty a(bank->port_paths()[0]), b(bank->port_paths()[1]);
  a.Write("ATDT5551234\r");
  ASSERT_EQ(AwaitDialResult(a), "CONNECT");
  const auto start = std::chrono::steady_clock::now();
  b.Write("ATDT5551234\r");
  ASSERT_EQ(AwaitDialResult(b), "BUSY");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 400ms);  // at once, not after the delay
  ASSERT_TRUE(DropDtr(a));
  b.Write("ATDT5551234\r");
  EXPECT_EQ(AwaitDialResult(b), "CONNECT");
  const BankStats s = bank->stats();
  EXPECT_EQ(s.busy, 1u);
  EXPECT_EQ(s.blocked, 1u) << "the BUSY of a full pool is a blocked call";
  EXPECT_EQ(s.connects, 2u);
  auto records = calls.WaitFor(2);
  ASSERT_GE(records.size(), 2u);
  EXPECT_EQ(records[0].result, "BUSY");
  EXPECT_EQ(records[0].port, 1);
  EXPECT_EQ(records[0].hangup_cause, "");
  EXPECT_EQ(records[0].port_time, std::chrono::nanoseconds::zero()) << "blocked: held no port";
  // The first call held its port from the dial (500 ms answer delay) to the DTR drop.
  ASSERT_EQ(records[1].hangup_cause, "dtr");
  EXPECT_GE(records[1].port_time, records[1].setup + records[1].held);
  EXPECT_GE(records[1].port_time, 500ms);
  EXPECT_LT(records[1].dialed, records[0].dialed) << "dialed first, recorded second";
}

TEST(SimBankTest, ConnectTextAndItsSpeedForAti) {
  BankConfig config;
  config.call.connect_text = "28800/V32";
  auto bank = StartBank(config);
  Tty tty(bank->port_paths()[0]);
  tty.Write("ATE0I\r");
  EXPECT_TRUE(tty.WaitFor("\r\n28800\r\n\r\nOK\r\n")) << tty.pending();
  tty.Write("ATDT1\r");
  EXPECT_TRUE(tty.WaitFor("\r\nCONNECT 28800/V32\r\n")) << tty.pending();
}

TEST(SimBankTest, NumberWithoutPoolGetsNoAnswer) {
  BankConfig config;
  config.pools = {PoolConfig{"5551234", 0, false}};
  auto bank = StartBank(config);
  Tty tty(bank->port_paths()[0]);
  tty.Write("ATDT999\r");
  EXPECT_EQ(AwaitDialResult(tty), "NO ANSWER");
  tty.Write("ATDT5551234\r");
  EXPECT_EQ(AwaitDialResult(tty), "CONNECT");
}

TEST(SimBankTest, AnswerDelayIsHonouredAndS7CapsIt) {
  Recorder calls;
  BankConfig config;
  config.call.answer_delay = Distribution::Fixed(200ms);
  auto bank = StartBank(config, &calls);
  Tty tty(bank->port_paths()[0]);
  auto start = std::chrono::steady_clock::now();
  tty.Write("ATDT1\r");
  ASSERT_EQ(AwaitDialResult(tty), "CONNECT");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  ASSERT_TRUE(DropDtr(tty));
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_GE(records[0].setup, 200ms);
  EXPECT_LT(records[0].setup, 2s);

  tty.Write("ATS7=0\r");  // wait for carrier 0 s: the 200 ms delay is too long
  ASSERT_TRUE(tty.WaitFor("OK\r\n"));
  tty.Write("ATDT1\r");
  EXPECT_EQ(AwaitDialResult(tty, 1s), "NO CARRIER");
}

TEST(SimBankTest, AByteDuringTheDelayAbortsTheDial) {
  Recorder calls;
  BankConfig config;
  config.call.answer_delay = Distribution::Fixed(10s);
  auto bank = StartBank(config, &calls);
  Tty tty(bank->port_paths()[0]);
  tty.Write("ATE0DT1\r");
  tty.Drain(50ms);
  tty.Write("\r");
  EXPECT_EQ(AwaitDialResult(tty, 1s), "NO CARRIER");
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "abort");
  EXPECT_EQ(records[0].result, "NO CARRIER");
}

// Regression: a port opened before the bank's thread had read its start-up hang-up
// (no opener yet) had its first call closed under it, so the next DTR drop went unseen.
TEST(SimBankTest, PortsOpenedRightAfterStartKeepTheirFirstCall) {
  for (int round = 0; round < 5; ++round) {
    BankConfig config;
    config.ports = 64;
    auto bank = StartBank(config);
    std::vector<std::unique_ptr<Tty>> ttys;
    for (const std::string& path : bank->port_paths()) {
      ttys.push_back(std::make_unique<Tty>(path));
      ttys.back()->Write("ATDT1\r");
    }
    for (std::size_t i = 0; i < ttys.size(); ++i) {
      ASSERT_EQ(AwaitDialResult(*ttys[i]), "CONNECT") << "round " << round << " port " << i;
      ASSERT_TRUE(DropDtr(*ttys[i])) << "round " << round << " port " << i;
    }
  }
}

// Dials n times and returns the result words; hangs up after each CONNECT.
std::vector<std::string> DialMany(ModemBank& bank, int n) {
  Tty tty(bank.port_paths()[0]);
  tty.Write("ATE0\r");
  tty.WaitFor("OK\r\n");
  std::vector<std::string> results;
  for (int i = 0; i < n; ++i) {
    tty.Write("ATDT5551234\r");
    results.push_back(AwaitDialResult(tty));
    if (results.back() == "CONNECT" && !DropDtr(tty)) results.back() += " (no hang-up)";
  }
  return results;
}

TEST(SimBankTest, OutcomesFollowTheSeed) {
  BankConfig config;
  config.call.p_busy = 0.3;
  config.call.p_no_answer = 0.2;
  config.call.p_no_carrier = 0.1;
  config.call.p_no_dialtone = 0.1;
  config.seed = 7;
  const auto first = DialMany(*StartBank(config), 40);
  const auto again = DialMany(*StartBank(config), 40);
  config.seed = 8;
  const auto other = DialMany(*StartBank(config), 40);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  for (const char* r : {"CONNECT", "BUSY", "NO ANSWER", "NO CARRIER", "NO DIALTONE"}) {
    EXPECT_NE(std::find(first.begin(), first.end(), r), first.end()) << r;
  }
}

TEST(SimBankTest, LinksNameThePortsAndGoAway) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dialsoak-sim-links-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    BankConfig config;
    config.ports = 2;
    config.pools = {PoolConfig{"5551234", 1, true}};
    config.link_dir = dir;
    auto bank = StartBank(config);
    EXPECT_EQ(std::filesystem::read_symlink(dir / "modem0"), bank->port_paths()[0]);
    EXPECT_EQ(std::filesystem::read_symlink(dir / "modem1"), bank->port_paths()[1]);
    EXPECT_EQ(std::filesystem::read_symlink(dir / "answer0"), bank->answer_paths()[0]);
    Tty tty((dir / "modem1").string());
    tty.Write("AT\r");
    EXPECT_TRUE(tty.WaitFor("OK\r\n"));
  }
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir / "modem0")));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir / "answer0")));
  std::filesystem::remove_all(dir);
}

TEST(SimBankTest, LinkOverAFileIsAnError) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dialsoak-sim-file-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::FILE* f = std::fopen((dir / "modem0").c_str(), "w"); std::fclose(f); }
  BankConfig config;
  config.link_dir = dir;
  auto bank = ModemBank::Start(config);
  ASSERT_FALSE(bank);
  EXPECT_NE(bank.error().message.find("modem0"), std::string::npos) << bank.error().message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dialsoak::sim
