// The serial line's outcome carries what a CONNECT said about the call: its rate and
// protocol, from the CONNECT line (verbose and ATV0) and the reports before it. A scripted
// modem on a real pty plays each form.
#include <gtest/gtest.h>

#include "dialsoak/serial/serial_line.h"
#include "support/pty_pair.h"
#include "support/scripted_modem.h"

namespace dialsoak::serial {
namespace {

using namespace std::chrono_literals;
using testutil::Expect;
using testutil::Send;

DialOutcome DialAgainst(const std::string& answer) {
  testutil::PtyPair pty(true);
  testutil::ScriptedModem modem(
      pty, {Expect("ATZ\r"), Send("\r\nOK\r\n"), Expect("ATDT1\r"), Send(answer)});
  SerialLineConfig c;
  c.device = pty.slave_path();
  c.init = {"ATZ"};
  c.command_timeout = 2s;
  auto line = SerialLine::Open(c);
  EXPECT_TRUE(line);
  if (!line) return DialOutcome{CallResult::Error, {}, "open failed"};
  return (*line)->dial("1", Deadline::After(5s));
}

TEST(SerialConnectInfoTest, VerboseConnectGivesRateAndProtocol) {
  const DialOutcome d = DialAgainst("\r\nCONNECT 33600/ARQ/V34/LAPM/V42BIS\r\n");
  ASSERT_EQ(d.result, CallResult::Connect);
  EXPECT_EQ(d.connect_rate, 33600u);
  EXPECT_EQ(d.modulation, "V34");
  EXPECT_EQ(d.error_control, "LAPM");
  EXPECT_EQ(d.compression, "V42BIS");
}

TEST(SerialConnectInfoTest, NumericSpeedCodeGivesItsRate) {
  const DialOutcome d = DialAgainst("64\r");
  ASSERT_EQ(d.result, CallResult::Connect);
  EXPECT_EQ(d.connect_rate, 28800u);
  EXPECT_EQ(d.modulation, "");
}

TEST(SerialConnectInfoTest, ReportsBeforeConnectGiveTheCarrierAndProtocol) {
  const DialOutcome d = DialAgainst(
      "\r\n+MCR: V32B\r\n\r\n+MRR: 14400\r\n\r\n+ER: ALT\r\n\r\n+DR: ALT\r\n"
      "\r\nCONNECT 115200\r\n");
  ASSERT_EQ(d.result, CallResult::Connect);
  EXPECT_EQ(d.connect_rate, 14400u);  // the line's rate, not the DTE's
  EXPECT_EQ(d.modulation, "V32BIS");
  EXPECT_EQ(d.error_control, "MNP");
  EXPECT_EQ(d.compression, "MNP5");
}

TEST(SerialConnectInfoTest, AFailedDialCarriesNone) {
  const DialOutcome d = DialAgainst("\r\n+MCR: V34\r\n\r\nNO CARRIER\r\n");
  ASSERT_EQ(d.result, CallResult::NoCarrier);
  EXPECT_FALSE(d.connect_rate.has_value());
  EXPECT_EQ(d.modulation, "");
}

}  // namespace
}  // namespace dialsoak::serial
