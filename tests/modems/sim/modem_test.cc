// The V.250 interpreter without ptys: command mode, results, registers, calls, DTR.
#include <gtest/gtest.h>

#include "modem_harness.h"

namespace dialsoak::sim {
namespace {

using at::ResultCode;
using testing::ModemHarness;
using Kind = ModemEvent::Kind;

constexpr const char* kOk = "\r\nOK\r\n";
constexpr const char* kError = "\r\nERROR\r\n";

TEST(SimModemTest, EchoesAndAnswersOk) {
  ModemHarness h;
  EXPECT_EQ(h.Send("AT\r"), std::string("AT\r") + kOk);
  EXPECT_EQ(h.Send("at\r"), std::string("at\r") + kOk);
}

// Each result code in verbose (V1) and numeric (V0) form, produced by what causes it.
TEST(SimModemTest, EveryResultCodeVerboseAndNumeric) {
  struct Case {
    ResultCode code;
    const char* verbose;
    const char* numeric;
  } cases[] = {
      {ResultCode::Ok, "\r\nOK\r\n", "0\r"},
      // Numeric CONNECT at the default X4: the Rockwell/Conexant speed code of its rate.
      {ResultCode::Connect, "\r\nCONNECT 33600\r\n", "84\r"},
      {ResultCode::Ring, "\r\nRING\r\n", "2\r"},
      {ResultCode::NoCarrier, "\r\nNO CARRIER\r\n", "3\r"},
      {ResultCode::Error, "\r\nERROR\r\n", "4\r"},
      {ResultCode::NoDialtone, "\r\nNO DIALTONE\r\n", "6\r"},
      {ResultCode::Busy, "\r\nBUSY\r\n", "7\r"},
      {ResultCode::NoAnswer, "\r\nNO ANSWER\r\n", "8\r"},
  };
  for (bool verbose : {true, false}) {
    for (const Case& c : cases) {
      ModemHarness h;
      h.Send(verbose ? "ATE0V1\r" : "ATE0V0\r");
      std::string got;
      switch (c.code) {
        case ResultCode::Ok: got = h.Send("AT\r"); break;
        case ResultCode::Connect: got = h.Connect("33600"); break;
        case ResultCode::Ring:
          h.out.Clear();
          h.modem.Ring(h.out);
          got = h.out.to_dte;
          break;
        case ResultCode::NoCarrier: got = h.Send("ATO\r"); break;
        case ResultCode::Error: got = h.Send("ATY\r"); break;
        default:
          h.Send("ATDT1\r");
          h.out.Clear();
          h.modem.DialResult(c.code, h.out);
          got = h.out.to_dte;
          break;
      }
      EXPECT_EQ(got, verbose ? c.verbose : c.numeric) << c.verbose;
    }
  }
}

TEST(SimModemTest, EchoOffAndOn) {
  ModemHarness h;
  EXPECT_EQ(h.Send("ATE0\r"), std::string("ATE0\r") + kOk);  // echoed before it applied
  EXPECT_FALSE(h.modem.echo());
  EXPECT_EQ(h.Send("AT\r"), kOk);
  EXPECT_EQ(h.Send("ATE1\r"), kOk);
  EXPECT_EQ(h.Send("AT\r"), std::string("AT\r") + kOk);
  EXPECT_EQ(h.Send("ATE2\r"), std::string("ATE2\r") + kError);
}

TEST(SimModemTest, QuietSuppressesResultsNotInformation) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATQ1\r"), "");
  EXPECT_EQ(h.Send("ATY\r"), "");
  EXPECT_EQ(h.Send("ATI\r"), "\r\n33600\r\n");
  EXPECT_EQ(h.Send("ATQ0\r"), kOk);
}

TEST(SimModemTest, RegistersSetAndReadAsThreeDigits) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATS7?\r"), std::string("\r\n050\r\n") + kOk);
  EXPECT_EQ(h.Send("ATS0?\r"), std::string("\r\n000\r\n") + kOk);
  EXPECT_EQ(h.Send("ATS7=60\r"), kOk);
  EXPECT_EQ(h.modem.Register(7), 60);
  EXPECT_EQ(h.Send("ATS7?S12?\r"), std::string("\r\n060\r\n\r\n050\r\n") + kOk);
  EXPECT_EQ(h.Send("ATS7=256\r"), kError);
  EXPECT_EQ(h.Send("ATS256=1\r"), kError);
  EXPECT_EQ(h.Send("ATS256?\r"), kError);
  h.Send("ATV0\r");
  EXPECT_EQ(h.Send("ATS7?\r"), "060\r\n0\r");  // numeric: text S3 S4, then the code
}

TEST(SimModemTest, IdentifiesItself) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATI\r"), std::string("\r\n33600\r\n") + kOk);
  EXPECT_EQ(h.Send("ATI0\r"), std::string("\r\n33600\r\n") + kOk);
  const std::string i3 = h.Send("ATI3\r");
  EXPECT_TRUE(i3.starts_with("\r\n") && i3.ends_with(std::string("\r\n") + kOk)) << i3;
  EXPECT_GT(i3.size(), 12u);
  const std::string i4 = h.Send("ATI4\r");
  EXPECT_TRUE(i4.ends_with(kOk)) << i4;
  EXPECT_NE(i3, i4);
  EXPECT_EQ(h.Send("ATI9\r"), kError);
}

TEST(SimModemTest, SeveralCommandsOnOneLine) {
  ModemHarness h;
  EXPECT_EQ(h.Send("ATE0V0Q0\r"), "ATE0V0Q0\r0\r");
  EXPECT_FALSE(h.modem.echo());
  EXPECT_FALSE(h.modem.verbose());
  EXPECT_EQ(h.Send("AT V1 E 1\r"), kOk);
  EXPECT_TRUE(h.modem.echo());
}

TEST(SimModemTest, StopsAtTheFirstBadCommand) {
  ModemHarness h;
  EXPECT_EQ(h.Send("ATE0Y V0\r"), std::string("ATE0Y V0\r") + kError);
  EXPECT_FALSE(h.modem.echo());    // applied before the error
  EXPECT_TRUE(h.modem.verbose());  // not reached
}

TEST(SimModemTest, UnknownCommandsAnswerError) {
  ModemHarness h;
  h.Send("ATE0\r");
  for (const char* cmd : {"ATY\r", "AT&Z\r", "AT%C1\r", "AT+FOO\r", "AT!\r", "AT5\r", "ATX9\r",
                          "ATL4\r", "AT&D4\r", "AT&C2\r", "ATH2\r", "ATZ2\r", "AT\x80\r",
                          "AT\\Q\r", "AT&F1\r"}) {
    EXPECT_EQ(h.Send(cmd), kError) << cmd;
  }
}

TEST(SimModemTest, HarmlessInitCommandsAnswerOk) {
  ModemHarness h;
  h.Send("ATE0\r");
  for (const char* cmd : {"ATL1M0X4\r", "AT&K3&S0\r", "AT\\N3\r", "ATW2\r", "AT&W\r", "ATB0\r",
                          "ATB1\r", "AT&C1&D2\r", "ATH\r", "ATH0\r", "ATN1\r", "ATS7=45\r",
                          "ATH1\r", "ATS12\r", "AT;\r", "ATP\r", "ATT\r", "AT&Y0\r"}) {
    EXPECT_EQ(h.Send(cmd), kOk) << cmd;
  }
}

TEST(SimModemTest, IgnoresBytesUntilAtAndLoneCr) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("garbage\r\n\x01\xff"), "");
  EXPECT_EQ(h.Send("\r"), "");
  EXPECT_EQ(h.Send("xxAAT\r"), kOk);
  EXPECT_EQ(h.Send("A T\r"), "");  // "A T" is not a prefix
  EXPECT_EQ(h.Send("aT\r"), kOk);
}

TEST(SimModemTest, EchoesWhatItIgnoresToo) {
  ModemHarness h;
  EXPECT_EQ(h.Send("xy\r"), "xy\r");
}

TEST(SimModemTest, ARepeatsTheLastCommandLine) {
  ModemHarness h;
  h.Send("ATE0\r");
  const std::string first = h.Send("ATS7=33S7?\r");
  EXPECT_EQ(first, std::string("\r\n033\r\n") + kOk);
  EXPECT_EQ(h.Send("A/"), first);
  EXPECT_EQ(h.Send("a/"), first);
}

TEST(SimModemTest, BackspaceDeletesWithinTheLine) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATY\bI\r"), std::string("\r\n33600\r\n") + kOk);
  EXPECT_EQ(h.Send("AT\b\b\b\r"), kOk);  // cannot delete the AT prefix
  h.Send("ATS5=127\r");
  EXPECT_EQ(h.Send("ATY\x7fI\r"), std::string("\r\n33600\r\n") + kOk);
}

TEST(SimModemTest, OverlongLineAnswersErrorThenRecovers) {
  ModemHarness h;
  h.Send("ATE0\r");
  std::string line = "AT" + std::string(Modem::kMaxCommandLine, 'E') + "E0\r";
  EXPECT_EQ(h.Send(line), kError);
  std::string huge = "AT" + std::string(100000, 'Q');  // no terminator yet
  EXPECT_EQ(h.Send(huge), "");
  EXPECT_EQ(h.Send("\r"), kError);
  EXPECT_EQ(h.Send("AT\r"), kOk);
  // Exactly the cap is still a line.
  EXPECT_EQ(h.Send("AT" + std::string(Modem::kMaxCommandLine - 2, ' ') + "E0\r"), kOk);
}

TEST(SimModemTest, ResetsWithZAndAmpersandF) {
  ModemHarness h;
  h.Send("ATE0V0S7=9&D0\r");
  EXPECT_EQ(h.Send("ATZ\r"), kOk);  // the reset applies before the result
  EXPECT_TRUE(h.modem.echo());
  EXPECT_EQ(h.modem.Register(7), 50);
  EXPECT_EQ(h.modem.dtr_mode(), 2);
  h.Send("ATE0V0\r");
  EXPECT_EQ(h.Send("AT&F\r"), kOk);
  EXPECT_TRUE(h.modem.verbose());
}

TEST(SimModemTest, DialAsksTheHostAndWaits) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATDT 555-1234\r"), "");
  ASSERT_EQ(h.out.events.size(), 1u);
  EXPECT_EQ(h.out.events[0].kind, Kind::Dial);
  EXPECT_EQ(h.out.events[0].number, "5551234");
  EXPECT_EQ(h.modem.state(), ModemState::Dialing);
  h.out.Clear();
  h.modem.DialResult(ResultCode::Busy, h.out);
  EXPECT_EQ(h.out.to_dte, "\r\nBUSY\r\n");
  EXPECT_EQ(h.modem.state(), ModemState::Command);
  h.Send("ATDP*70,#12W3\r");
  EXPECT_EQ(h.out.events.at(0).number, "*70#123");
}

TEST(SimModemTest, DialWithSemicolonStaysInCommandMode) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATDT5551234;\r"), kOk);
  EXPECT_TRUE(h.out.events.empty());
  EXPECT_EQ(h.modem.state(), ModemState::Command);
}

TEST(SimModemTest, BadDialStringsAnswerError) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATD\r"), kError);
  EXPECT_EQ(h.Send("ATDTxyz\r"), kError);
  EXPECT_TRUE(h.out.events.empty());
}

TEST(SimModemTest, AnsweringPortCannotDial) {
  ModemIdentity id;
  id.can_dial = false;
  ModemHarness h(id);
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATDT1\r"), "\r\nNO DIALTONE\r\n");
  EXPECT_TRUE(h.out.events.empty());
}

TEST(SimModemTest, AByteDuringTheDialAbortsIt) {
  ModemHarness h;
  h.Send("ATE0\r");
  h.Send("ATDT1\r");
  EXPECT_EQ(h.Send("x"), "\r\nNO CARRIER\r\n");
  ASSERT_TRUE(h.HasEvent(Kind::Hangup));
  EXPECT_EQ(h.out.events[0].cause, HangupCause::Abort);
  EXPECT_EQ(h.modem.state(), ModemState::Command);
  EXPECT_EQ(h.Send("AT\r"), kOk);
}

TEST(SimModemTest, OAndAWithoutACallAnswerNoCarrier) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("ATO\r"), "\r\nNO CARRIER\r\n");
  EXPECT_EQ(h.Send("ATA\r"), "\r\nNO CARRIER\r\n");
  EXPECT_TRUE(h.out.events.empty());
}

TEST(SimModemTest, RingThenAAnswers) {
  ModemHarness h;
  h.Send("ATE0\r");
  h.modem.Ring(h.out);
  EXPECT_TRUE(h.modem.ringing());
  EXPECT_EQ(h.modem.Register(1), 1);
  EXPECT_EQ(h.Send("ATA\r"), "");
  EXPECT_TRUE(h.HasEvent(Kind::Answer));
  EXPECT_EQ(h.modem.state(), ModemState::Answering);
  h.out.Clear();
  EXPECT_TRUE(h.modem.Connected("33600", h.now, h.out));
  EXPECT_EQ(h.out.to_dte, "\r\nCONNECT 33600\r\n");
  EXPECT_EQ(h.modem.Register(1), 0);
}

TEST(SimModemTest, AutoAnswersAfterS0Rings) {
  ModemHarness h;
  h.Send("ATE0S0=2\r");
  h.out.Clear();
  h.modem.Ring(h.out);
  EXPECT_FALSE(h.HasEvent(Kind::Answer));
  h.out.Clear();
  h.modem.Ring(h.out);
  EXPECT_EQ(h.out.to_dte, "\r\nRING\r\n");
  EXPECT_TRUE(h.HasEvent(Kind::Answer));
}

TEST(SimModemTest, RingStoppedMeansNothingToAnswer) {
  ModemHarness h;
  h.Send("ATE0\r");
  h.modem.Ring(h.out);
  h.modem.RingStopped();
  EXPECT_EQ(h.Send("ATA\r"), "\r\nNO CARRIER\r\n");
}

TEST(SimModemTest, DataModeForwardsWithoutEcho) {
  ModemHarness h;
  EXPECT_EQ(h.Connect("33600/ARQ"), "\r\nCONNECT 33600/ARQ\r\n");
  EXPECT_EQ(h.Send("ATH\rhello"), "");
  EXPECT_EQ(h.out.to_line, "ATH\rhello");
  h.out.Clear();
  h.modem.FromLine("from far", h.out);
  EXPECT_EQ(h.out.to_dte, "from far");
}

TEST(SimModemTest, RemoteHangupGivesNoCarrier) {
  ModemHarness h;
  h.Connect();
  h.out.Clear();
  h.modem.RemoteHangup(h.out);
  EXPECT_EQ(h.out.to_dte, "\r\nNO CARRIER\r\n");
  EXPECT_EQ(h.modem.state(), ModemState::Command);
  h.out.Clear();
  h.modem.FromLine("late", h.out);
  EXPECT_EQ(h.out.to_dte, "");
}

TEST(SimModemTest, DtrDropHangsUp) {
  ModemHarness h;
  h.Connect();
  EXPECT_EQ(h.Dtr(false), "\r\nNO CARRIER\r\n");
  ASSERT_TRUE(h.HasEvent(Kind::Hangup));
  EXPECT_EQ(h.out.events[0].cause, HangupCause::Dtr);
  EXPECT_EQ(h.Dtr(false), "");  // the same level again: nothing more
  EXPECT_EQ(h.Dtr(true), "");
  EXPECT_EQ(h.modem.state(), ModemState::Command);
  EXPECT_EQ(h.Dtr(false), "");  // not in a call
}

TEST(SimModemTest, DtrDropDuringTheDialAbortsIt) {
  ModemHarness h;
  h.Send("ATDT1\r");
  EXPECT_EQ(h.Dtr(false), "\r\nNO CARRIER\r\n");
  EXPECT_TRUE(h.HasEvent(Kind::Hangup));
}

TEST(SimModemTest, DtrLowAlreadyStillHangsUpANewCall) {
  ModemHarness h;
  h.Dtr(false);  // left low, e.g. by an earlier opener
  h.Connect();
  EXPECT_EQ(h.Dtr(false), "\r\nNO CARRIER\r\n");
}

TEST(SimModemTest, AmpersandD0IgnoresDtr) {
  ModemHarness h;
  h.Send("AT&D0\r");
  h.Connect();
  EXPECT_EQ(h.Dtr(false), "");
  EXPECT_TRUE(h.out.events.empty());
  EXPECT_EQ(h.modem.state(), ModemState::Online);
}

TEST(SimModemTest, AmpersandD1GoesToOnlineCommandMode) {
  ModemHarness h;
  h.Send("ATE0&D1\r");
  h.Connect();
  EXPECT_EQ(h.Dtr(false), kOk);
  EXPECT_EQ(h.modem.state(), ModemState::OnlineCommand);
  EXPECT_EQ(h.Send("ATO\r"), "\r\nCONNECT 33600\r\n");
}

TEST(SimModemTest, AmpersandD3HangsUpAndResets) {
  ModemHarness h;
  h.Send("ATE0&D3\r");
  h.Connect();
  EXPECT_EQ(h.Dtr(false), "\r\nNO CARRIER\r\n");
  EXPECT_TRUE(h.modem.echo());
  EXPECT_EQ(h.modem.dtr_mode(), 2);
}

TEST(SimModemTest, ClosedHangsUpSilentlyAndResets) {
  ModemHarness h;
  h.Send("ATE0V0S0=3\r");
  h.Connect();
  h.out.Clear();
  h.modem.Closed(h.out);
  EXPECT_EQ(h.out.to_dte, "");
  ASSERT_TRUE(h.HasEvent(Kind::Hangup));
  EXPECT_EQ(h.out.events[0].cause, HangupCause::Close);
  EXPECT_EQ(h.modem.state(), ModemState::Command);
  EXPECT_TRUE(h.modem.echo());
  EXPECT_TRUE(h.modem.verbose());
  EXPECT_EQ(h.modem.Register(0), 0);
  EXPECT_EQ(h.Send("AT\r"), std::string("AT\r") + kOk);
}

TEST(SimModemTest, ClosedInTheMiddleOfALineForgetsIt) {
  ModemHarness h;
  h.Send("ATDT12");
  h.out.Clear();
  h.modem.Closed(h.out);
  EXPECT_EQ(h.Send("34\r"), "34\r");  // not the tail of a dial
  EXPECT_TRUE(h.out.events.empty());
}

}  // namespace
}  // namespace dialsoak::sim
