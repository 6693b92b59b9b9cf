// Words of a command as a shell would split them, placeholders, PATH look-up.
#include "dialsoak/exec/command.h"

#include <gtest/gtest.h>

namespace dialsoak::exec {
namespace {

std::vector<std::string> Words(std::string_view text) {
  auto c = SplitWords(text);
  EXPECT_TRUE(c) << text << ": " << (c ? "" : c.error());
  return c ? c->argv : std::vector<std::string>{};
}

TEST(SplitWordsTest, SplitsOnBlanksAndHonoursQuotesAndBackslashes) {
  EXPECT_EQ(Words("pon  provider"), (std::vector<std::string>{"pon", "provider"}));
  EXPECT_EQ(Words("chat -v '' ATZ OK"), (std::vector<std::string>{"chat", "-v", "", "ATZ", "OK"}));
  EXPECT_EQ(Words(R"(a "b c" d\ e 'f"g')"), (std::vector<std::string>{"a", "b c", "d e", "f\"g"}));
  EXPECT_EQ(Words(R"("x\"y\\z\n")"), (std::vector<std::string>{R"(x"y\z\n)"}));
  EXPECT_EQ(Words("ab'c d'e"), (std::vector<std::string>{"abc de"}));
  EXPECT_TRUE(Words("   ").empty());
}

TEST(SplitWordsTest, NothingAShellWouldDoHappens) {
  EXPECT_EQ(Words("echo $HOME *; rm -rf / | cat"),
            (std::vector<std::string>{"echo", "$HOME", "*;", "rm", "-rf", "/", "|", "cat"}));
}

TEST(SplitWordsTest, UnclosedQuotesAreErrorsThatSayWhere) {
  auto single = SplitWords("chat 'ATZ");
  ASSERT_FALSE(single);
  EXPECT_NE(single.error().find("unclosed single quote at character 6"), std::string::npos);
  auto dbl = SplitWords("x \"y");
  ASSERT_FALSE(dbl);
  EXPECT_NE(dbl.error().find("double quote"), std::string::npos);
  EXPECT_FALSE(SplitWords("x \\"));
}

TEST(ExpandTest, FillsPlaceholdersAndLeavesOthers) {
  Command c{{"chat", "ATDT{number}", "{line}:{device}", "{other}", "{{number}}", "{"}};
  Command e = Expand(c, {{"number", "5551234"}, {"line", "3"}, {"device", "/dev/ttyS1"}});
  EXPECT_EQ(e.argv, (std::vector<std::string>{"chat", "ATDT5551234", "3:/dev/ttyS1", "{other}",
                                              "{number}", "{"}));
}

TEST(CommandTest, ToStringQuotesWhatNeedsIt) {
  EXPECT_EQ((Command{{"chat", "-v", "", "it's", "a b"}}).ToString(), R"(chat -v '' 'it'\''s' 'a b')");
  // What ToString prints splits back into the same words.
  Command c{{"x", "", "it's", "a\"b"}};
  EXPECT_EQ(Words(c.ToString()), c.argv);
}

TEST(FindProgramTest, LooksInPathAndChecksPaths) {
  auto sh = FindProgram("sh");
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->back(), 'h');
  EXPECT_EQ(FindProgram("/bin/sh"), "/bin/sh");
  EXPECT_FALSE(FindProgram("dialsoak-no-such-program"));
  EXPECT_FALSE(FindProgram("/nonexistent/sh"));
  EXPECT_FALSE(FindProgram("/etc/passwd"));  // not executable
  EXPECT_FALSE(FindProgram("/bin"));         // a directory
}

}  // namespace
}  // namespace dialsoak::exec
