#include "command_parser.h"

#include <gtest/gtest.h>

namespace dialsoak::sim {
namespace {

using Kind = Command::Kind;

TEST(SimCommandParserTest, SplitsBasicCommandsWithParameters) {
  auto cmds = ParseCommandLine("E0V1Q0&D2\\N3X");
  ASSERT_EQ(cmds.size(), 6u);
  const char* names[] = {"E", "V", "Q", "&D", "\\N", "X"};
  const long values[] = {0, 1, 0, 2, 3, 0};
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    EXPECT_EQ(cmds[i].kind, Kind::Basic);
    EXPECT_EQ(cmds[i].name, names[i]);
    EXPECT_EQ(cmds[i].value, values[i]);
  }
  EXPECT_FALSE(cmds[5].has_value);
}

TEST(SimCommandParserTest, FoldsCaseAndDropsSpaces) {
  auto cmds = ParseCommandLine("e 1 &c1");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].name, "E");
  EXPECT_EQ(cmds[0].value, 1);
  EXPECT_EQ(cmds[1].name, "&C");
}

TEST(SimCommandParserTest, Registers) {
  auto cmds = ParseCommandLine("S7=60S0?S12");
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[0].kind, Kind::SetReg);
  EXPECT_EQ(cmds[0].reg, 7);
  EXPECT_EQ(cmds[0].value, 60);
  EXPECT_EQ(cmds[1].kind, Kind::ReadReg);
  EXPECT_EQ(cmds[1].reg, 0);
  EXPECT_EQ(cmds[2].kind, Kind::SelectReg);
  EXPECT_EQ(cmds[2].reg, 12);
  EXPECT_EQ(ParseCommandLine("S=1")[0].kind, Kind::Invalid);
}

TEST(SimCommandParserTest, DialTakesTheRestOfTheLine) {
  auto cmds = ParseCommandLine("E0DT 555-1234;");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[1].kind, Kind::Dial);
  EXPECT_EQ(cmds[1].text, "T555-1234;");
}

TEST(SimCommandParserTest, ExtendedCommands) {
  auto cmds = ParseCommandLine("+FAA=1;+FCR=1");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].kind, Kind::ExtSet);
  EXPECT_EQ(cmds[0].name, "+FAA");
  EXPECT_EQ(cmds[0].text, "1");
  EXPECT_EQ(cmds[1].name, "+FCR");

  auto q = ParseCommandLine("+FCLASS?;+FCLASS=?;+GMI");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0].kind, Kind::ExtRead);
  EXPECT_EQ(q[1].kind, Kind::ExtTest);
  EXPECT_EQ(q[2].kind, Kind::ExtExec);
}

TEST(SimCommandParserTest, QuotedStringsKeepSpacesCaseAndSemicolons) {
  auto cmds = ParseCommandLine("+FLID=\"49 555 ;x\"");
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].kind, Kind::ExtSet);
  EXPECT_EQ(cmds[0].text, "\"49 555 ;x\"");
}

TEST(SimCommandParserTest, MalformedStopsAtInvalid) {
  for (const char* bad : {"E0%", "&", "&1", "+", "E999999", "S999999=1", "1"}) {
    auto cmds = ParseCommandLine(bad);
    ASSERT_FALSE(cmds.empty()) << bad;
    EXPECT_EQ(cmds.back().kind, Kind::Invalid) << bad;
  }
}

TEST(SimCommandParserTest, EmptyBodyHasNoCommands) {
  EXPECT_TRUE(ParseCommandLine("").empty());
  EXPECT_TRUE(ParseCommandLine("   ").empty());
}

}  // namespace
}  // namespace dialsoak::sim
