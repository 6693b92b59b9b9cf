// Answering ptys: a program on the answering side (the test, as mgetty would) gets RING,
// answers, and the two ptys carry data until one side hangs up.
#include <gtest/gtest.h>

#include "bank_fixture.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::AwaitDialResult;
using testing::DropDtr;
using testing::Recorder;
using testing::StartBank;
using testing::Tty;

BankConfig HuntGroup(int capacity, int ports = 1) {
  BankConfig config;
  config.ports = ports;
  config.pools = {PoolConfig{"5551234", capacity, true}};
  config.ring_interval = 100ms;
  return config;
}

// Opens the answering pty as mgetty -D does and sends its init.
void AttachProgram(Tty& answer) {
  answer.Write("ATQ0V1H0\r");
  ASSERT_TRUE(answer.WaitFor("OK\r\n")) << answer.pending();
}

TEST(SimAnswerTest, ProgramAnswersWithAtaAndDataFlowsBothWays) {
  Recorder calls;
  auto bank = StartBank(HuntGroup(1), &calls);
  ASSERT_EQ(bank->answer_paths().size(), 1u);
  Tty answer(bank->answer_paths()[0]);
  AttachProgram(answer);
  Tty dialer(bank->port_paths()[0]);

  dialer.Write("ATDT5551234\r");
  ASSERT_TRUE(answer.WaitFor("\r\nRING\r\n", 1s)) << answer.pending();
  ASSERT_TRUE(answer.WaitFor("\r\nRING\r\n", 1s)) << "RING is repeated";
  EXPECT_EQ(dialer.Drain(0ms), "ATDT5551234\r");  // nothing but the echo yet
  answer.Write("ATA\r");
  EXPECT_EQ(AwaitDialResult(answer), "CONNECT");
  EXPECT_EQ(AwaitDialResult(dialer), "CONNECT");

  dialer.Write("ping from the dialer");
  EXPECT_TRUE(answer.WaitFor("ping from the dialer")) << answer.pending();
  answer.Write("login: ");
  EXPECT_TRUE(dialer.WaitFor("login: ")) << dialer.pending();

  ASSERT_TRUE(DropDtr(dialer));
  EXPECT_TRUE(answer.WaitFor("\r\nNO CARRIER\r\n")) << answer.pending();
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "dtr");
  EXPECT_EQ(records[0].result, "CONNECT 33600/ARQ/V34/LAPM/V42BIS");
  EXPECT_GE(records[0].setup, 50ms);  // it rang at least twice, 100 ms apart
}

TEST(SimAnswerTest, AutoAnswerAndTheAnsweringSideHangsUp) {
  Recorder calls;
  auto bank = StartBank(HuntGroup(1), &calls);
  Tty answer(bank->answer_paths()[0]);
  AttachProgram(answer);
  answer.Write("ATS0=1\r");
  ASSERT_TRUE(answer.WaitFor("OK\r\n"));
  Tty dialer(bank->port_paths()[0]);
  dialer.Write("ATDT5551234\r");
  EXPECT_TRUE(answer.WaitFor("\r\nRING\r\n"));
  EXPECT_EQ(AwaitDialResult(answer), "CONNECT");
  EXPECT_EQ(AwaitDialResult(dialer), "CONNECT");

  ASSERT_TRUE(DropDtr(answer));
  EXPECT_TRUE(dialer.WaitFor("\r\nNO CARRIER\r\n")) << dialer.pending();
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].hangup_cause, "remote");
  EXPECT_EQ(bank->stats().hangups_remote, 1u);
  dialer.Write("AT\r");
  EXPECT_TRUE(dialer.WaitFor("OK\r\n"));
}

TEST(SimAnswerTest, ClosingTheAnsweringPtyHangsUpTheCaller) {
  auto bank = StartBank(HuntGroup(1));
  Tty answer(bank->answer_paths()[0]);
  AttachProgram(answer);
  answer.Write("ATS0=1\r");
  ASSERT_TRUE(answer.WaitFor("OK\r\n"));
  Tty dialer(bank->port_paths()[0]);
  dialer.Write("ATDT5551234\r");
  ASSERT_EQ(AwaitDialResult(dialer), "CONNECT");
  answer.Close();
  EXPECT_TRUE(dialer.WaitFor("\r\nNO CARRIER\r\n")) << dialer.pending();
}

TEST(SimAnswerTest, WithoutAProgramTheBankAnswersAndLoopsBack) {
  auto bank = StartBank(HuntGroup(1));
  Tty dialer(bank->port_paths()[0]);
  dialer.Write("ATE0DT5551234\r");
  ASSERT_EQ(AwaitDialResult(dialer), "CONNECT");
  dialer.Write("echo?");
  EXPECT_TRUE(dialer.WaitFor("echo?"));
  ASSERT_TRUE(DropDtr(dialer));

  {  // a program that came and went is no program
    Tty answer(bank->answer_paths()[0]);
    AttachProgram(answer);
  }
  dialer.Write("ATDT5551234\r");
  ASSERT_EQ(AwaitDialResult(dialer), "CONNECT");
  dialer.Write("still me");
  EXPECT_TRUE(dialer.WaitFor("still me"));
}

TEST(SimAnswerTest, CallerHangingUpStopsTheRinging) {
  Recorder calls;
  auto bank = StartBank(HuntGroup(1), &calls);
  Tty answer(bank->answer_paths()[0]);
  AttachProgram(answer);
  Tty dialer(bank->port_paths()[0]);
  dialer.Write("ATDT5551234\r");
  ASSERT_TRUE(answer.WaitFor("\r\nRING\r\n"));
  ASSERT_TRUE(DropDtr(dialer));
  auto records = calls.WaitFor(1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].result, "NO CARRIER");
  EXPECT_EQ(records[0].hangup_cause, "dtr");
  answer.Drain(50ms);  // a RING sent before the hang-up may still be on its way
  EXPECT_EQ(answer.Drain(300ms), "");  // three ring intervals: no RING may come
  answer.Write("ATA\r");
  EXPECT_TRUE(answer.WaitFor("NO CARRIER\r\n")) << answer.pending();
}

TEST(SimAnswerTest, BusyWhenEveryAnsweringPortIsInUse) {
  auto bank = StartBank(HuntGroup(1, 2));
  Tty answer(bank->answer_paths()[0]);
  AttachProgram(answer);
  answer.Write("ATS0=1\r");
  ASSERT_TRUE(answer.WaitFor("OK\r\n"));
  Tty first(bank->port_paths()[0]), second(bank->port_paths()[1]);
  first.Write("ATDT5551234\r");
  ASSERT_EQ(AwaitDialResult(first), "CONNECT");
  second.Write("ATDT5551234\r");
  EXPECT_EQ(AwaitDialResult(second), "BUSY");
  ASSERT_TRUE(DropDtr(first));
  ASSERT_TRUE(answer.WaitFor("NO CARRIER\r\n"));
  second.Write("ATDT5551234\r");
  EXPECT_EQ(AwaitDialResult(second), "CONNECT");
}

TEST(SimAnswerTest, AnsweringPortCannotDialOut) {
  auto bank = StartBank(HuntGroup(1));
  Tty answer(bank->answer_paths()[0]);
  AttachProgram(answer);
  answer.Write("ATDT1\r");
  EXPECT_EQ(AwaitDialResult(answer), "NO DIALTONE");
}

}  // namespace
}  // namespace dialsoak::sim
