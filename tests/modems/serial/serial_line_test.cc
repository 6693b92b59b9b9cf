#include "dialsoak/serial/serial_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/pty_pair.h"
#include "support/scripted_modem.h"

namespace dialsoak::serial {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testutil::CloseMaster;
using testutil::Expect;
using testutil::ExpectDtrDrop;
using testutil::Send;
using testutil::Sleep;

SerialLineConfig Config(const testutil::PtyPair& pty) {
  SerialLineConfig c;
  c.device = pty.slave_path();
  c.init = {"ATZ"};
  c.command_timeout = 2s;
  return c;
}

std::vector<testutil::Step> Init() { return {Expect("ATZ\r"), Send("\r\nOK\r\n")}; }

template <typename... More>
std::vector<testutil::Step> Script(More... more) {
  std::vector<testutil::Step> s = Init();
  (s.push_back(more), ...);
  return s;
}

TEST(SerialLineTest, ConnectsAndHangsUpByDtrDrop) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(Expect("ATDT5551234\r"),
                                           Send("\r\nCONNECT 33600/ARQ/V34\r\n"), ExpectDtrDrop(),
                                           Send("\r\nNO CARRIER\r\n")));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ((*line)->hangup_method(), HangupMethod::Dtr);

  DialOutcome d = (*line)->dial("555-1234", Deadline::After(2s));
  EXPECT_EQ(d.result, CallResult::Connect) << d.detail;
  EXPECT_EQ(d.detail, "CONNECT 33600/ARQ/V34");
  EXPECT_GT(d.elapsed.count(), 0);

  HangupOutcome h = (*line)->hangup(Deadline::After(2s));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Dtr);
  EXPECT_THAT(h.detail, HasSubstr("NO CARRIER"));
  EXPECT_TRUE(modem.WaitFinished(1s)) << modem.seen();

  // DTR is up again: the speed was restored.
  termios t{};
  ASSERT_EQ(::tcgetattr(pty.master(), &t), 0);
  EXPECT_EQ(::cfgetospeed(&t), B115200);
}

TEST(SerialLineTest, HangsUpByEscapeWhereDtrCannotBeSeen) {
  testutil::PtyPair pty(false);
  testutil::ScriptedModem modem(
      pty, Script(Expect("ATS12=2\r"), Send("\r\nOK\r\n"), Expect("ATDT5551234\r"),
                  Send("\r\nCONNECT 115200\r\n"), Expect("+++"), Sleep(50ms),
                  Send("\r\nOK\r\n"), Expect("ATH0\r"), Send("\r\nOK\r\n")));
  auto config = Config(pty);
  config.guard_time = 50ms;
  auto line = SerialLine::Open(config);
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ((*line)->hangup_method(), HangupMethod::Escape);
  EXPECT_EQ((*line)->dial("5551234", Deadline::After(2s)).result, CallResult::Connect);

  auto start = Clock::now();
  HangupOutcome h = (*line)->hangup(Deadline::After(3s));
  EXPECT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.method, HangupMethod::Escape);
  EXPECT_EQ(h.detail, "+++ OK, ATH0 OK");
  EXPECT_GE(Clock::now() - start, 50ms) << "the guard time before +++ was not kept";
  EXPECT_TRUE(modem.WaitFinished(1s)) << modem.seen();
}

TEST(SerialLineTest, AShorterGuardTimeIsSetInTheModemsS12) {
  testutil::PtyPair pty(false);
  // 50 ms = 2.5 fiftieths of a second, rounded down to S12=2.
  testutil::ScriptedModem modem(pty, Script(Expect("ATS12=2\r"), Send("\r\nOK\r\n")));
  auto config = Config(pty);
  config.guard_time = 50ms;
  auto line = SerialLine::Open(config);
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_TRUE(modem.WaitFinished(1s)) << modem.seen();
}

TEST(SerialLineTest, PulseDialingUsesATDP) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(Expect("ATDP42\r"), Send("\r\nBUSY\r\n")));
  auto config = Config(pty);
  config.dial_mode = at::DialMode::Pulse;
  auto line = SerialLine::Open(config);
  ASSERT_TRUE(line);
  EXPECT_EQ((*line)->dial("42", Deadline::After(2s)).result, CallResult::Busy);
}

TEST(SerialLineTest, EveryFailureResultIsItsOwnOutcome) {
  const std::pair<const char*, CallResult> cases[] = {
      {"BUSY", CallResult::Busy},           {"NO CARRIER", CallResult::NoCarrier},
      {"NO DIALTONE", CallResult::NoDialtone}, {"NO ANSWER", CallResult::NoAnswer},
      {"ERROR", CallResult::Error},
  };
  for (auto [text, expected] : cases) {
    testutil::PtyPair pty(true);
    testutil::ScriptedModem modem(
        pty, Script(Expect("ATDT1\r"), Send(std::string("\r\n") + text + "\r\n")));
    auto line = SerialLine::Open(Config(pty));
    ASSERT_TRUE(line);
    DialOutcome d = (*line)->dial("1", Deadline::After(2s));
    EXPECT_EQ(d.result, expected) << text;
    EXPECT_EQ(d.detail, text);
    // The modem is back on hook: hang-up has nothing to do and sends nothing.
    HangupOutcome h = (*line)->hangup(Deadline::After(1s));
    EXPECT_TRUE(h.ok);
    EXPECT_EQ(h.method, HangupMethod::None);
  }
}

TEST(SerialLineTest, SilentModemTimesOutByTheDeadline) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(Expect("ATDT1\r"), Send("\r\nCONN")));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  auto start = Clock::now();
  DialOutcome d = (*line)->dial("1", Deadline::After(300ms));
  auto took = Clock::now() - start;
  EXPECT_EQ(d.result, CallResult::Timeout);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2s);
}

TEST(SerialLineTest, LineNoiseIsReportedWithTheBytesSeen) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(
      pty, Script(Expect("ATDT1\r"), Send(std::string("\r\n\x00\xff\xfe junk\r\nBUSY\r\n", 17))));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  DialOutcome d = (*line)->dial("1", Deadline::After(2s));
  EXPECT_EQ(d.result, CallResult::Busy);
  EXPECT_THAT(d.detail, HasSubstr("line noise"));
  EXPECT_THAT(d.detail, HasSubstr("\\xFF"));
}

TEST(SerialLineTest, VanishedDeviceIsAnIoError) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(Expect("ATDT1\r"), CloseMaster()));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  DialOutcome d = (*line)->dial("1", Deadline::After(2s));
  EXPECT_EQ(d.result, CallResult::IoError);
  EXPECT_THAT(d.detail, HasSubstr(pty.slave_path()));
}

TEST(SerialLineTest, FailedInitStringIsNamed) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, {Expect("ATZ\r"), Send("\r\nERROR\r\n")});
  auto line = SerialLine::Open(Config(pty));
  ASSERT_FALSE(line);
  EXPECT_THAT(line.error().message, HasSubstr("init 'ATZ'"));
  EXPECT_THAT(line.error().message, HasSubstr(pty.slave_path()));
  EXPECT_THAT(line.error().message, HasSubstr("ERROR"));
}

TEST(SerialLineTest, SilentModemFailsInitWithinTheCommandTimeout) {
  testutil::PtyPair pty(true);
  auto config = Config(pty);
  config.command_timeout = 200ms;
  auto line = SerialLine::Open(config);
  ASSERT_FALSE(line);
  EXPECT_THAT(line.error().message, HasSubstr("no answer within"));
}

TEST(SerialLineTest, BadNumberIsRefusedBeforeAnythingIsSent) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Init());
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  DialOutcome d = (*line)->dial("555\r\nATZ", Deadline::After(1s));
  EXPECT_EQ(d.result, CallResult::Error);
  EXPECT_TRUE(modem.WaitFinished(1s));
  EXPECT_EQ(modem.seen().find("ATD"), std::string::npos) << modem.seen();
}

TEST(SerialLineTest, DtrPolicyOnADeviceWithoutModemControlIsAClearError) {
  testutil::PtyPair pty(false);
  auto config = Config(pty);
  config.hangup = HangupPolicy::Dtr;
  auto line = SerialLine::Open(config);
  ASSERT_FALSE(line);
  EXPECT_THAT(line.error().message, HasSubstr("cannot drop DTR"));
}

}  // namespace
}  // namespace dialsoak::serial
