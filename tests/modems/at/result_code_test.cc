#include "dialsoak/at/result_code.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace dialsoak::at {
namespace {

const std::vector<std::pair<std::string, ResultCode>> kVerbose = {
    {"OK", ResultCode::Ok},       {"CONNECT", ResultCode::Connect},
    {"RING", ResultCode::Ring},   {"NO CARRIER", ResultCode::NoCarrier},
    {"ERROR", ResultCode::Error}, {"NO DIALTONE", ResultCode::NoDialtone},
    {"BUSY", ResultCode::Busy},   {"NO ANSWER", ResultCode::NoAnswer},
    {"DELAYED", ResultCode::Delayed}, {"BLACKLISTED", ResultCode::Blacklisted},
};

const std::vector<std::pair<std::string, ResultCode>> kNumeric = {
    {"0", ResultCode::Ok},        {"1", ResultCode::Connect},  {"2", ResultCode::Ring},
    {"3", ResultCode::NoCarrier}, {"4", ResultCode::Error},    {"6", ResultCode::NoDialtone},
    {"7", ResultCode::Busy},      {"8", ResultCode::NoAnswer},
    {"24", ResultCode::Delayed},  {"32", ResultCode::Blacklisted},
};

const std::vector<ResultCode> kAllCodes = {
    ResultCode::Ok,    ResultCode::Connect,    ResultCode::Ring, ResultCode::NoCarrier,
    ResultCode::Error, ResultCode::NoDialtone, ResultCode::Busy, ResultCode::NoAnswer,
    ResultCode::Delayed, ResultCode::Blacklisted,
};

TEST(AtResultCodeTest, ParsesVerboseResultCodes) {
  for (const auto& [line, code] : kVerbose) {
    SCOPED_TRACE(line);
    const std::optional<Result> r = ParseResult(line);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->code, code);
    EXPECT_EQ(r->text, line);
    EXPECT_FALSE(r->rate.has_value());
    EXPECT_EQ(r->suffix, "");
  }
}

TEST(AtResultCodeTest, ParsesNumericResultCodes) {
  for (const auto& [line, code] : kNumeric) {
    SCOPED_TRACE(line);
    const std::optional<Result> r = ParseResult(line);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->code, code);
    EXPECT_EQ(r->text, line);
    EXPECT_FALSE(r->rate.has_value());
  }
}

TEST(AtResultCodeTest, NumericCodesMatchV250Values) {
  for (const auto& [line, code] : kNumeric) {
    EXPECT_EQ(std::to_string(NumericCode(code)), line);
  }
}

TEST(AtResultCodeTest, RejectsNumbersThatAreNotResultCodes) {
  // 21, 25: gaps in the table; 33 FAX, 35 DATA: no data call; 33600: ATI's answer.
  for (const char* line : {"00", "01", "05", "-1", "0x", "1 1", "21", "25", "33", "35", "100",
                           "999", "1000", "33600"}) {
    EXPECT_FALSE(ParseResult(line).has_value()) << line;
  }
}

// The Rockwell/Conexant speed codes give CONNECT with the table's rate.
TEST(AtResultCodeTest, ParsesNumericConnectSpeedCodesWithTheirRates) {
  const std::vector<std::pair<std::string, std::uint32_t>> codes = {
      {"5", 1200},   {"9", 600},     {"10", 2400},  {"11", 4800},  {"12", 9600},
      {"13", 7200},  {"14", 12000},  {"15", 14400}, {"16", 19200}, {"17", 38400},
      {"18", 57600}, {"19", 115200}, {"20", 230400}, {"59", 16800}, {"61", 21600},
      {"62", 24000}, {"63", 26400},  {"64", 28800}, {"84", 33600}, {"91", 31200},
  };
  for (const auto& [line, rate] : codes) {
    SCOPED_TRACE(line);
    const std::optional<Result> r = ParseResult(line);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->code, ResultCode::Connect);
    EXPECT_EQ(r->rate, rate);
    EXPECT_EQ(r->text, line);
    EXPECT_EQ(ConnectSpeedCode(rate), std::stoi(line));
  }
  EXPECT_FALSE(ConnectSpeedCode(33333).has_value());
}

TEST(AtResultCodeTest, KnowsIntermediateReports) {
  for (const char* line : {"+MCR: V34", "+MRR: 33600,33600", "+ER: LAPM", "+DR: V42B",
                           "+ILRR: 115200", "CARRIER 33600", "carrier 2400", "PROTOCOL: LAPM",
                           "COMPRESSION: V42BIS", "RINGING", "40", "47", "58", "66", "77",
                           "78", "79", "81", "95", "99"}) {
    EXPECT_TRUE(IsIntermediate(line)) << line;
    EXPECT_FALSE(ParseResult(line).has_value()) << line;
  }
  for (const char* line : {"NO CARRIER", "CARRIERS", "CONNECT 33600", "LINE IN USE", "10",
                           "24", "32", "+GCAP: +MS", "33600"}) {
    EXPECT_FALSE(IsIntermediate(line)) << line;
  }
}

TEST(AtResultCodeTest, WordsAreCaseInsensitive) {
  for (const auto& [line, code] : std::vector<std::pair<std::string, ResultCode>>{
           {"ok", ResultCode::Ok},
           {"Busy", ResultCode::Busy},
           {"no carrier", ResultCode::NoCarrier},
           {"No Dialtone", ResultCode::NoDialtone},
           {"no answer", ResultCode::NoAnswer},
           {"eRRoR", ResultCode::Error},
           {"ring", ResultCode::Ring},
           {"connect", ResultCode::Connect},
       }) {
    const std::optional<Result> r = ParseResult(line);
    ASSERT_TRUE(r.has_value()) << line;
    EXPECT_EQ(r->code, code) << line;
  }
}

TEST(AtResultCodeTest, ToleratesSurroundingAndRepeatedBlanks) {
  for (const auto& [line, code] : std::vector<std::pair<std::string, ResultCode>>{
           {"  OK", ResultCode::Ok},
           {"OK  ", ResultCode::Ok},
           {"\tERROR\t", ResultCode::Error},
           {" NO  CARRIER ", ResultCode::NoCarrier},
           {" 3 ", ResultCode::NoCarrier},
       }) {
    const std::optional<Result> r = ParseResult(line);
    ASSERT_TRUE(r.has_value()) << '"' << line << '"';
    EXPECT_EQ(r->code, code) << line;
    EXPECT_EQ(r->text, line);  // kept as received
  }
}

TEST(AtResultCodeTest, AcceptsNoDialToneSpelledAsThreeWords) {
  const std::optional<Result> r = ParseResult("NO DIAL TONE");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, ResultCode::NoDialtone);
  EXPECT_EQ(r->text, "NO DIAL TONE");
}

TEST(AtResultCodeTest, RejectsLookalikesAndOtherText) {
  for (const char* line : {"CONNECTED", "CONNECTING 33600", "OKAY", "OK OK", "NO CARRIERS", "NO",
                           "NOCARRIER", "RINGING", "ERRORS", "+CME ERROR: 10", "BUSY SIGNAL",
                           "ANSWER", "ATZ", "", "   ", "U.S. Robotics 56K FAX EXT"}) {
    EXPECT_FALSE(ParseResult(line).has_value()) << '"' << line << '"';
  }
}

TEST(AtResultCodeTest, ParsesConnectRateAndSuffix) {
  const std::optional<Result> r = ParseResult("CONNECT 33600/ARQ/V34/LAPM/V42BIS");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, ResultCode::Connect);
  EXPECT_EQ(r->rate, 33600u);
  EXPECT_EQ(r->suffix, "/ARQ/V34/LAPM/V42BIS");
  EXPECT_EQ(r->text, "CONNECT 33600/ARQ/V34/LAPM/V42BIS");
}

TEST(AtResultCodeTest, ParsesConnectWithRateOnly) {
  const std::optional<Result> r = ParseResult("CONNECT 115200");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, ResultCode::Connect);
  EXPECT_EQ(r->rate, 115200u);
  EXPECT_EQ(r->suffix, "");
}

TEST(AtResultCodeTest, ParsesConnectSuffixAfterABlank) {
  const std::optional<Result> r = ParseResult("CONNECT 2400 LAPM");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->rate, 2400u);
  EXPECT_EQ(r->suffix, "LAPM");
}

TEST(AtResultCodeTest, ParsesBareConnectWithoutRate) {
  const std::optional<Result> r = ParseResult("CONNECT");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, ResultCode::Connect);
  EXPECT_FALSE(r->rate.has_value());
  EXPECT_EQ(r->suffix, "");
}

TEST(AtResultCodeTest, ParsesConnectSuffixWithoutRate) {
  std::optional<Result> r = ParseResult("CONNECT/ARQ");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, ResultCode::Connect);
  EXPECT_FALSE(r->rate.has_value());
  EXPECT_EQ(r->suffix, "/ARQ");

  r = ParseResult("CONNECT FAST");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->rate.has_value());
  EXPECT_EQ(r->suffix, "FAST");
}

TEST(AtResultCodeTest, ParsesLowerCaseConnectKeepingSuffixAsReceived) {
  const std::optional<Result> r = ParseResult("  connect 2400/arq ");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, ResultCode::Connect);
  EXPECT_EQ(r->rate, 2400u);
  EXPECT_EQ(r->suffix, "/arq");
  EXPECT_EQ(r->text, "  connect 2400/arq ");
}

TEST(AtResultCodeTest, ConnectRateBeyondUint32StaysInSuffix) {
  const std::optional<Result> r = ParseResult("CONNECT 99999999999/ARQ");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, ResultCode::Connect);
  EXPECT_FALSE(r->rate.has_value());
  EXPECT_EQ(r->suffix, "99999999999/ARQ");
}

TEST(AtResultCodeTest, EveryCodeButRingIsFinal) {
  for (ResultCode c : kAllCodes) {
    EXPECT_EQ(IsFinal(c), c != ResultCode::Ring) << VerboseText(c);
  }
}

TEST(AtResultCodeTest, VerboseTextParsesBackToItsCode) {
  for (const auto& [line, code] : kVerbose) {
    EXPECT_EQ(VerboseText(code), line);
    const std::optional<Result> r = ParseResult(VerboseText(code));
    ASSERT_TRUE(r.has_value()) << line;
    EXPECT_EQ(r->code, code);
  }
}

TEST(AtResultCodeTest, FormatsVerboseResultsWithS3S4AroundText) {
  EXPECT_EQ(FormatResult(ResultCode::Ok, true), "\r\nOK\r\n");
  EXPECT_EQ(FormatResult(ResultCode::NoCarrier, true), "\r\nNO CARRIER\r\n");
  EXPECT_EQ(FormatResult(ResultCode::Connect, true, "33600/ARQ"), "\r\nCONNECT 33600/ARQ\r\n");
  EXPECT_EQ(FormatResult(ResultCode::Connect, true), "\r\nCONNECT\r\n");
  EXPECT_EQ(FormatResult(ResultCode::Connect, true, "/ARQ"), "\r\nCONNECT/ARQ\r\n");
  // connect_text belongs to CONNECT only.
  EXPECT_EQ(FormatResult(ResultCode::Busy, true, "33600"), "\r\nBUSY\r\n");
  EXPECT_EQ(FormatResult(ResultCode::Ok, true, {}, '!', '#'), "!#OK!#");
}

TEST(AtResultCodeTest, FormatsNumericResultsAsDigitAndS3) {
  EXPECT_EQ(FormatResult(ResultCode::Ok, false), "0\r");
  // A CONNECT with a rate of the table gives its speed code; without one, 1.
  EXPECT_EQ(FormatResult(ResultCode::Connect, false, "33600/ARQ"), "84\r");
  EXPECT_EQ(FormatResult(ResultCode::Connect, false, "2400"), "10\r");
  EXPECT_EQ(FormatResult(ResultCode::Connect, false, "1200"), "5\r");
  EXPECT_EQ(FormatResult(ResultCode::Connect, false, "33333"), "1\r");
  EXPECT_EQ(FormatResult(ResultCode::Connect, false), "1\r");
  EXPECT_EQ(FormatResult(ResultCode::Blacklisted, false), "32\r");
  EXPECT_EQ(FormatResult(ResultCode::Delayed, true), "\r\nDELAYED\r\n");
  EXPECT_EQ(FormatResult(ResultCode::NoDialtone, false), "6\r");
  EXPECT_EQ(FormatResult(ResultCode::NoAnswer, false, {}, '!'), "8!");
}

TEST(AtResultCodeTest, FormattedResultsParseBack) {
  for (ResultCode c : kAllCodes) {
    for (bool verbose : {true, false}) {
      std::string bytes = FormatResult(c, verbose, "28800/V42BIS");
      // Strip the S3/S4 framing the way a framer would.
      while (!bytes.empty() && (bytes.back() == '\r' || bytes.back() == '\n')) bytes.pop_back();
      while (!bytes.empty() && (bytes.front() == '\r' || bytes.front() == '\n')) {
        bytes.erase(0, 1);
      }
      const std::optional<Result> r = ParseResult(bytes);
      ASSERT_TRUE(r.has_value()) << bytes;
      EXPECT_EQ(r->code, c);
      if (c == ResultCode::Connect && verbose) {
        EXPECT_EQ(r->rate, 28800u);
        EXPECT_EQ(r->suffix, "/V42BIS");
      }
    }
  }
}

}  // namespace
}  // namespace dialsoak::at
