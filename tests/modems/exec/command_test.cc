// Words of a command as a shell would split them, placeholders, PATH look-up.
#include "dialsoak/exec/command.h"

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

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

// With --shell the values are quoted for sh: a number with spaces and parentheses (which
// the dial-string check allows) is one word, not a syntax error.
TEST(ExpandTest, AShellCommandsValuesAreQuotedForSh) {
  const Command c = ShellCommand("echo dialing {number} on {device} {{number}}");
  const Command e = Expand(c, {{"number", "1 (800) 555-1234"}, {"device", "/dev/it's"}});
  ASSERT_EQ(e.argv.size(), 3u);
  EXPECT_TRUE(e.shell);
  EXPECT_EQ(e.argv[2], R"(echo dialing '1 (800) 555-1234' on '/dev/it'\''s' {number})");
  // Without a shell a value stays inside its one word, as it is.
  EXPECT_EQ(Expand(Command{{"chat", "ATDT{number}"}}, {{"number", "1 (800)"}}).argv[1],
            "ATDT1 (800)");
}

// The shell really runs each expanded command: the value arrives as one argument, exactly,
// and nothing written in it (a command substitution, a ';', backticks) runs.
TEST(ExpandTest, HostileValuesRunNothingInARealShell) {
  char tmpl[] = "/tmp/dialsoak-exec-test.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir(tmpl);
  const std::string out = (dir / "out").string();
  const std::string marker = (dir / "PWNED").string();
  const std::string values[] = {
      "1 (800) 555-1234", "it's", "\"q\" 'q'", "$(touch " + marker + ")", "x; touch " + marker,
      "`touch " + marker + "`", "a\\b $HOME *", "|| touch " + marker + " &"};
  for (const std::string& value : values) {
    SCOPED_TRACE(value);
    const Command e =
        Expand(ShellCommand("printf '%s|%s' {number} {device} >" + ShellQuote(out)),
               {{"number", value}, {"device", value}});
    std::vector<char*> argv;
    for (const std::string& a : e.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv.data(), environ), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << e.ToString();
    std::ifstream in(out);
    std::stringstream got;
    got << in.rdbuf();
    EXPECT_EQ(got.str(), value + "|" + value);
    EXPECT_FALSE(std::filesystem::exists(marker)) << "the value ran: " << e.argv[2];
  }
  std::filesystem::remove_all(dir);
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
