#include "dialsoak/at/response.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace dialsoak::at {
namespace {

using namespace std::string_literals;
using Lines = std::vector<std::string>;

const std::vector<ResultCode> kFinalCodes = {
    ResultCode::Ok,         ResultCode::Connect, ResultCode::NoCarrier, ResultCode::Error,
    ResultCode::NoDialtone, ResultCode::Busy,    ResultCode::NoAnswer,
};

TEST(AtResponseTest, SkipsTheEchoAndEndsOnOk) {
  ResponseReader reader("ATZ\r");
  const std::string bytes = "ATZ\r\r\nOK\r\n";
  EXPECT_EQ(reader.Feed(bytes), bytes.size());
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::Ok);
  EXPECT_TRUE(reader.response().info.empty());
  EXPECT_EQ(reader.response().rings, 0);
}

TEST(AtResponseTest, ComparesTheEchoCaseInsensitively) {
  ResponseReader reader("ATI3");
  reader.Feed("ati3\r\r\nOK\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_TRUE(reader.response().info.empty());
}

TEST(AtResponseTest, SkipsOnlyTheFirstEcho) {
  ResponseReader reader("ATI");
  reader.Feed("ATI\r\r\nATI\r\n\r\nOK\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().info, (Lines{"ATI"}));
}

TEST(AtResponseTest, WorksWithoutEcho) {
  ResponseReader reader("ATE0");
  reader.Feed("\r\nOK\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::Ok);
  EXPECT_TRUE(reader.response().info.empty());
}

TEST(AtResponseTest, WithoutACommandEveryTextLineIsInformation) {
  ResponseReader reader;
  reader.Feed("ATZ\r\r\nOK\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().info, (Lines{"ATZ"}));
}

TEST(AtResponseTest, CollectsInformationTextBeforeTheFinalCode) {
  ResponseReader reader("ATI3");
  reader.Feed("ATI3\r\r\nU.S. Robotics 56K FAX EXT V6.0\r\n\r\nSerial 123\r\n\r\nOK\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::Ok);
  EXPECT_EQ(reader.response().info, (Lines{"U.S. Robotics 56K FAX EXT V6.0", "Serial 123"}));
}

TEST(AtResponseTest, BoundsInformationLines) {
  ResponseReader reader("ATI");
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += "line " + std::to_string(i) + "\r\n";
  reader.Feed(bytes);
  EXPECT_FALSE(reader.done());
  reader.Feed("OK\r\n");
  ASSERT_TRUE(reader.done());
  const Lines& info = reader.response().info;
  ASSERT_EQ(info.size(), ResponseReader::kMaxInfoLines);
  EXPECT_EQ(info.front(), "line 0");
  EXPECT_EQ(info.back(), "line " + std::to_string(ResponseReader::kMaxInfoLines - 1));
}

TEST(AtResponseTest, IgnoresBlankLines) {
  ResponseReader reader;
  reader.Feed("\r\n   \r\n\t\r\nOK\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_TRUE(reader.response().info.empty());
}

TEST(AtResponseTest, CountsRingsWithoutEndingTheWait) {
  ResponseReader reader("ATDT5551234\r");
  reader.Feed("ATDT5551234\r\r\nRING\r\n\r\nRING\r\n");
  EXPECT_FALSE(reader.done());
  EXPECT_EQ(reader.response().rings, 2);
  reader.Feed("\r\nCONNECT 33600/ARQ/V34/LAPM/V42BIS\r\n");
  ASSERT_TRUE(reader.done());
  const Result& r = *reader.response().final;
  EXPECT_EQ(r.code, ResultCode::Connect);
  EXPECT_EQ(r.rate, 33600u);
  EXPECT_EQ(r.suffix, "/ARQ/V34/LAPM/V42BIS");
  EXPECT_EQ(reader.response().rings, 2);
  EXPECT_TRUE(reader.response().info.empty());
}

TEST(AtResponseTest, CountsNumericRings) {
  ResponseReader reader;
  const std::string bytes = "2\r2\r2\r7\r";
  EXPECT_EQ(reader.Feed(bytes), bytes.size());
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::Busy);
  EXPECT_EQ(reader.response().rings, 3);
}

TEST(AtResponseTest, EveryFinalCodeEndsTheWaitVerboseAndNumeric) {
  for (ResultCode c : kFinalCodes) {
    for (bool verbose : {true, false}) {
      SCOPED_TRACE(std::string(VerboseText(c)) + (verbose ? " verbose" : " numeric"));
      ResponseReader reader("ATDT1\r");
      const std::string bytes = "ATDT1\r" + FormatResult(c, verbose, "9600");
      EXPECT_EQ(reader.Feed(bytes), bytes.size());
      ASSERT_TRUE(reader.done());
      EXPECT_EQ(reader.response().final->code, c);
      EXPECT_TRUE(reader.response().info.empty());
    }
  }
}

TEST(AtResponseTest, LookalikesAreInformationNotResults) {
  ResponseReader reader;
  reader.Feed("\r\nCONNECTED\r\n\r\nOKAY\r\n");
  EXPECT_FALSE(reader.done());
  EXPECT_EQ(reader.response().info, (Lines{"CONNECTED", "OKAY"}));
}

TEST(AtResponseTest, LeavesDataAfterConnectUnconsumed) {
  ResponseReader reader("ATDT5551234\r");
  const std::string head = "ATDT5551234\r\r\nCONNECT 33600/ARQ\r\n";
  const std::string data = "\x7e\xff\x7d\x23\xc0\x21\r\n"s;
  const std::string bytes = head + data;
  const std::size_t consumed = reader.Feed(bytes);
  EXPECT_EQ(consumed, head.size());
  EXPECT_EQ(bytes.substr(consumed), data);
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->rate, 33600u);
}

TEST(AtResponseTest, LeavesDataAfterLfCrConnectUnconsumed) {
  ResponseReader reader;
  const std::string head = "\n\rCONNECT 2400\n\r";
  const std::size_t consumed = reader.Feed(head + "\nDATA");
  EXPECT_EQ(consumed, head.size());
  ASSERT_TRUE(reader.done());
}

TEST(AtResponseTest, NumericConnectEndsAtItsCr) {
  // V0 sends "1\r" only: a following LF is the first byte of data, not a terminator.
  ResponseReader reader("ATDT1\r");
  const std::size_t consumed = reader.Feed("ATDT1\r1\r\nDATA");
  EXPECT_EQ(consumed, 8u);
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::Connect);
  EXPECT_EQ(reader.Feed("\nDATA"), 0u);
}

TEST(AtResponseTest, SplitCrLfAfterTheFinalCodeIsConsumedOnce) {
  ResponseReader reader;
  EXPECT_EQ(reader.Feed("\r\nCONNECT\r"), 10u);
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.Feed(""), 0u);  // nothing yet: still expecting the LF
  EXPECT_EQ(reader.Feed("\n~data"), 1u);
  EXPECT_EQ(reader.Feed("\n~data"), 0u);
}

TEST(AtResponseTest, FeedAfterDoneLeavesDataThatIsNotTheTerminator) {
  ResponseReader reader;
  EXPECT_EQ(reader.Feed("\r\nCONNECT\r"), 10u);
  EXPECT_EQ(reader.Feed("~\n"), 0u);
  EXPECT_EQ(reader.response().final->code, ResultCode::Connect);
}

TEST(AtResponseTest, ByteByByteGivesTheSameResponse) {
  const std::string bytes =
      "ATI\r\r\nModem 1.0\r\n\r\nRING\r\n\r\nOK\r\n"
      "trailing";
  ResponseReader reader("ATI\r");
  std::size_t consumed = 0;
  for (char c : bytes) {
    const std::size_t n = reader.Feed(std::string_view(&c, 1));
    if (n == 0) break;  // the rest is the caller's
    consumed += n;
  }
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(bytes.substr(consumed), "trailing");
  EXPECT_EQ(reader.response().final->code, ResultCode::Ok);
  EXPECT_EQ(reader.response().info, (Lines{"Modem 1.0"}));
  EXPECT_EQ(reader.response().rings, 1);
}

TEST(AtResponseTest, PendingShowsTheUnterminatedLine) {
  ResponseReader reader;
  reader.Feed("\r\nNO CARR");
  EXPECT_FALSE(reader.done());
  EXPECT_EQ(reader.pending(), "NO CARR");
}

TEST(AtResponseTest, TalliesNoiseAndKeepsItOutOfInformation) {
  ResponseReader reader("ATZ");
  reader.Feed("ATZ\r\r\n\x01\x02garbage\xff\r\nO\0K\r\n\r\nOK\r\n"s);
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::Ok);
  EXPECT_TRUE(reader.response().info.empty());
  EXPECT_EQ(reader.response().noise_bytes, 10u + 3u);
  EXPECT_EQ(reader.response().noise_sample, "\\x01\\x02garbage\\xFF");
}

TEST(AtResponseTest, NulInAResultCodeIsNotAResult) {
  ResponseReader reader;
  reader.Feed("\r\nO\0K\r\n"s);
  EXPECT_FALSE(reader.done());
  EXPECT_EQ(reader.response().noise_bytes, 3u);
}

TEST(AtResponseTest, EightBitResultCodeIsNotAResult) {
  ResponseReader reader;
  reader.Feed("\r\n\xcf\xcb\r\n");  // "OK" with the parity bit set
  EXPECT_FALSE(reader.done());
  EXPECT_EQ(reader.response().noise_bytes, 2u);
  EXPECT_EQ(reader.response().noise_sample, "\\xCF\\xCB");
}

TEST(AtResponseTest, OverlongLineIsNoiseNotInformation) {
  ResponseReader reader("", 32);
  reader.Feed(std::string(1000, 'A') + "\r\nOK\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_TRUE(reader.response().info.empty());
  EXPECT_EQ(reader.response().noise_bytes, 1000u);
  EXPECT_EQ(reader.response().noise_sample, std::string(32, 'A'));
}

TEST(AtResponseTest, GarbageFloodKeepsPendingBoundedUntilTheFinalCode) {
  constexpr std::size_t kTotal = 10u << 20;
  std::string chunk;
  for (int i = 0; i < 4096; ++i) chunk += static_cast<char>(0x80 | (i & 0x7f));
  ResponseReader reader("ATZ");
  std::size_t max_pending = 0;
  for (std::size_t fed = 0; fed < kTotal; fed += chunk.size()) {
    ASSERT_EQ(reader.Feed(chunk), chunk.size());
    max_pending = std::max(max_pending, reader.pending().size());
  }
  EXPECT_FALSE(reader.done());
  EXPECT_LE(max_pending, LineFramer::kDefaultMaxLine);
  reader.Feed("\r\nOK\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().noise_bytes, kTotal);
  EXPECT_LE(reader.response().noise_sample.size(), LineFramer::kNoiseSample);
  EXPECT_EQ(reader.response().noise_sample.substr(0, 8), "\\x80\\x81");
}

}  // namespace
}  // namespace dialsoak::at

namespace dialsoak::at {
namespace {

// What a modem with the extended reports on (AT+MR=2 +ER=1 +DR=1, Rockwell W2/S95) says
// between ATD and CONNECT: reports, not the answer.
TEST(AtResponseDialectTest, IntermediateReportsBeforeConnectGoToInfo) {
  ResponseReader reader("ATDT5551234\r");
  const std::string bytes =
      "ATDT5551234\r\r\n+MCR: V34\r\n\r\n+MRR: 33600,33600\r\n\r\n+ER: LAPM\r\n"
      "\r\n+DR: V42B\r\n\r\nCARRIER 33600\r\n\r\nPROTOCOL: LAPM\r\n"
      "\r\nCOMPRESSION: V42BIS\r\n\r\nCONNECT 33600\r\nDATA";
  EXPECT_EQ(reader.Feed(bytes), bytes.size() - 4);
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::Connect);
  EXPECT_EQ(reader.response().final->rate, 33600u);
  EXPECT_EQ(reader.response().info,
            (Lines{"+MCR: V34", "+MRR: 33600,33600", "+ER: LAPM", "+DR: V42B", "CARRIER 33600",
                   "PROTOCOL: LAPM", "COMPRESSION: V42BIS"}));
  EXPECT_FALSE(reader.response().unrecognised.has_value());
}

TEST(AtResponseDialectTest, NumericSpeedCodeEndsTheDialWithItsRate) {
  ResponseReader reader("ATDT1\r");
  // ATV0: intermediate CARRIER 2400 (47) and PROTOCOL: LAPM (77), then CONNECT 2400 (10);
  // a numeric code ends at its S3, so the LF after it is data.
  const std::string bytes = "47\r77\r10\r\nX";
  EXPECT_EQ(reader.Feed(bytes), 9u);
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::Connect);
  EXPECT_EQ(reader.response().final->rate, 2400u);
  EXPECT_EQ(reader.response().info, (Lines{"47", "77"}));
  EXPECT_FALSE(reader.response().unrecognised.has_value());
}

TEST(AtResponseDialectTest, BlacklistedAndDelayedAreFinal) {
  for (const char* bytes : {"\r\nBLACKLISTED\r\n", "32\r"}) {
    ResponseReader reader("ATDT1\r");
    reader.Feed(bytes);
    ASSERT_TRUE(reader.done()) << bytes;
    EXPECT_EQ(reader.response().final->code, ResultCode::Blacklisted);
  }
  for (const char* bytes : {"\r\nDELAYED\r\n", "24\r"}) {
    ResponseReader reader("ATDT1\r");
    reader.Feed(bytes);
    ASSERT_TRUE(reader.done()) << bytes;
    EXPECT_EQ(reader.response().final->code, ResultCode::Delayed);
  }
}

TEST(AtResponseDialectTest, UnknownFinalLookingLineIsKeptAsUnrecognised) {
  ResponseReader reader("ATDT1\r");
  reader.Feed("ATDT1\r\r\n+MCR: V34\r\n\r\nLINE IN USE\r\n");
  EXPECT_FALSE(reader.done());
  ASSERT_TRUE(reader.response().unrecognised.has_value());
  EXPECT_EQ(*reader.response().unrecognised, "LINE IN USE");
  EXPECT_EQ(reader.response().info, (Lines{"+MCR: V34", "LINE IN USE"}));
  // A known final code after it is the answer.
  reader.Feed("\r\nNO CARRIER\r\n");
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.response().final->code, ResultCode::NoCarrier);
}

TEST(AtResponseDialectTest, UnknownNumericCodeIsUnrecognised) {
  ResponseReader reader("ATDT1\r");
  reader.Feed("33\r");  // FAX in the Rockwell table: no data call
  EXPECT_FALSE(reader.done());
  EXPECT_EQ(reader.response().unrecognised, "33");
}

TEST(AtResponseDialectTest, EchoAndIntermediatesAreNotUnrecognised) {
  ResponseReader reader("ATDT1\r");
  reader.Feed("ATDT1\r\r\nRINGING\r\n\r\nCARRIER 28800\r\n");
  EXPECT_FALSE(reader.done());
  EXPECT_FALSE(reader.response().unrecognised.has_value());
}

}  // namespace
}  // namespace dialsoak::at
