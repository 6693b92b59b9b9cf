#include "dialsoak/at/command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace dialsoak::at {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(AtCommandTest, AddsPrefixAndTerminator) {
  EXPECT_EQ(FormatCommand("Z"), "ATZ\r");
  EXPECT_EQ(FormatCommand("E0V1"), "ATE0V1\r");
  EXPECT_EQ(FormatCommand(""), "AT\r");
}

TEST(AtCommandTest, KeepsAnExistingPrefix) {
  EXPECT_EQ(FormatCommand("ATZ"), "ATZ\r");
  EXPECT_EQ(FormatCommand("atz"), "atz\r");
  EXPECT_EQ(FormatCommand("AT"), "AT\r");
  EXPECT_EQ(FormatCommand("AT&F"), "AT&F\r");
}

TEST(AtCommandTest, DoesNotTakeASingleAForThePrefix) {
  EXPECT_EQ(FormatCommand("A"), "ATA\r");  // answer
}

TEST(AtCommandTest, UsesTheGivenS3) { EXPECT_EQ(FormatCommand("H0", '\n'), "ATH0\n"); }

TEST(AtCommandTest, DoesNotDoubleAnExistingTerminator) {
  EXPECT_EQ(FormatCommand("ATZ\r"), "ATZ\r");
  EXPECT_EQ(FormatCommand("H\n", '\n'), "ATH\n");
}

TEST(AtCommandTest, FormatsToneAndPulseDial) {
  auto tone = FormatDial("5551234", DialMode::Tone);
  ASSERT_TRUE(tone.has_value()) << tone.error();
  EXPECT_EQ(*tone, "ATDT5551234\r");

  auto pulse = FormatDial("5551234", DialMode::Pulse, '\n');
  ASSERT_TRUE(pulse.has_value()) << pulse.error();
  EXPECT_EQ(*pulse, "ATDP5551234\n");
}

TEST(AtCommandTest, DropsSpacesDashesAndParentheses) {
  auto dial = FormatDial("(555) 123-4567", DialMode::Tone);
  ASSERT_TRUE(dial.has_value()) << dial.error();
  EXPECT_EQ(*dial, "ATDT5551234567\r");
}

TEST(AtCommandTest, KeepsDialModifiers) {
  auto dial = FormatDial("9W,,*70#ABCD@!P1T2", DialMode::Tone);
  ASSERT_TRUE(dial.has_value()) << dial.error();
  EXPECT_EQ(*dial, "ATDT9W,,*70#ABCD@!P1T2\r");

  auto lower = FormatDial("9w,abcd", DialMode::Tone);
  ASSERT_TRUE(lower.has_value()) << lower.error();
  EXPECT_EQ(*lower, "ATDT9w,abcd\r");
}

TEST(AtCommandTest, RefusesSemicolonNamingIt) {
  auto dial = FormatDial("555;1234", DialMode::Tone);
  ASSERT_FALSE(dial.has_value());
  EXPECT_THAT(dial.error(), HasSubstr("';'"));
  EXPECT_THAT(dial.error(), HasSubstr("position 4"));
  EXPECT_THAT(dial.error(), HasSubstr("command mode"));
}

TEST(AtCommandTest, RefusesOtherLettersNamingThem) {
  for (const char* number : {"555X1234", "1-800-FLOWERS", "+15551234", "555.1234"}) {
    auto dial = FormatDial(number, DialMode::Tone);
    EXPECT_FALSE(dial.has_value()) << number;
  }
  auto dial = FormatDial("555X1234", DialMode::Tone);
  ASSERT_FALSE(dial.has_value());
  EXPECT_THAT(dial.error(), HasSubstr("'X'"));
  EXPECT_THAT(dial.error(), HasSubstr("position 4"));
}

TEST(AtCommandTest, RefusesControlBytesWithAPrintableMessage) {
  // A CR inside the number would end the command early and inject the rest as a new one.
  auto dial = FormatDial("555\rATH", DialMode::Tone);
  ASSERT_FALSE(dial.has_value());
  EXPECT_THAT(dial.error(), HasSubstr("'\\x0D'"));
  EXPECT_THAT(dial.error(), Not(HasSubstr("\r")));

  auto nul = FormatDial(std::string("55\0", 3) + "5", DialMode::Tone);
  ASSERT_FALSE(nul.has_value());
  EXPECT_THAT(nul.error(), HasSubstr("'\\x00'"));
  EXPECT_EQ(nul.error().find('\0'), std::string::npos);
}

TEST(AtCommandTest, RefusesEightBitBytes) {
  auto dial = FormatDial("555\xE9", DialMode::Pulse);
  ASSERT_FALSE(dial.has_value());
  EXPECT_THAT(dial.error(), HasSubstr("'\\xE9'"));
}

TEST(AtCommandTest, RefusesAnEmptyNumber) {
  EXPECT_FALSE(FormatDial("", DialMode::Tone).has_value());
  EXPECT_FALSE(FormatDial(" - ( )", DialMode::Tone).has_value());
}

}  // namespace
}  // namespace dialsoak::at
