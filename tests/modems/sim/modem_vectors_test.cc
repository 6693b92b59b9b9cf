// What real dial-up programs send (shared/vectors/real-dialers.md), and the answers a
// real data-only modem gives them, echo on as after power-up.
#include <gtest/gtest.h>

#include "modem_harness.h"

namespace dialsoak::sim {
namespace {

using testing::ModemHarness;

constexpr const char* kOk = "\r\nOK\r\n";
constexpr const char* kError = "\r\nERROR\r\n";

std::string Echoed(const std::string& cmd, const std::string& answer) { return cmd + answer; }

TEST(SimVectorsTest, MgettyDataAndFaxInit) {
  struct Vector {
    std::string command;
    std::string answer;
  } vectors[] = {
      {"ATQ0V1H0\r", kOk},
      {"AT\r", kOk},
      {"ATI\r", std::string("\r\n33600\r\n") + kOk},
      {"AT+FCLASS=2\r", kError},
      {"AT+FCLASS=0\r", kOk},
      {"AT+FAA=1;+FCR=1\r", kError},
      {"AT+FBOR=0\r", kError},
      {"AT+FLID=\"49 555 0000\"\r", kError},
      {"AT+FDCC=1,5,0,2,0,0,0,0\r", kError},
  };
  ModemHarness h;
  for (const Vector& v : vectors) {
    EXPECT_EQ(h.Send(v.command), Echoed(v.command, v.answer)) << v.command;
  }
}

TEST(SimVectorsTest, MgettyIdentifiesTheModemAsGeneric) {
  ModemHarness h;
  // mgetty reads the answer to ATI as a number: it must be a bare number.
  const std::string ati = h.Send("ATI\r");
  EXPECT_EQ(ati, "ATI\r\r\n33600\r\n\r\nOK\r\n");
  for (const char* cmd : {"ATI3\r", "ATI4\r"}) {
    const std::string answer = h.Send(cmd);
    EXPECT_TRUE(answer.ends_with(kOk)) << answer;
    EXPECT_EQ(answer.find("ERROR"), std::string::npos) << answer;
  }
}

TEST(SimVectorsTest, MgettyI3SplitFromItsCr) {
  ModemHarness h;
  EXPECT_EQ(h.Send("ATI3"), "ATI3");  // echo only: the line is not complete
  const std::string rest = h.Send("\r");
  EXPECT_TRUE(rest.starts_with("\r\r\n")) << rest;
  EXPECT_TRUE(rest.ends_with(kOk)) << rest;
  EXPECT_EQ(h.Send("\r"), "\r");  // a lone CR on its own: echoed, nothing else
}

TEST(SimVectorsTest, FclassQueriesSayDataOnly) {
  ModemHarness h;
  h.Send("ATE0\r");
  EXPECT_EQ(h.Send("AT+FCLASS?\r"), std::string("\r\n0\r\n") + kOk);
  EXPECT_EQ(h.Send("AT+FCLASS=?\r"), std::string("\r\n0\r\n") + kOk);
  EXPECT_EQ(h.Send("AT+FCLASS=1\r"), kError);
  EXPECT_EQ(h.Send("AT+GMI\r"), std::string("\r\ndialsoak\r\n") + kOk);
  EXPECT_EQ(h.Send("AT+GMM=?\r"), kOk);
}

TEST(SimVectorsTest, MgettyDataOnlyAnswersAfterRings) {
  ModemHarness h;
  EXPECT_EQ(h.Send("ATQ0V1H0\r"), Echoed("ATQ0V1H0\r", kOk));
  EXPECT_EQ(h.Send("AT\r"), Echoed("AT\r", kOk));
  h.out.Clear();
  h.modem.Ring(h.out);
  EXPECT_EQ(h.out.to_dte, "\r\nRING\r\n");
  EXPECT_EQ(h.Send("ATA\r"), "ATA\r");
  EXPECT_TRUE(h.HasEvent(ModemEvent::Kind::Answer));
}

TEST(SimVectorsTest, ChatDialsAndSendsCrAfterConnect) {
  ModemHarness h;
  EXPECT_EQ(h.Send("ATZ\r"), Echoed("ATZ\r", kOk));
  EXPECT_EQ(h.Send("ATDT5551234\r"), "ATDT5551234\r");
  ASSERT_TRUE(h.HasEvent(ModemEvent::Kind::Dial));
  EXPECT_EQ(h.out.events[0].number, "5551234");
  h.out.Clear();
  h.modem.Connected("33600/ARQ/V34/LAPM/V42BIS", h.now, h.out);
  EXPECT_EQ(h.out.to_dte, "\r\nCONNECT 33600/ARQ/V34/LAPM/V42BIS\r\n");
  EXPECT_EQ(h.Send("\r"), "");  // chat's empty send after CONNECT is data
  EXPECT_EQ(h.out.to_line, "\r");
}

TEST(SimVectorsTest, AReopenedPortTakesAtzAsACommand) {
  // No real dialer hangs up before it exits; it closes the port.
  ModemHarness h;
  h.Send("ATDT5551234\r");
  h.modem.Connected("33600", h.now, h.out);
  h.out.Clear();
  h.modem.Closed(h.out);
  EXPECT_EQ(h.Send("ATZ\r"), Echoed("ATZ\r", kOk));
}

}  // namespace
}  // namespace dialsoak::sim
