// +++ escape with guard time (S12, 1/50 s) and escape character (S2), on a hand-moved clock.
#include <gtest/gtest.h>

#include "modem_harness.h"

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using testing::ModemHarness;

constexpr const char* kOk = "\r\nOK\r\n";

TEST(SimEscapeTest, PlusesFramedByGuardTimeEnterOnlineCommandMode) {
  ModemHarness h;
  h.Connect();
  EXPECT_EQ(h.Advance(1100ms), "");
  EXPECT_EQ(h.Send("+++"), "");
  EXPECT_EQ(h.out.to_line, "+++");  // sent on to the far end, as a real modem does
  ASSERT_TRUE(h.modem.NextTimer());
  EXPECT_EQ(*h.modem.NextTimer(), h.now + 1s);
  EXPECT_EQ(h.Advance(999ms), "");
  EXPECT_EQ(h.Advance(1ms), kOk);
  EXPECT_EQ(h.modem.state(), ModemState::OnlineCommand);
  EXPECT_FALSE(h.modem.NextTimer());
}

TEST(SimEscapeTest, ThenOReturnsAndHHangsUp) {
  ModemHarness h;
  h.Send("ATE0\r");
  h.Connect("33600/ARQ");
  h.Advance(2s);
  h.Send("+++");
  h.Advance(2s);
  EXPECT_EQ(h.Send("ATO\r"), "\r\nCONNECT 33600/ARQ\r\n");
  EXPECT_EQ(h.modem.state(), ModemState::Online);
  EXPECT_EQ(h.Send("data"), "");
  EXPECT_EQ(h.out.to_line, "data");
  h.Advance(2s);
  h.Send("+++");
  h.Advance(2s);
  EXPECT_EQ(h.Send("ATH0\r"), kOk);
  ASSERT_TRUE(h.HasEvent(ModemEvent::Kind::Hangup));
  EXPECT_EQ(h.out.events[0].cause, HangupCause::Command);
  EXPECT_EQ(h.modem.state(), ModemState::Command);
}

TEST(SimEscapeTest, NoEscapeWithoutSilenceBefore) {
  ModemHarness h;
  h.Connect();
  h.Advance(100ms);
  h.Send("+++");
  EXPECT_EQ(h.Advance(5s), "");
  EXPECT_EQ(h.modem.state(), ModemState::Online);
  h.Advance(2s);
  h.Send("x+++");  // data right before the pluses
  EXPECT_EQ(h.Advance(5s), "");
}

TEST(SimEscapeTest, DataAfterThePlusesCancels) {
  ModemHarness h;
  h.Connect();
  h.Advance(2s);
  h.Send("+++");
  h.Advance(500ms);
  h.Send("x");
  EXPECT_FALSE(h.modem.NextTimer());
  EXPECT_EQ(h.Advance(5s), "");
  EXPECT_EQ(h.modem.state(), ModemState::Online);
}

TEST(SimEscapeTest, FourPlusesAreData) {
  ModemHarness h;
  h.Connect();
  h.Advance(2s);
  h.Send("++++");
  EXPECT_EQ(h.Advance(5s), "");
  h.Send("+++");  // after 5 s of silence: a fresh escape
  EXPECT_EQ(h.Advance(1s), kOk);
}

TEST(SimEscapeTest, PlusesMayArriveApartWithinGuardTime) {
  ModemHarness h;
  h.Connect();
  h.Advance(2s);
  h.Send("+");
  h.Advance(300ms);
  h.Send("+");
  h.Advance(300ms);
  h.Send("+");
  EXPECT_EQ(h.Advance(1s), kOk);
}

TEST(SimEscapeTest, PlusesTooFarApartAreData) {
  ModemHarness h;
  h.Connect();
  h.Advance(2s);
  h.Send("+");
  h.Advance(1500ms);  // more than the guard time between pluses
  h.Send("++");
  EXPECT_EQ(h.Advance(5s), "");
}

TEST(SimEscapeTest, S12SetsTheGuardTime) {
  ModemHarness h;
  h.Send("ATS12=5\r");  // 100 ms
  h.Connect();
  h.Advance(150ms);
  h.Send("+++");
  EXPECT_EQ(h.Advance(99ms), "");
  EXPECT_EQ(h.Advance(1ms), kOk);
}

TEST(SimEscapeTest, S2SetsTheEscapeCharacterAndAbove127DisablesIt) {
  ModemHarness h;
  h.Send("ATS2=126\r");
  h.Connect();
  h.Advance(2s);
  h.Send("+++");
  EXPECT_EQ(h.Advance(2s), "");
  h.Send("~~~");
  EXPECT_EQ(h.Advance(1s), kOk);

  ModemHarness off;
  off.Send("ATS2=200\r");
  off.Connect();
  off.Advance(2s);
  off.Send("+++");
  EXPECT_FALSE(off.modem.NextTimer());
  EXPECT_EQ(off.Advance(2s), "");
}

TEST(SimEscapeTest, PlusesRightAfterOStillNeedTheGuardTime) {
  ModemHarness h;
  h.Send("ATE0\r");
  h.Connect();
  h.Advance(2s);
  h.Send("+++");
  h.Advance(2s);
  h.Send("ATO\r");
  h.Send("+++");  // no silence since the O command
  EXPECT_EQ(h.Advance(5s), "");
  EXPECT_EQ(h.modem.state(), ModemState::Online);
}

TEST(SimEscapeTest, EscapeInCommandModeIsJustText) {
  ModemHarness h;
  h.Send("ATE0\r");
  h.Advance(2s);
  EXPECT_EQ(h.Send("+++"), "");
  EXPECT_FALSE(h.modem.NextTimer());
}

}  // namespace
}  // namespace dialsoak::sim
