// ExecLine's hang-up by DTR drop on its tty (--device, no hang-up command), against
// scripted modems on a real pty: the hang-up is done only when the modem confirms it
// (NO CARRIER, or OK to AT once DTR is up again); a modem that answers neither is a failed
// hang-up with the reason. The dial command is `true` (exit 0: connected).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialsoak/exec/exec_line.h"
#include "dialsoak/serial/dtr_hangup.h"
#include "support/pty_pair.h"
#include "support/scripted_modem.h"

namespace dialsoak::exec {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testutil::Expect;
using testutil::ExpectDtrDrop;
using testutil::Send;

double Ms(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::unique_ptr<ExecLine> Connected(const testutil::PtyPair& pty,
                                    std::chrono::nanoseconds confirm_within) {
  ExecLineConfig c;
  c.dial = Command{{"true"}};
  c.tty = pty.slave_path();
  c.dtr_confirm_within = confirm_within;
  auto line = ExecLine::Open(std::move(c));
  EXPECT_TRUE(line) << (line ? "" : line.error().message);
  if (!line) return nullptr;
  DialOutcome d = (*line)->dial("1", Deadline::After(2s));
  EXPECT_EQ(d.result, CallResult::Connect) << d.detail;
  return std::move(*line);
}

TEST(ExecDtrHangupTest, NoCarrierAtTheDropIsAConfirmedHangup) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, {ExpectDtrDrop(), Send("\r\nNO CARRIER\r\n")});
  auto line = Connected(pty, 5s);
  ASSERT_TRUE(line);
  HangupOutcome h = line->hangup(Deadline::After(10s));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Dtr);
  EXPECT_EQ(h.detail, "DTR drop, NO CARRIER");
  EXPECT_LT(h.elapsed, serial::kDtrQuietWait) << Ms(h.elapsed) << " ms";
  EXPECT_TRUE(modem.WaitFinished(1s)) << modem.seen();
}

TEST(ExecDtrHangupTest, ASilentModemThatAnswersAtIsHungUpSoon) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, {ExpectDtrDrop(), Expect("AT\r"), Send("\r\nOK\r\n")});
  auto line = Connected(pty, 5s);
  ASSERT_TRUE(line);
  HangupOutcome h = line->hangup(Deadline::After(10s));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_THAT(h.detail, HasSubstr("AT OK"));
  EXPECT_GE(h.elapsed, serial::kDtrQuietWait) << Ms(h.elapsed) << " ms";
  EXPECT_LT(h.elapsed, 1500ms) << Ms(h.elapsed) << " ms";
  EXPECT_TRUE(modem.WaitFinished(1s)) << modem.seen();
  termios t{};  // DTR is up again
  ASSERT_EQ(::tcgetattr(pty.master(), &t), 0);
  EXPECT_NE(::cfgetospeed(&t), B0);
}

// Regression: a modem that never answered the DTR drop was counted as hung up
// (hangup_ok true, "DTR drop, no reply", 2001 ms), from the wait's return alone.
TEST(ExecDtrHangupTest, AModemSilentToTheDropAndToAtIsAFailedHangup) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, {ExpectDtrDrop(), Expect("AT\r")});
  auto line = Connected(pty, 1s);
  ASSERT_TRUE(line);
  HangupOutcome h = line->hangup(Deadline::After(10s));
  EXPECT_FALSE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Dtr);
  EXPECT_THAT(h.detail, HasSubstr("no NO CARRIER"));
  EXPECT_THAT(h.detail, HasSubstr("no OK to AT"));
  EXPECT_GE(h.elapsed, 1s) << Ms(h.elapsed) << " ms";
  EXPECT_LT(h.elapsed, 2s) << Ms(h.elapsed) << " ms";
  EXPECT_THAT(modem.seen(), HasSubstr("AT\r"));
}

}  // namespace
}  // namespace dialsoak::exec
