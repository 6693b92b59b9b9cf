// The exec backend's settings: read from YAML (a command as a string or a list, exit codes
// to results), checked (a missing program, a regex, both ways of deciding "connected", exec
// keys on another backend), and mapped to ExecLineConfig.
#include "exec_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_file.h"

namespace dialsoak::cli {
namespace {

using ::testing::HasSubstr;

// Loads text and validates it; the first error, or "" when it is fine.
std::string Problem(const std::string& text, RunSettings& s) {
  auto loaded = LoadConfigText(text, "run.yaml", s);
  if (!loaded) return loaded.error().message;
  auto valid = ValidateSettings(s);
  return valid ? "" : valid.error().message;
}

std::string Problem(const std::string& text) {
  RunSettings s;
  return Problem(text, s);
}

TEST(ExecSettingsTest, ReadsCommandsAsStringsOrListsAndExitCodes) {
  RunSettings s;
  ASSERT_EQ(Problem(R"(backend: exec
defaults:
  dial_cmd: [chat, -v, "", ATZ, OK]
  hangup_cmd: "sh -c 'echo bye'"
  exit_results: {3: timeout, 4: busy}
modems:
  - connect_regex: "local +IP"
)",
                    s),
            "");
  ASSERT_TRUE(s.line_defaults.dial_cmd);
  EXPECT_EQ(s.line_defaults.dial_cmd->argv,
            (std::vector<std::string>{"chat", "-v", "", "ATZ", "OK"}));
  EXPECT_EQ(s.line_defaults.hangup_cmd->text, "sh -c 'echo bye'");
  EXPECT_EQ((*s.line_defaults.exit_results), (std::map<int, std::string>{{3, "timeout"}, {4, "busy"}}));
  EXPECT_EQ(s.line_overrides[0].connect_regex, "local +IP");

  auto hangup = config::ToCommand(*s.line_defaults.hangup_cmd, false);
  ASSERT_TRUE(hangup);
  EXPECT_EQ(hangup->argv, (std::vector<std::string>{"sh", "-c", "echo bye"}));
  auto shell = config::ToCommand(*s.line_defaults.hangup_cmd, true);
  EXPECT_EQ(shell->argv, (std::vector<std::string>{"/bin/sh", "-c", "sh -c 'echo bye'"}));
  EXPECT_FALSE(config::ToCommand(*s.line_defaults.dial_cmd, true));  // a list for a shell
}

TEST(ExecSettingsTest, MistakesNameTheirKey) {
  EXPECT_THAT(Problem("backend: exec\n"), HasSubstr("backend exec needs a dial command"));
  EXPECT_THAT(Problem("backend: exec\ndefaults:\n  dial_cmd: no-such-dialer-x up\n"),
              HasSubstr("run.yaml:2: key 'defaults.dial_cmd': program 'no-such-dialer-x' not "
                        "found in PATH"));
  EXPECT_THAT(Problem("backend: exec\ndefaults:\n  dial_cmd: \"chat 'ATZ\"\n"),
              HasSubstr("unclosed single quote"));
  EXPECT_THAT(Problem("backend: exec\ndefaults:\n  dial_cmd: 'true'\n  connect_regex: 'a('\n"),
              HasSubstr("'a(' does not compile"));
  EXPECT_THAT(Problem("backend: exec\ndefaults:\n  dial_cmd: 'true'\n  exit_results: {4: bussy}\n"),
              HasSubstr("unknown result 'bussy'"));
  EXPECT_THAT(Problem("backend: exec\ndefaults:\n  dial_cmd: 'true'\n  exit_results: {300: busy}\n"),
              HasSubstr("300 is out of range"));
  EXPECT_THAT(Problem("backend: exec\ndefaults:\n  dial_cmd: 'true'\n  connect_regex: up\n"
                      "modems:\n  - check_cmd: 'true'\n"),
              HasSubstr("connect_regex and check_cmd both set"));
  EXPECT_THAT(Problem("backend: exec\ndefaults:\n  dial_cmd: [true]\n  shell: true\n"),
              HasSubstr("shell: true runs a command written as one string"));
  EXPECT_THAT(Problem("defaults:\n  dial_cmd: 'true'\n"),
              HasSubstr("key 'defaults.dial_cmd': the exec backend only"));
  EXPECT_THAT(Problem("backend: exec\ndefaults:\n  dial_cmd: []\n"), HasSubstr("no program"));
}

TEST(ExecSettingsTest, ParseExitResult) {
  EXPECT_EQ(config::ParseExitResult("4=busy"), (std::pair<int, std::string>{4, "busy"}));
  EXPECT_THAT(config::ParseExitResult("4:busy").error(), HasSubstr("expected CODE=RESULT"));
  EXPECT_THAT(config::ParseExitResult("256=busy").error(), HasSubstr("from 0 to 255"));
  EXPECT_THAT(config::ParseExitResult("4=nocarrier").error(),
              HasSubstr("did you mean 'no_carrier'?"));
}

}  // namespace
}  // namespace dialsoak::cli
