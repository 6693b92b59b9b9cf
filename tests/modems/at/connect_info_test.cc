#include "dialsoak/at/connect_info.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dialsoak/at/response.h"

namespace dialsoak::at {
namespace {

ConnectInfo FromLine(const std::string& line, const std::vector<std::string>& info = {}) {
  const std::optional<Result> r = ParseResult(line);
  EXPECT_TRUE(r.has_value()) << line;
  if (!r) return {};
  return ParseConnectInfo(*r, info);
}

TEST(AtConnectInfoTest, ReadsRateAndProtocolFromTheConnectSuffix) {
  const ConnectInfo c = FromLine("CONNECT 33600/ARQ/V34/LAPM/V42BIS");
  EXPECT_EQ(c.rate, 33600u);
  EXPECT_EQ(c.modulation, "V34");
  EXPECT_EQ(c.error_control, "LAPM");  // LAPM names what ARQ only says is there
  EXPECT_EQ(c.compression, "V42BIS");
  EXPECT_EQ(ProtocolText(c), "V34/LAPM/V42BIS");
}

TEST(AtConnectInfoTest, ARateAloneLeavesTheProtocolUnset) {
  const ConnectInfo c = FromLine("CONNECT 52000");
  EXPECT_EQ(c.rate, 52000u);
  EXPECT_EQ(c.modulation, "");
  EXPECT_EQ(c.error_control, "");
  EXPECT_EQ(c.compression, "");
  EXPECT_EQ(ProtocolText(c), "");
}

TEST(AtConnectInfoTest, ReadsUsRoboticsReliableAndArq) {
  EXPECT_EQ(FromLine("CONNECT 9600/REL").error_control, "REL");
  EXPECT_EQ(FromLine("CONNECT 9600/REL").rate, 9600u);
  EXPECT_EQ(FromLine("CONNECT 14400/ARQ").error_control, "ARQ");
  EXPECT_EQ(FromLine("CONNECT 2400/NONE").error_control, "NONE");
}

TEST(AtConnectInfoTest, ReadsOtherSpellingsOfTheSameProtocols) {
  const ConnectInfo a = FromLine("connect 14400 v.32bis/mnp4/class5");
  EXPECT_EQ(a.rate, 14400u);
  EXPECT_EQ(a.modulation, "V32BIS");
  EXPECT_EQ(a.error_control, "MNP");
  EXPECT_EQ(a.compression, "MNP5");
  const ConnectInfo b = FromLine("CONNECT 2400/V22B/V42/V42B");
  EXPECT_EQ(b.modulation, "V22BIS");
  EXPECT_EQ(b.error_control, "LAPM");
  EXPECT_EQ(b.compression, "V42BIS");
  EXPECT_EQ(FromLine("CONNECT 50666/V90/LAPM/V44").compression, "V44");
  EXPECT_EQ(FromLine("CONNECT 300/V21").modulation, "V21");
  EXPECT_EQ(FromLine("CONNECT 48000/V92").modulation, "V92");
}

TEST(AtConnectInfoTest, NumericSpeedCodesGiveTheirRate) {
  EXPECT_EQ(FromLine("84").rate, 33600u);
  EXPECT_EQ(FromLine("10").rate, 2400u);
  EXPECT_EQ(FromLine("64").rate, 28800u);
  EXPECT_EQ(FromLine("5").rate, 1200u);
  // Code 1 is CONNECT without a rate.
  const ConnectInfo plain = FromLine("1");
  EXPECT_FALSE(plain.rate.has_value());
  EXPECT_EQ(ProtocolText(plain), "");
}

TEST(AtConnectInfoTest, IntermediateReportsGiveModulationErrorControlAndCompression) {
  const ConnectInfo c =
      FromLine("CONNECT 115200", {"+MCR: V34", "+MRR: 31200,31200", "+ER: LAPM", "+DR: V42B"});
  EXPECT_EQ(c.modulation, "V34");
  EXPECT_EQ(c.error_control, "LAPM");
  EXPECT_EQ(c.compression, "V42BIS");
  // The carrier's rate, not the DTE's rate that CONNECT reports under W0-style settings.
  EXPECT_EQ(c.rate, 31200u);
}

TEST(AtConnectInfoTest, ReadsRockwellStyleReports) {
  const ConnectInfo c =
      FromLine("CONNECT 57600", {"CARRIER 26400", "PROTOCOL: ALT", "COMPRESSION: CLASS5"});
  EXPECT_EQ(c.rate, 26400u);
  EXPECT_EQ(c.error_control, "MNP");
  EXPECT_EQ(c.compression, "MNP5");
  const ConnectInfo d = FromLine("CONNECT 2400", {"+ER: NONE", "+DR: NONE", "+MCR: V22B"});
  EXPECT_EQ(d.error_control, "NONE");
  EXPECT_EQ(d.compression, "NONE");
  EXPECT_EQ(d.modulation, "V22BIS");
}

TEST(AtConnectInfoTest, AReportWinsOverTheSuffixButNotOverASpecificErrorControl) {
  const ConnectInfo c = FromLine("CONNECT 28800/V32B/ARQ", {"+MCR: V34", "+ER: LAPM"});
  EXPECT_EQ(c.modulation, "V34");
  EXPECT_EQ(c.error_control, "LAPM");
}

TEST(AtConnectInfoTest, IgnoresGarbageSuffixesAndReports) {
  const ConnectInfo c = FromLine("CONNECT 19200/FOO/V3400/LAPMX/#@!/V.");
  EXPECT_EQ(c.rate, 19200u);
  EXPECT_EQ(ProtocolText(c), "");
  const ConnectInfo d = FromLine("CONNECT 24000", {"+MCR: XYZ", "+MRR: fast", "+ER: LAPM-ish",
                                                   "CARRIER", "+DR:", "OK", "LINE IN USE"});
  EXPECT_EQ(d.rate, 24000u);  // a report without a rate leaves CONNECT's
  EXPECT_EQ(ProtocolText(d), "");
  // A rate that does not fit is no rate; CONNECT 0 is none either.
  EXPECT_FALSE(FromLine("CONNECT 99999999999").rate.has_value());
  EXPECT_FALSE(FromLine("CONNECT 0").rate.has_value());
  EXPECT_FALSE(FromLine("CONNECT FAST").rate.has_value());
  EXPECT_EQ(FromLine("CONNECT 33600", {"+MRR: 0"}).rate, 33600u);  // a zero report is none
}

TEST(AtConnectInfoTest, OtherResultsCarryNothing) {
  const ConnectInfo c = FromLine("BUSY", {"+MCR: V34", "CARRIER 33600"});
  EXPECT_FALSE(c.rate.has_value());
  EXPECT_EQ(ProtocolText(c), "");
}

TEST(AtConnectInfoTest, ReadsWhatAResponseReaderKept) {
  ResponseReader reader("ATDT5551234");
  reader.Feed(
      "ATDT5551234\r\r\n+MCR: V90\r\n+MRR: 50666\r\n+ER: LAPM\r\n+DR: V44\r\n"
      "\r\nCONNECT 115200\r\n");
  ASSERT_TRUE(reader.done());
  const ConnectInfo c = ParseConnectInfo(*reader.response().final, reader.response().info);
  EXPECT_EQ(c.rate, 50666u);
  EXPECT_EQ(ProtocolText(c), "V90/LAPM/V44");
}

}  // namespace
}  // namespace dialsoak::at
