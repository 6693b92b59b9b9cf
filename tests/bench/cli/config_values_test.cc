// The shared value checks: typo suggestions, the speed list against the serial driver's.
#include "config_values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <termios.h>

#include "dialsoak/serial/tty.h"

namespace dialsoak::cli::config {
namespace {

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
  EXPECT_EQ(JoinAlternatives(kBackends), "sim or serial");
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
