// ValidateSettings: settings after the flags; devices checked on disk, named by file:line
// when they came from a `modems` entry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "config_file.h"
#include "support/pty_pair.h"
#include "temp_dir.h"

namespace dialsoak::cli {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Problem(const RunSettings& s) {
  auto valid = ValidateSettings(s);
  return valid ? "" : valid.error().message;
}

class ConfigValidateTest : public ::testing::Test {
 protected:
  // Loads text as run.yaml into settings_; fails the test on a load error.
  void Load(const std::string& text) {
    path_ = dir_.Write("run.yaml", text);
    auto loaded = LoadConfigFile(path_, settings_);
    ASSERT_TRUE(loaded) << loaded.error().message;
  }

  testutil::TempDir dir_;
  std::string path_;
  RunSettings settings_;
  // Devices that pass the device check: ttys (pty slaves).
  testutil::PtyPair pty_{false};
  testutil::PtyPair pty2_{false};
  const std::string tty_ = pty_.slave_path();
  const std::string tty2_ = pty2_.slave_path();
};

TEST_F(ConfigValidateTest, DefaultSettingsAreValid) { EXPECT_EQ(Problem(RunSettings{}), ""); }

TEST_F(ConfigValidateTest, SerialBackendNeedsADevice) {
  settings_.backend = "serial";
  EXPECT_EQ(Problem(settings_),
            "backend serial needs at least one device: give --device PATH (repeatable) or "
            "'modems' entries with a 'device' in the config file");
}

TEST_F(ConfigValidateTest, InjectLeakIsForTheSimBackendOnly) {
  settings_.inject_leak = "1:eventfd";
  EXPECT_EQ(Problem(settings_), "");
  settings_.backend = "serial";
  settings_.devices = {tty_};
  EXPECT_EQ(Problem(settings_),
            "--inject-leak (config key 'inject_leak'): the sim backend only (it leaks from the "
            "embedded modem bank, in this process); with --backend serial run modemsim "
            "--inject-leak and watch it with --watch-name modemsim");
}

TEST_F(ConfigValidateTest, PortsOrPoolsButNotBothAndOnlyOnTheSimBackend) {
  settings_.ports = 24;
  EXPECT_EQ(Problem(settings_), "");
  settings_.pools = {"5551234:40"};
  EXPECT_THAT(Problem(settings_), StartsWith("--ports and --pool both given"));
  settings_.ports.reset();
  EXPECT_EQ(Problem(settings_), "");
  settings_.backend = "serial";
  settings_.devices = {tty_};
  EXPECT_EQ(Problem(settings_),
            "--pool (config key 'pools'): the sim backend only (the embedded bank's far end); "
            "real lines reach whatever ports the exchange has");
}

TEST_F(ConfigValidateTest, CapacityOnRealLinesNeedsPortsAndAHoldTime) {
  settings_.command = "capacity";
  EXPECT_EQ(Problem(settings_), "");  // the simulator has defaults for both
  settings_.backend = "serial";
  settings_.devices = {tty_};
  EXPECT_THAT(Problem(settings_), StartsWith("dialsoak capacity on real lines needs --ports C"));
  settings_.ports = 30;  // not a simulator setting here: the concentrator's size
  EXPECT_THAT(Problem(settings_), StartsWith("dialsoak capacity on real lines needs --hold-dist"));
  settings_.hold_dist = "exp:90s";
  EXPECT_EQ(Problem(settings_), "");
  settings_.pools = {"5551234:30"};
  settings_.ports.reset();
  EXPECT_THAT(Problem(settings_), StartsWith("--pool (config key 'pools'): the sim backend only"));
}

TEST_F(ConfigValidateTest, CapacityNeedsAHoldThatOffersLoadAndAPoolForTheNumber) {
  settings_.command = "capacity";
  settings_.hold_dist = "fixed:0";
  EXPECT_THAT(Problem(settings_), HasSubstr("a mean hold time of 0 offers no load"));
  settings_.hold_dist = "exp:1s";
  settings_.pools = {"5559999:8"};
  EXPECT_THAT(Problem(settings_), HasSubstr("no pool answers --number 5551234"));
  settings_.pools = {"5559999:8", "*:4"};
  EXPECT_EQ(Problem(settings_), "");
  settings_.command = "run";  // a closed-loop run takes --hold, not --hold-dist
  settings_.pools.clear();
  EXPECT_THAT(Problem(settings_), HasSubstr("only with --rate or --stage"));
}

TEST_F(ConfigValidateTest, TtyAndSymlinkToOneAreAccepted) {
  const std::string link = dir_.Path("modem0");
  std::filesystem::create_symlink(tty2_, link);
  settings_.backend = "serial";
  settings_.devices = {tty_, link};
  EXPECT_EQ(Problem(settings_), "");
  settings_.backend = "exec";
  settings_.line_defaults.dial_cmd = CommandSetting{"true", {}};
  EXPECT_EQ(Problem(settings_), "") << "exec";
}

// Regression: /dev/null passed the device check (a character device) and swallowed every
// command the line sent, unanswered.
TEST_F(ConfigValidateTest, ACharacterDeviceThatIsNotATtyIsRefusedNamingTheSetting) {
  for (const char* backend : {"serial", "exec"}) {
    SCOPED_TRACE(backend);
    settings_ = RunSettings{};
    settings_.backend = backend;
    if (std::string(backend) == "exec") settings_.line_defaults.dial_cmd = CommandSetting{"true", {}};
    settings_.devices = {tty_, "/dev/null"};
    EXPECT_EQ(Problem(settings_),
              "--device /dev/null: device '/dev/null' is a character device but not a tty: "
              "expected a serial port (/dev/ttyS*, /dev/ttyUSB*, /dev/ttyACM*) or a pty");
  }
  settings_ = RunSettings{};
  Load("backend: serial\nmodems:\n  - device: " + tty_ + "\n  - device: /dev/zero\n");
  EXPECT_THAT(Problem(settings_),
              StartsWith(path_ + ":4: key 'modems[1].device': device '/dev/zero' is a character "
                                 "device but not a tty"));
}

TEST_F(ConfigValidateTest, MissingDeviceFromTheFileNamesFileLineAndKey) {
  const std::string missing = dir_.Path("ttyS9");
  Load(
      "backend: serial\n"        // 1
      "modems:\n"                // 2
      "  - device: " + tty_ + "\n"  // 3
      "  - device: " +
      missing +
      "\n"                   // 4
      "    hangup: dtr\n");  // 5
  EXPECT_EQ(Problem(settings_),
            path_ + ":4: key 'modems[1].device': device '" + missing +
                "' does not exist (is the modem plugged in, the path right?): expected a serial "
                "port (/dev/ttyS*, /dev/ttyUSB*, /dev/ttyACM*) or a pty");
}

TEST_F(ConfigValidateTest, MissingDeviceFromAFlagNamesTheFlag) {
  const std::string missing = dir_.Path("ttyUSB7");
  settings_.backend = "serial";
  settings_.devices = {tty_, missing};
  const std::string problem = Problem(settings_);
  EXPECT_THAT(problem,
              StartsWith("--device " + missing + ": device '" + missing + "' does not exist"));
}

TEST_F(ConfigValidateTest, FlagDevicesReplaceTheFileButKeepItsLineForTheSameDevice) {
  const std::string missing = dir_.Path("ttyS4");
  Load("backend: serial\nmodems:\n  - device: " + tty_ + "\n\n  - device: " + missing + "\n");
  settings_.devices = {missing};  // as --device would set it
  EXPECT_THAT(Problem(settings_), StartsWith(path_ + ":5: key 'modems[1].device': device '"));
}

TEST_F(ConfigValidateTest, DanglingSymlinkIsNamedAsSuch) {
  const std::string link = dir_.Path("modem1");
  std::filesystem::create_symlink(dir_.Path("gone"), link);
  settings_.backend = "serial";
  settings_.devices = {link};
  EXPECT_THAT(Problem(settings_),
              HasSubstr("device '" + link + "' is a symlink to a path that does not exist"));
}

TEST_F(ConfigValidateTest, RegularFileAndDirectoryAreNotDevices) {
  const std::string file = dir_.Write("ttyS0", "not a tty");
  Load("backend: serial\nmodems:\n  - " + file + "\n");
  EXPECT_THAT(Problem(settings_), StartsWith(path_ + ":3: key 'modems[0].device': device '" + file +
                                             "' is a regular file, not a character device"));
  settings_.devices = {dir_.path().string()};
  settings_.line_overrides.clear();
  EXPECT_THAT(Problem(settings_), HasSubstr("is a directory, not a character device"));
}

TEST_F(ConfigValidateTest, DeviceListedTwicePointsAtTheSecondEntry) {
  Load(
      "backend: serial\n"          // 1
      "modems:\n"                  // 2
      "  - device: " + tty_ + "\n"    // 3
      "  - device: " + tty2_ + "\n"   // 4
      "  - device: " + tty_ + "\n");  // 5
  EXPECT_EQ(Problem(settings_), path_ + ":5: key 'modems[2].device': device '" + tty_ +
                                    "' is listed twice; each device is one line");
}

TEST_F(ConfigValidateTest, SerialEntryWithoutDeviceNamesItsLine) {
  Load("modems:\n  - number: \"1\"\n  - number: \"2\"\n");
  settings_.backend = "serial";  // as --backend serial --device TTY would set it
  settings_.devices = {tty_};
  EXPECT_THAT(Problem(settings_),
              StartsWith(path_ + ":2: key 'modems[0].device': backend serial: every modems "
                                 "entry is one line and needs a device"));
}

TEST_F(ConfigValidateTest, SimBackendDoesNotLookAtDevices) {
  settings_.devices = {dir_.Path("absent")};
  settings_.line_overrides.push_back(LineSettings{});
  EXPECT_EQ(Problem(settings_), "");
}

TEST_F(ConfigValidateTest, LineSettingFromTheFileIsNamedByFileLineAndKey) {
  settings_.config_path = "run.yaml";
  settings_.line_overrides.resize(2);
  settings_.line_overrides[1].source_line = 9;
  settings_.line_overrides[1].hangup = "hangup";
  EXPECT_EQ(Problem(settings_),
            "run.yaml:9: key 'modems[1].hangup': unknown hangup 'hangup': "
            "expected auto, dtr or escape");
}

// Bad values as flags or code could set them: each is named and says what is allowed.
struct BadSetting {
  const char* name;
  std::function<void(RunSettings&)> set;
  const char* says;
};
void PrintTo(const BadSetting& c, std::ostream* os) { *os << c.name; }

class ConfigValidateBadValueTest : public ::testing::TestWithParam<BadSetting> {};

TEST_P(ConfigValidateBadValueTest, IsRefusedWithWhatIsAllowed) {
  RunSettings s;
  GetParam().set(s);
  EXPECT_THAT(Problem(s), HasSubstr(GetParam().says));
}

const BadSetting kBadSettings[] = {
    {"Backend", [](RunSettings& s) { s.backend = "serail"; },
     "--backend (config key 'backend'): unknown backend 'serail': expected sim, serial or exec (did "
     "you mean 'serial'?)"},
    {"ZeroLines", [](RunSettings& s) { s.lines = 0; },
     "--lines (config key 'lines'): expected a whole number from 1 to 4096, got 0"},
    {"TooManyLines", [](RunSettings& s) { s.lines = 4097; }, "got 4097"},
    {"ZeroCycles", [](RunSettings& s) { s.cycles = 0; },
     "--cycles (config key 'cycles'): expected a whole number >= 1, got 0"},
    {"NegativeDuration", [](RunSettings& s) { s.duration = -1s; },
     "--duration (config key 'duration'): must not be negative, got -1s"},
    {"NegativeHold", [](RunSettings& s) { s.hold = -500ms; },
     "--hold (config key 'hold'): must not be negative, got -0.5s"},
    {"NegativeThink", [](RunSettings& s) { s.think = -1s; }, "--think (config key 'think')"},
    {"NegativeLinger", [](RunSettings& s) { s.linger = -1s; },
     "--linger (config key 'linger'): must not be negative"},
    {"ZeroPushInterval", [](RunSettings& s) { s.push_interval = 0s; },
     "--push-interval (config key 'push.interval'): must be more than 0"},
    {"PushUrlWithoutScheme", [](RunSettings& s) { s.push_url = "127.0.0.1:9091"; },
     "--push (config key 'push'): push URL '127.0.0.1:9091': expected http://HOST:PORT"},
    {"PushLabelJob", [](RunSettings& s) {
       s.push_url = "http://127.0.0.1:9091";
       s.push_labels = {{"job", "x"}};
     },
     "push label 'job': the job is set by the push job"},
    {"ZeroSampleInterval", [](RunSettings& s) { s.sample_interval = 0s; },
     "--sample-interval (config key 'sample_interval'): must be more than 0, got 0s"},
    {"EmptyNumber", [](RunSettings& s) { s.number = ""; },
     "--number (config key 'number'): dial string \"\" has nothing to dial"},
    {"AnswerDelay", [](RunSettings& s) { s.answer_delay = "exp:"; },
     "--answer-delay (config key 'answer_delay'): bad distribution 'exp:'"},
    {"InjectLeak", [](RunSettings& s) { s.inject_leak = "x"; },
     "--inject-leak (config key 'inject_leak'): expected EVERY[:KIND] with EVERY >= 1 and KIND "
     "one of eventfd, pipe, socket, file, got 'x'"},
    {"MaxFailures", [](RunSettings& s) { s.max_failures_percent = -1; },
     "expected a percentage from 0 to 100, got -1"},
    {"WatchPid", [](RunSettings& s) { s.watch_pids = {0}; },
     "--watch-pid (config key 'watch_pid'): expected a process id >= 1, got 0"},
    {"WatchName", [](RunSettings& s) { s.watch_names = {""}; }, "got an empty one"},
    {"DefaultsHangup", [](RunSettings& s) { s.line_defaults.hangup = "drop"; },
     "line setting 'hangup' (defaults): unknown hangup 'drop': expected auto, dtr or escape"},
    {"DefaultsDialMode", [](RunSettings& s) { s.line_defaults.dial_mode = "tonee"; },
     "unknown dial_mode 'tonee': expected tone or pulse (did you mean 'tone'?)"},
    {"DefaultsDialTimeout", [](RunSettings& s) { s.line_defaults.dial_timeout = 0s; },
     "line setting 'dial_timeout' (defaults): must be more than 0"},
    {"DefaultsGuardTime", [](RunSettings& s) { s.line_defaults.guard_time = -1s; },
     "line setting 'guard_time' (defaults): must not be negative"},
    {"EntrySpeed",
     [](RunSettings& s) {
       s.line_overrides.resize(1);
       s.line_overrides[0].speed = 14400;
     },
     "line setting 'speed' (modems[0]): unsupported speed 14400: expected one of 300,"},
    {"EntryFraming",
     [](RunSettings& s) {
       s.line_overrides.resize(2);
       s.line_overrides[1].framing = "8N3";
     },
     "line setting 'framing' (modems[1]): bad framing '8N3'"},
    {"EntryNumber",
     [](RunSettings& s) {
       s.line_overrides.resize(1);
       s.line_overrides[0].number = "555 X";
     },
     "line setting 'number' (modems[0]): dial string \"555 X\": character 'X'"},
    {"EntryInitControlCharacter",
     [](RunSettings& s) {
       s.line_overrides.resize(1);
       s.line_overrides[0].init = std::vector<std::string>{"ATZ", "AT\rZ"};
     },
     "line setting 'init[1]' (modems[0]): init string 'AT\\rZ' holds a control character (code "
     "13)"},
};

INSTANTIATE_TEST_SUITE_P(Cases, ConfigValidateBadValueTest, ::testing::ValuesIn(kBadSettings),
                         [](const auto& test) { return std::string(test.param.name); });

}  // namespace
}  // namespace dialsoak::cli
