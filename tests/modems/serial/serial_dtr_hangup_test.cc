// SerialLine's hang-up by DTR drop against scripted modems on a real pty (packet mode, so
// the B0 drop is seen at the master): a modem that says NO CARRIER, one that hangs up
// without a word but answers AT, one that answers nothing, and one whose NO CARRIER comes
// only after the AT probe. The hang-up counts only what the modem confirmed, and its
// latency is to the confirmation, not to a timeout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialsoak/serial/dtr_hangup.h"
#include "dialsoak/serial/serial_line.h"
#include "support/pty_pair.h"
#include "support/scripted_modem.h"

namespace dialsoak::serial {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testutil::Expect;
using testutil::ExpectDtrDrop;
using testutil::Send;

SerialLineConfig Config(const testutil::PtyPair& pty, std::chrono::nanoseconds command_timeout) {
  SerialLineConfig c;
  c.device = pty.slave_path();
  c.init = {"ATZ"};
  c.command_timeout = command_timeout;
  return c;
}

template <typename... More>
std::vector<testutil::Step> Script(More... more) {
  std::vector<testutil::Step> s = {Expect("ATZ\r"), Send("\r\nOK\r\n"), Expect("ATDT1\r"),
                                   Send("\r\nCONNECT 33600\r\n")};
  (s.push_back(more), ...);
  return s;
}

std::unique_ptr<SerialLine> Connected(const testutil::PtyPair& pty,
                                      std::chrono::nanoseconds command_timeout) {
  auto line = SerialLine::Open(Config(pty, command_timeout));
  EXPECT_TRUE(line) << (line ? "" : line.error().message);
  if (!line) return nullptr;
  EXPECT_EQ((*line)->hangup_method(), HangupMethod::Dtr);
  DialOutcome d = (*line)->dial("1", Deadline::After(2s));
  EXPECT_EQ(d.result, CallResult::Connect) << d.detail;
  return std::move(*line);
}

double Ms(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

TEST(SerialDtrHangupTest, NoCarrierAtTheDropIsConfirmedAtOnce) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(ExpectDtrDrop(), Send("\r\nNO CARRIER\r\n")));
  auto line = Connected(pty, 5s);
  ASSERT_TRUE(line);
  HangupOutcome h = line->hangup(Deadline::After(10s));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.detail, "DTR drop, NO CARRIER");
  EXPECT_LT(h.elapsed, kDtrQuietWait) << Ms(h.elapsed) << " ms";
  EXPECT_TRUE(modem.WaitFinished(1s)) << modem.seen();
  EXPECT_THAT(modem.seen(), ::testing::Not(HasSubstr("AT\r")));  // no probe needed
}

// Regression: a modem that hung up on DTR without a word cost the whole command timeout
// (5 s) before the AT that confirmed it, and that was reported as the hang-up latency.
TEST(SerialDtrHangupTest, ASilentModemIsProbedWithAtAfterAShortWait) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(ExpectDtrDrop(), Expect("AT\r"), Send("\r\nOK\r\n")));
  auto line = Connected(pty, 5s);
  ASSERT_TRUE(line);
  const auto start = Clock::now();
  HangupOutcome h = line->hangup(Deadline::After(10s));
  const auto took = Clock::now() - start;
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Dtr);
  EXPECT_THAT(h.detail, HasSubstr("AT OK"));
  // DTR was held low for the quiet wait, then the probe was answered at once.
  EXPECT_GE(h.elapsed, kDtrQuietWait) << Ms(h.elapsed) << " ms";
  EXPECT_LT(h.elapsed, 1500ms) << Ms(h.elapsed) << " ms";
  EXPECT_LT(took, 1500ms);
  EXPECT_TRUE(modem.WaitFinished(1s)) << modem.seen();
  // DTR is up again: the speed was restored.
  termios t{};
  ASSERT_EQ(::tcgetattr(pty.master(), &t), 0);
  EXPECT_EQ(::cfgetospeed(&t), B115200);
}

TEST(SerialDtrHangupTest, AModemSilentToTheDropAndToAtIsAFailedHangup) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(ExpectDtrDrop(), Expect("AT\r")));
  auto line = Connected(pty, 1s);
  ASSERT_TRUE(line);
  HangupOutcome h = line->hangup(Deadline::After(10s));
  EXPECT_FALSE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Dtr);
  EXPECT_THAT(h.detail, HasSubstr("no NO CARRIER"));
  EXPECT_THAT(h.detail, HasSubstr("no OK to AT"));
  EXPECT_GE(h.elapsed, 1s) << Ms(h.elapsed) << " ms";  // probed up to the command timeout
  EXPECT_LT(h.elapsed, 2s) << Ms(h.elapsed) << " ms";
  EXPECT_THAT(modem.seen(), HasSubstr("AT\r"));
}

TEST(SerialDtrHangupTest, AnErrorToAtIsNotAConfirmationAndIsNamed) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty,
                                Script(ExpectDtrDrop(), Expect("AT\r"), Send("\r\nERROR\r\n")));
  auto line = Connected(pty, 1s);
  ASSERT_TRUE(line);
  HangupOutcome h = line->hangup(Deadline::After(10s));
  EXPECT_FALSE(h.ok) << h.detail;
  EXPECT_THAT(h.detail, HasSubstr("ERROR"));
}

// A modem still busy hanging up says NO CARRIER after the probe, then answers the AT: the
// NO CARRIER confirms, and the OK behind it does not become the next dial's answer.
TEST(SerialDtrHangupTest, ALateNoCarrierConfirmsAndTheProbesOkIsNotLeftForTheNextDial) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(
      pty,
      Script(ExpectDtrDrop(), Expect("AT\r"), Send("\r\nNO CARRIER\r\n"), testutil::Sleep(50ms),
             Send("\r\nOK\r\n"), Expect("ATDT1\r"), Send("\r\nCONNECT 33600\r\n")));
  auto line = Connected(pty, 5s);
  ASSERT_TRUE(line);
  HangupOutcome h = line->hangup(Deadline::After(10s));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_THAT(h.detail, HasSubstr("NO CARRIER"));
  EXPECT_LT(h.elapsed, 1500ms) << Ms(h.elapsed) << " ms";
  DialOutcome d = line->dial("1", Deadline::After(2s));
  EXPECT_EQ(d.result, CallResult::Connect) << d.detail;
}

}  // namespace
}  // namespace dialsoak::serial
