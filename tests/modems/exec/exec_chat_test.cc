// ExecLine with its commands on a tty, the way pppd runs a connect script: ppp's real
// `chat` dials the simulator's modem over the line's pty, exit codes of chat map to
// results, DTR is dropped at hang-up, and a NO CARRIER during the hold ends the call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialsoak/exec/exec_line.h"
#include "dialsoak/sim/bank.h"
#include "dialsoak/sim/fault.h"

namespace dialsoak::exec {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// chat's ABORT strings in this order: exit 4 is BUSY, 5 NO CARRIER, 6 NO DIALTONE.
Command Chat(int timeout_s = 5) {
  return Command{{"chat", "-s", "-v", "-t", std::to_string(timeout_s), "ABORT", "BUSY", "ABORT",
                  "NO CARRIER", "ABORT", "NO DIALTONE", "", "ATZ", "OK", "ATDT{number}",
                  "CONNECT", ""}};
}

class ExecChatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!FindProgram("chat")) GTEST_SKIP() << "ppp's chat is not installed (scripts/bootstrap)";
  }

  void StartBank(sim::BankConfig config) {
    auto bank = sim::ModemBank::Start(std::move(config));
    ASSERT_TRUE(bank) << bank.error().message;
    bank_ = std::move(*bank);
  }

  std::unique_ptr<ExecLine> ChatLine() {
    ExecLineConfig c;
    c.dial = Chat();
    c.exit_results = {{3, CallResult::Timeout}, {4, CallResult::Busy},
                      {5, CallResult::NoCarrier}, {6, CallResult::NoDialtone}};
    c.tty = bank_->port_paths()[0];
    auto line = ExecLine::Open(c);
    EXPECT_TRUE(line) << (line ? "" : line.error().message);
    return line ? std::move(*line) : nullptr;
  }

  std::unique_ptr<sim::ModemBank> bank_;
};

TEST_F(ExecChatTest, ChatDialsTheModemOnTheTtyAndDtrHangsUp) {
  StartBank(sim::BankConfig{});
  auto line = ChatLine();
  ASSERT_TRUE(line);
  for (int i = 0; i < 3; ++i) {
    DialOutcome d = line->dial("5551234", Deadline::After(10s));
    ASSERT_EQ(d.result, CallResult::Connect) << d.detail;
    EXPECT_TRUE(line->watchable());
    EXPECT_EQ(line->watch(Deadline::After(50ms)), std::nullopt);
    HangupOutcome h = line->hangup(Deadline::After(5s));
    EXPECT_TRUE(h.ok) << h.detail;
    EXPECT_EQ(h.method, HangupMethod::Dtr);
    EXPECT_EQ(h.detail, "DTR drop, NO CARRIER");
  }
  const sim::BankStats st = bank_->stats();
  EXPECT_EQ(st.connects, 3u);
  EXPECT_EQ(st.hangups_dtr, 3u);
}

TEST_F(ExecChatTest, ChatsExitCodesBecomeResults) {
  sim::BankConfig config;
  config.call.p_busy = 1;
  StartBank(config);
  auto line = ChatLine();
  ASSERT_TRUE(line);
  DialOutcome d = line->dial("5551234", Deadline::After(10s));
  EXPECT_EQ(d.result, CallResult::Busy);
  EXPECT_THAT(d.detail, HasSubstr("exit 4 (busy)"));
  EXPECT_EQ(line->hangup(Deadline::After(1s)).method, HangupMethod::None);
}

TEST_F(ExecChatTest, ChatsOwnTimeoutIsATimeout) {
  sim::BankConfig config;
  config.call.answer_delay = *sim::Distribution::Parse("fixed:3s");
  StartBank(config);
  ExecLineConfig c;
  c.dial = Chat(/*timeout_s=*/1);
  c.exit_results = {{3, CallResult::Timeout}};
  c.tty = bank_->port_paths()[0];
  auto line = ExecLine::Open(c);
  ASSERT_TRUE(line) << line.error().message;
  DialOutcome d = (*line)->dial("5551234", Deadline::After(10s));
  EXPECT_EQ(d.result, CallResult::Timeout);
  EXPECT_THAT(d.detail, HasSubstr("exit 3 (timeout)"));  // chat gave up, not our deadline
  EXPECT_LT(d.elapsed, 3s);
}

TEST_F(ExecChatTest, ANoCarrierDuringTheHoldEndsTheCall) {
  sim::BankConfig config;
  config.faults.faults.push_back(*sim::ParseFault("carrier_loss:1/after=100ms"));
  StartBank(config);
  auto line = ChatLine();
  ASSERT_TRUE(line);
  ASSERT_EQ(line->dial("5551234", Deadline::After(10s)).result, CallResult::Connect);
  EXPECT_EQ(line->watch(Deadline::After(5s)), "NO CARRIER");
  HangupOutcome h = line->hangup(Deadline::After(1s));
  EXPECT_TRUE(h.ok);
  EXPECT_EQ(h.method, HangupMethod::None);
}

}  // namespace
}  // namespace dialsoak::exec
