// RunOptions: the flags of `dialsoak run` over the config file and a scenario, parsed as
// the program parses them. Here: the run's length (--cycles, --duration, `cycles:`,
// `duration:`, a scenario's count) and the lines a report says were used.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "run_options.h"
#include "run_settings.h"
#include "temp_dir.h"

namespace dialsoak::cli {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Parses `dialsoak run ARGS...` and resolves the settings (or the usage error).
tl::expected<RunSettings, std::string> ParseRun(std::vector<std::string> args) {
  CLI::App app;
  CLI::App* run = app.add_subcommand("run");
  RunOptions options(*run, RunOptions::Command::Run);
  args.insert(args.begin(), "run");
  std::vector<const char*> argv{"dialsoak"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return tl::unexpected(std::string("parse error: ") + e.what());
  }
  return options.Resolve();
}

RunSettings Parsed(std::vector<std::string> args) {
  auto s = ParseRun(std::move(args));
  EXPECT_TRUE(s) << s.error();
  return s ? *s : RunSettings{};
}

TEST(RunLengthTest, NeitherCyclesNorDurationIsTheShortDefault) {
  const RunSettings s = Parsed({});
  EXPECT_EQ(s.cycles, std::optional<std::int64_t>(kDefaultCycles));
  EXPECT_FALSE(s.duration);
}

// The bug: `dialsoak run --duration 8h` stopped after 250 cycles a line.
TEST(RunLengthTest, DurationAloneRunsThatLongWithUnlimitedCycles) {
  const RunSettings s = Parsed({"--duration", "8h"});
  EXPECT_FALSE(s.cycles) << "cycles " << s.cycles.value_or(0);
  ASSERT_TRUE(s.duration);
  EXPECT_EQ(*s.duration, 8h);
}

TEST(RunLengthTest, CyclesAloneAreCycles) {
  const RunSettings s = Parsed({"--cycles", "40"});
  EXPECT_EQ(s.cycles, std::optional<std::int64_t>(40));
  EXPECT_FALSE(s.duration);
}

TEST(RunLengthTest, BothGivenTheFirstReachedWins) {
  const RunSettings s = Parsed({"--duration", "10s", "--cycles", "40"});
  EXPECT_EQ(s.cycles, std::optional<std::int64_t>(40));
  EXPECT_EQ(s.duration, std::optional<nanoseconds>(10s));
  const RunSettings u = Parsed({"--duration", "10s", "--cycles", "unlimited"});
  EXPECT_FALSE(u.cycles);
}

TEST(RunLengthTest, ConfigFileDurationAloneRunsThatLong) {
  testutil::TempDir dir;
  const std::string path = dir.Write("run.yaml", "duration: 2h\n");
  const RunSettings s = Parsed({"--config", path});
  EXPECT_FALSE(s.cycles);
  EXPECT_EQ(s.duration, std::optional<nanoseconds>(2h));
}

TEST(RunLengthTest, ConfigFileCyclesAndFlagDurationAreBoth) {
  testutil::TempDir dir;
  const std::string path = dir.Write("run.yaml", "cycles: 1000\n");
  const RunSettings s = Parsed({"--config", path, "--duration", "5m"});
  EXPECT_EQ(s.cycles, std::optional<std::int64_t>(1000));
  EXPECT_EQ(s.duration, std::optional<nanoseconds>(5min));
  const std::string both = dir.Write("both.yaml", "cycles: 7\nduration: 1h\n");
  const RunSettings b = Parsed({"--config", both});
  EXPECT_EQ(b.cycles, std::optional<std::int64_t>(7));
  EXPECT_EQ(b.duration, std::optional<nanoseconds>(1h));
}

TEST(RunLengthTest, ConfigFileCyclesAloneAreCycles) {
  testutil::TempDir dir;
  const std::string path = dir.Write("run.yaml", "cycles: 12\n");
  const RunSettings s = Parsed({"--config", path});
  EXPECT_EQ(s.cycles, std::optional<std::int64_t>(12));
  EXPECT_FALSE(s.duration);
}

TEST(RunLengthTest, ScenarioCountIsADefaultThatADurationReplaces) {
  EXPECT_EQ(Parsed({"--scenario", "q197517"}).cycles, std::optional<std::int64_t>(1000));
  const RunSettings timed = Parsed({"--scenario", "q197517", "--duration", "30s"});
  EXPECT_FALSE(timed.cycles);
  EXPECT_EQ(timed.duration, std::optional<nanoseconds>(30s));
  const RunSettings both = Parsed({"--scenario", "q197517", "--duration", "30s", "--cycles", "5"});
  EXPECT_EQ(both.cycles, std::optional<std::int64_t>(5));
}

TEST(RunLengthTest, OpenLoopHasNoCyclesPerLine) {
  const RunSettings s = Parsed({"--rate", "5", "--duration", "3s"});
  EXPECT_FALSE(s.cycles);
}

// --think with --rate was silently ignored (a line takes the next arrival when free).
TEST(RunLengthTest, ThinkTimeWithAnOpenLoopRunIsRefused) {
  auto rate = ParseRun({"--rate", "5", "--duration", "3s", "--think", "100ms"});
  ASSERT_FALSE(rate);
  EXPECT_THAT(rate.error(), HasSubstr("--think (config key 'think') with --rate"));
  EXPECT_THAT(rate.error(), HasSubstr("drop --think"));
  EXPECT_TRUE(ParseRun({"--rate", "5", "--duration", "3s", "--think", "0s"}));
  EXPECT_TRUE(ParseRun({"--duration", "3s", "--think", "100ms"})) << "closed loop: fine";
}

// The bug: --cycles with --rate (or --stage) was silently ignored. Now a usage error.
TEST(RunLengthTest, CyclesWithAnOpenLoopRunAreRefused) {
  auto rate = ParseRun({"--rate", "5", "--duration", "3s", "--cycles", "10"});
  ASSERT_FALSE(rate);
  EXPECT_THAT(rate.error(), HasSubstr("--cycles (config key 'cycles') with --rate"));
  EXPECT_THAT(rate.error(), HasSubstr("drop --cycles"));
  auto stage = ParseRun({"--stage", "2s:5", "--cycles", "unlimited"});
  ASSERT_FALSE(stage);
  EXPECT_THAT(stage.error(), HasSubstr("with --stage"));
  testutil::TempDir dir;
  const std::string path = dir.Write("run.yaml", "cycles: 100\n");
  auto file = ParseRun({"--config", path, "--rate", "5"});
  ASSERT_FALSE(file);
  EXPECT_THAT(file.error(), HasSubstr("config key 'cycles'"));
}

// The bug: an exec run's report said config.lines 4 (the sim default) for one dialer.
TEST(LinesUsedTest, AreTheLinesOfTheBackendInUse) {
  EXPECT_EQ(LinesUsed(Parsed({})), 4);
  EXPECT_EQ(LinesUsed(Parsed({"--lines", "9"})), 9);
  EXPECT_EQ(LinesUsed(Parsed({"--backend", "exec", "--dial-cmd", "true"})), 1);
  EXPECT_EQ(LinesUsed(Parsed({"--backend", "exec", "--dial-cmd", "true", "--lines", "3"})), 3);
  RunSettings serial;
  serial.backend = "serial";
  serial.lines = 4;
  serial.devices = {"/dev/ttyS0"};
  EXPECT_EQ(LinesUsed(serial), 1);
  RunSettings exec_tty = serial;
  exec_tty.backend = "exec";
  exec_tty.devices = {"/dev/ttyS0", "/dev/ttyS1"};
  EXPECT_EQ(LinesUsed(exec_tty), 2);
}

// A setting declared once in the registry is a flag and a config key at once.
TEST(RunOptionsTest, NoteIsAFlagAndAConfigKey) {
  EXPECT_EQ(Parsed({"--note", "bank1, firmware 2.3"}).note, "bank1, firmware 2.3");
  testutil::TempDir dir;
  const std::string path = dir.Write("run.yaml", "note: from the file\n");
  EXPECT_EQ(Parsed({"--config", path}).note, "from the file");
  EXPECT_EQ(Parsed({"--config", path, "--note", "flag wins"}).note, "flag wins");
}

}  // namespace
}  // namespace dialsoak::cli
