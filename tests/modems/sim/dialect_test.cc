// The simulator's dialects: the ATX result code sets (Hayes X0-X4), numeric CONNECT speed
// codes, and the TBR21-style blacklist (fault "blacklist"), from the modem's state machine
// to a bank's pty.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "fault_fixture.h"
#include "fault_plan.h"
#include "modem_harness.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using at::ResultCode;
using testing::ModemHarness;
using testing::Printable;
using testing::QuietTty;
using testing::Recorder;
using testing::StartBank;
using testing::WithFaults;

// What a dial ending in `code` says at ATX`x` (verbose or numeric).
std::string DialResultAt(int x, bool verbose, ResultCode code) {
  ModemHarness h;
  h.Send("ATE0" + std::string(verbose ? "V1" : "V0") + "X" + std::to_string(x) + "\r");
  if (code == ResultCode::Connect) return h.Connect("33600/ARQ");
  h.Send("ATDT1\r");
  h.out.Clear();
  h.modem.DialResult(code, h.out);
  return h.out.to_dte;
}

TEST(SimDialectTest, EachXLevelReportsItsResultSet) {
  struct Case {
    int x;
    const char* connect;
    const char* busy;
    const char* no_dialtone;
    const char* no_answer;
  } cases[] = {
      {0, "CONNECT", "NO CARRIER", "NO CARRIER", "NO CARRIER"},
      {1, "CONNECT 33600/ARQ", "NO CARRIER", "NO CARRIER", "NO CARRIER"},
      {2, "CONNECT 33600/ARQ", "NO CARRIER", "NO DIALTONE", "NO CARRIER"},
      {3, "CONNECT 33600/ARQ", "BUSY", "NO CARRIER", "NO ANSWER"},
      {4, "CONNECT 33600/ARQ", "BUSY", "NO DIALTONE", "NO ANSWER"},
      {7, "CONNECT 33600/ARQ", "BUSY", "NO DIALTONE", "NO ANSWER"},  // USR X5-X7: as X4
  };
  auto line = [](const char* words) { return "\r\n" + std::string(words) + "\r\n"; };
  for (const Case& c : cases) {
    SCOPED_TRACE("X" + std::to_string(c.x));
    EXPECT_EQ(DialResultAt(c.x, true, ResultCode::Connect), line(c.connect));
    EXPECT_EQ(DialResultAt(c.x, true, ResultCode::Busy), line(c.busy));
    EXPECT_EQ(DialResultAt(c.x, true, ResultCode::NoDialtone), line(c.no_dialtone));
    EXPECT_EQ(DialResultAt(c.x, true, ResultCode::NoAnswer), line(c.no_answer));
    // The TBR21 refusals come at every level.
    EXPECT_EQ(DialResultAt(c.x, true, ResultCode::Blacklisted), line("BLACKLISTED"));
    EXPECT_EQ(DialResultAt(c.x, true, ResultCode::Delayed), line("DELAYED"));
  }
}

TEST(SimDialectTest, NumericCodesFollowTheXLevel) {
  // X0: codes 0-4 only; X1 and up: CONNECT's speed code (Rockwell/Conexant: 84 = 33600).
  EXPECT_EQ(DialResultAt(0, false, ResultCode::Connect), "1\r");
  EXPECT_EQ(DialResultAt(0, false, ResultCode::Busy), "3\r");
  EXPECT_EQ(DialResultAt(0, false, ResultCode::NoDialtone), "3\r");
  EXPECT_EQ(DialResultAt(1, false, ResultCode::Connect), "84\r");
  EXPECT_EQ(DialResultAt(2, false, ResultCode::NoDialtone), "6\r");
  EXPECT_EQ(DialResultAt(3, false, ResultCode::Busy), "7\r");
  EXPECT_EQ(DialResultAt(4, false, ResultCode::Connect), "84\r");
  EXPECT_EQ(DialResultAt(0, false, ResultCode::Blacklisted), "32\r");
  EXPECT_EQ(DialResultAt(0, false, ResultCode::Delayed), "24\r");
  ModemHarness h;
  h.Send("ATE0V0X1\r");
  EXPECT_EQ(h.Connect("2400"), "10\r");
}

TEST(SimDialectTest, XLevelIsPartOfTheProfile) {
  ModemHarness h;
  EXPECT_EQ(h.modem.result_set(), 4);  // power-up: every code
  EXPECT_EQ(h.Send("ATE0X0\r"), "ATE0X0\r\r\nOK\r\n");
  EXPECT_EQ(h.modem.result_set(), 0);
  EXPECT_EQ(h.Send("ATX8\r"), "\r\nERROR\r\n");
  EXPECT_EQ(h.modem.result_set(), 0);
  EXPECT_EQ(h.Send("ATZ\r"), "\r\nOK\r\n");
  EXPECT_EQ(h.modem.result_set(), 4);
}

TEST(SimDialectTest, RestrictionsDelayThenBlacklistForThePeriod) {
  Fault rule = *ParseFault("blacklist/attempts=3/period=60s/delay=5s");
  CallRestrictions r;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_FALSE(r.Check(rule, "555", t0));
  r.Failed(rule, "555", t0);
  EXPECT_EQ(r.Check(rule, "555", t0 + 1s), ResultCode::Delayed);
  EXPECT_FALSE(r.Check(rule, "556", t0 + 1s)) << "another number is not restricted";
  EXPECT_FALSE(r.Check(rule, "555", t0 + 5s)) << "the retry delay is over";
  r.Failed(rule, "555", t0 + 5s);
  EXPECT_EQ(r.Check(rule, "555", t0 + 9s), ResultCode::Delayed);
  r.Failed(rule, "555", t0 + 10s);  // third failure within the period
  EXPECT_EQ(r.Check(rule, "555", t0 + 16s), ResultCode::Blacklisted);
  EXPECT_EQ(r.Check(rule, "555", t0 + 59s), ResultCode::Blacklisted);
  EXPECT_FALSE(r.Check(rule, "555", t0 + 60s)) << "the period from the first failure ended";
  EXPECT_EQ(r.size(), 0u);
}

TEST(SimDialectTest, AConnectClearsTheNumbersRecord) {
  Fault rule = *ParseFault("blacklist/attempts=2/delay=0");
  CallRestrictions r;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  r.Failed(rule, "555", t0);
  EXPECT_FALSE(r.Check(rule, "555", t0)) << "delay=0: no DELAYED";
  r.Connected("555");
  r.Failed(rule, "555", t0 + 1s);
  EXPECT_FALSE(r.Check(rule, "555", t0 + 1s)) << "one failure since the CONNECT";
  r.Failed(rule, "555", t0 + 2s);
  EXPECT_EQ(r.Check(rule, "555", t0 + 2s), ResultCode::Blacklisted);
}

TEST(SimDialectTest, BlacklistFaultParsesAndChecks) {
  auto f = ParseFault("blacklist@0/attempts=2/period=30s/delay=1s");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->ToString(), "blacklist:1@0/attempts=2/period=30s/delay=1s");
  EXPECT_FALSE(ParseFault("blacklist/attempts=0"));
  EXPECT_FALSE(ParseFault("blacklist/period=0"));
  FaultConfig config{{*ParseFault("blacklist:0.5")}};
  const auto problem = CheckFaultConfig(config, 1, false);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("probability must be 1"), std::string::npos) << *problem;
}

// Through a bank's pty: every call BUSY, so the modem's record fills: DELAYED within the
// retry delay, BLACKLISTED after the third failure, a refused dial placing no call.
TEST(SimDialectTest, BankBlacklistsANumberAfterRepeatedFailures) {
  Recorder calls;
  BankConfig config = WithFaults("blacklist/attempts=3/period=30s/delay=300ms");
  config.call.p_busy = 1;
  auto bank = StartBank(config, &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  auto dial = [&](const std::string& number) {
    tty->Write("ATDT" + number + "\r");
    std::string got = tty->WaitForAny({"BUSY", "DELAYED", "BLACKLISTED", "CONNECT"}, 5s);
    tty->WaitFor("\r\n");
    return got;
  };
  EXPECT_EQ(dial("555"), "BUSY");
  EXPECT_EQ(dial("555"), "DELAYED");  // within 300 ms of the failure
  EXPECT_EQ(dial("777"), "BUSY");     // another number has its own record
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(dial("555"), "BUSY");
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(dial("555"), "BUSY");  // the third failure
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(dial("555"), "BLACKLISTED");
  EXPECT_EQ(dial("555"), "BLACKLISTED");
  const BankStats s = bank->stats();
  EXPECT_EQ(s.busy, 4u);
  EXPECT_EQ(s.delayed, 1u);
  EXPECT_EQ(s.blacklisted, 2u);
  EXPECT_EQ(s.faults.blacklist, 3u);
  auto records = calls.WaitFor(7);
  ASSERT_EQ(records.size(), 7u);
  EXPECT_EQ(records[1].result, "DELAYED");
  EXPECT_EQ(records[1].port_time, std::chrono::nanoseconds::zero()) << "no call placed";
  EXPECT_EQ(records[6].result, "BLACKLISTED");
}

// At X0 the bank's BUSY reaches the dialer as NO CARRIER, and the call record says so.
TEST(SimDialectTest, BankRecordsWhatTheModemSaidAtItsXLevel) {
  Recorder calls;
  BankConfig config;
  config.call.p_busy = 1;
  auto bank = StartBank(config, &calls);
  auto tty = QuietTty(bank->port_paths()[0]);
  tty->Write("ATX0DT1\r");
  const std::string got = tty->ReadThrough("\r\nNO CARRIER\r\n");
  EXPECT_EQ(got, "\r\nNO CARRIER\r\n") << Printable(got + tty->pending());
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].result, "NO CARRIER");
  EXPECT_EQ(bank->stats().busy, 1u) << "the bank's own count is what the line did";
}

}  // namespace
}  // namespace dialsoak::sim
