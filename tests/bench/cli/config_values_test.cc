// The shared value checks: typo suggestions, the speed list against the serial driver's.
#include "config_values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <termios.h>

#include "dialsoak/serial/tty.h"

namespace dialsoak::cli::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kWords[] = {"hold", "lines", "sample_interval", "dtr"};

TEST(ConfigValuesTest, ClosestMatchSuggestsObviousTypos) {
  EXPECT_EQ(ClosestMatch("hodl", kWords), "hold");    // transposition
  EXPECT_EQ(ClosestMatch("Lines", kWords), "lines");  // case
  EXPECT_EQ(ClosestMatch("line", kWords), "lines");   // deletion
  EXPECT_EQ(ClosestMatch("sample-interval", kWords), "sample_interval");
  EXPECT_EQ(ClosestMatch("dtrr", kWords), "dtr");
  EXPECT_EQ(ClosestMatch("holdings", kWords), std::nullopt);  // distance 4
  EXPECT_EQ(ClosestMatch("xyz", kWords), std::nullopt);       // 3 edits from dtr
  EXPECT_EQ(ClosestMatch("d", kWords), std::nullopt);         // too short to guess
}

TEST(ConfigValuesTest, JoinAlternativesReadsAsASentence) {
  EXPECT_EQ(JoinAlternatives(kHangups), "auto, dtr or escape");
  EXPECT_EQ(JoinAlternatives(kBackends), "sim, serial or exec");
  constexpr std::string_view kOne[] = {"only"};
  EXPECT_EQ(JoinAlternatives(kOne), "only");
}

TEST(ConfigValuesTest, EverySpeedListedIsATermiosRateOfTheSerialDriver) {
  for (int speed : kSpeeds) {
    termios t{};
    serial::TtyOptions o;
    o.speed = speed;
    EXPECT_TRUE(serial::ApplyOptions(t, o)) << speed;
    EXPECT_EQ(CheckSpeed(speed), std::nullopt) << speed;
  }
}

TEST(ConfigValuesTest, SpeedsTheSerialDriverRefusesAreRefused) {
  for (int speed : {0, 110, 14400, 28800, 76800, 1000000}) {
    termios t{};
    serial::TtyOptions o;
    o.speed = speed;
    EXPECT_FALSE(serial::ApplyOptions(t, o)) << speed;
    EXPECT_NE(CheckSpeed(speed), std::nullopt) << speed;
  }
}

TEST(ConfigValuesTest, LoadsAreListsRangesOrBoth) {
  EXPECT_THAT(*ParseLoads("10,15,20"), ElementsAre(10, 15, 20));
  EXPECT_THAT(*ParseLoads("5:20:5"), ElementsAre(5, 10, 15, 20));
  EXPECT_THAT(*ParseLoads("2,5:7:1"), ElementsAre(2, 5, 6, 7));
  auto tenths = ParseLoads("0.1:0.3:0.1");  // rounding must not lose the last one
  ASSERT_TRUE(tenths);
  EXPECT_EQ(tenths->size(), 3u);
  EXPECT_THAT(ParseLoads("5,x").error(), HasSubstr("bad loads '5,x': 'x' is not a number"));
  EXPECT_THAT(ParseLoads("0").error(), HasSubstr("0 is not more than 0"));
  EXPECT_THAT(ParseLoads("9:3:1").error(), HasSubstr("ends below its start"));
  EXPECT_THAT(ParseLoads("1:2").error(), HasSubstr("neither a load nor FROM:TO:STEP"));
  EXPECT_THAT(ParseLoads("").error(), HasSubstr("is not a number"));
  EXPECT_THAT(ParseLoads("1:1000:1").error(), HasSubstr("more than 64 steps"));
}

TEST(ConfigValuesTest, RatiosArePercentsOrFractionsStrictlyBetweenZeroAndOne) {
  EXPECT_DOUBLE_EQ(*ParseRatio("1%"), 0.01);
  EXPECT_DOUBLE_EQ(*ParseRatio("0.5%"), 0.005);
  EXPECT_DOUBLE_EQ(*ParseRatio("0.02"), 0.02);
  for (const char* bad : {"0", "1", "100%", "150%", "-1%", "x", "", "%"}) {
    EXPECT_FALSE(ParseRatio(bad).has_value()) << bad;
  }
  EXPECT_THAT(ParseRatio("150%").error(), HasSubstr("bad ratio '150%': expected a percent"));
}

TEST(ConfigValuesTest, PrintableEscapesControlCharacters) {
  EXPECT_EQ(Printable("AT\r\n\tZ\x01"), "AT\\r\\n\\tZ\\x01");
  EXPECT_EQ(Printable("ATE0 V1"), "ATE0 V1");
}

TEST(ConfigValuesTest, CheckLineSettingsReportsTheFirstBadField) {
  LineSettings line;
  EXPECT_EQ(CheckLineSettings(line), std::nullopt);
  line.framing = "8N1";
  line.speed = 300;
  line.hangup_timeout = std::chrono::seconds(0);
  auto problem = CheckLineSettings(line);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->key, "hangup_timeout");
  EXPECT_EQ(problem->message, "must be more than 0, got 0s");
}

}  // namespace
}  // namespace dialsoak::cli::config
