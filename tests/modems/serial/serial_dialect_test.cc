// The serial line against the result codes of real modems beyond V.250's basic set: the
// TBR21 refusals, the Rockwell/Conexant numeric speed codes, the intermediate reports and
// a final-looking line no table knows. A scripted modem on a real pty plays each one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialsoak/serial/serial_line.h"
#include "support/pty_pair.h"
#include "support/scripted_modem.h"

namespace dialsoak::serial {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testutil::Expect;
using testutil::Send;
using testutil::Sleep;

SerialLineConfig Config(const testutil::PtyPair& pty) {
  SerialLineConfig c;
  c.device = pty.slave_path();
  c.init = {"ATZ"};
  c.command_timeout = 2s;
  return c;
}

template <typename... More>
std::vector<testutil::Step> Script(More... more) {
  std::vector<testutil::Step> s = {Expect("ATZ\r"), Send("\r\nOK\r\n")};
  (s.push_back(more), ...);
  return s;
}

TEST(SerialDialectTest, BlacklistedAndDelayedEndTheDialAtOnce) {
  const std::pair<const char*, CallResult> cases[] = {
      {"\r\nBLACKLISTED\r\n", CallResult::Blacklisted},
      {"\r\nDELAYED\r\n", CallResult::Delayed},
      {"32\r", CallResult::Blacklisted},
      {"24\r", CallResult::Delayed},
  };
  for (auto [bytes, expected] : cases) {
    testutil::PtyPair pty(true);
    testutil::ScriptedModem modem(pty, Script(Expect("ATDT5551234\r"), Send(bytes)));
    auto line = SerialLine::Open(Config(pty));
    ASSERT_TRUE(line);
    const auto start = Clock::now();
    DialOutcome d = (*line)->dial("5551234", Deadline::After(10s));
    EXPECT_EQ(d.result, expected) << bytes;
    EXPECT_LT(Clock::now() - start, 400ms) << bytes;  // not the quiet time, not the deadline
    EXPECT_THAT(d.detail, HasSubstr(ToString(expected) == std::string("blacklisted")
                                        ? "BLACKLISTED"
                                        : "DELAYED"));
    // The modem refused to dial: it is on hook, hang-up has nothing to do.
    EXPECT_EQ((*line)->hangup(Deadline::After(1s)).method, HangupMethod::None);
  }
}

TEST(SerialDialectTest, NumericSpeedCodeUnderV0IsAConnectAtItsRate) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(Expect("ATDT1\r"), Send("47\r77\r10\r")));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  DialOutcome d = (*line)->dial("1", Deadline::After(5s));
  EXPECT_EQ(d.result, CallResult::Connect);
  EXPECT_EQ(d.detail, "10 (CONNECT 2400)");
}

TEST(SerialDialectTest, IntermediateReportsBeforeConnectAreNotTheAnswer) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(
      pty, Script(Expect("ATDT1\r"), Send("\r\n+MCR: V34\r\n\r\n+MRR: 33600\r\n"), Sleep(600ms),
                  Send("\r\n+ER: LAPM\r\n\r\nCARRIER 33600\r\n\r\nPROTOCOL: LAPM\r\n"
                       "\r\nCOMPRESSION: V42BIS\r\n"),
                  Sleep(600ms), Send("\r\nCONNECT 33600/ARQ\r\n")));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  DialOutcome d = (*line)->dial("1", Deadline::After(5s));
  EXPECT_EQ(d.result, CallResult::Connect);  // no quiet time after a known report
  EXPECT_EQ(d.detail, "CONNECT 33600/ARQ");
}

TEST(SerialDialectTest, UnknownFinalLookingLineEndsTheDialAfterTheQuietTime) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(
      pty, Script(Expect("ATDT1\r"), Send("\r\nLINE IN USE\r\n"),
                  // Not trusted after that: asked (AT) and initialised again before the
                  // next dial.
                  Expect("AT\r"), Send("\r\nOK\r\n"), Expect("ATZ\r"), Send("\r\nOK\r\n"),
                  Expect("ATDT2\r"), Send("\r\nBUSY\r\n")));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  const auto start = Clock::now();
  DialOutcome d = (*line)->dial("1", Deadline::After(20s));
  const auto took = Clock::now() - start;
  EXPECT_EQ(d.result, CallResult::Unrecognised);
  EXPECT_EQ(d.detail, "unrecognised result: LINE IN USE");
  EXPECT_GE(took, at::kUnrecognisedQuiet);
  EXPECT_LT(took, at::kUnrecognisedQuiet + 1s);  // far from the 20 s deadline
  EXPECT_EQ((*line)->hangup(Deadline::After(1s)).method, HangupMethod::None);
  DialOutcome next = (*line)->dial("2", Deadline::After(5s));
  EXPECT_EQ(next.result, CallResult::Busy) << next.detail << "; modem saw: " << modem.seen();
}

TEST(SerialDialectTest, AKnownCodeWithinTheQuietTimeWinsOverAnUnknownLine) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(Expect("ATDT1\r"), Send("\r\nNO LINE\r\n"),
                                            Sleep(200ms), Send("\r\nNO CARRIER\r\n")));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  DialOutcome d = (*line)->dial("1", Deadline::After(5s));
  EXPECT_EQ(d.result, CallResult::NoCarrier);
  EXPECT_EQ(d.detail, "NO CARRIER");
}

TEST(SerialDialectTest, UnknownNumericCodeIsUnrecognisedWithItsNumber) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(Expect("ATDT1\r"), Send("33\r")));
  auto line = SerialLine::Open(Config(pty));
  ASSERT_TRUE(line);
  DialOutcome d = (*line)->dial("1", Deadline::After(5s));
  EXPECT_EQ(d.result, CallResult::Unrecognised);
  EXPECT_EQ(d.detail, "unrecognised result: 33");
}

TEST(SerialDialectTest, TheQuietTimeIsTheLinesSetting) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(pty, Script(Expect("ATDT1\r"), Send("\r\nLINE IN USE\r\n")));
  auto config = Config(pty);
  config.unrecognised_quiet = 100ms;
  auto line = SerialLine::Open(config);
  ASSERT_TRUE(line);
  const auto start = Clock::now();
  DialOutcome d = (*line)->dial("1", Deadline::After(5s));
  EXPECT_EQ(d.result, CallResult::Unrecognised);
  EXPECT_LT(Clock::now() - start, 450ms);
}

}  // namespace
}  // namespace dialsoak::serial
