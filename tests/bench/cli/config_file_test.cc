// LoadConfigFile: a full file fills every field; each wrong input names file:line:key.
#include "config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "temp_dir.h"

namespace dialsoak::cli {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Line numbers below are asserted: keep the text and the comments beside it in step.
constexpr const char* kFullFile =
    "# dialsoak run --config\n"                // 1
    "backend: serial\n"                        // 2
    "lines: 16\n"                              // 3
    "cycles: 1000\n"                           // 4
    "duration: 8h\n"                           // 5
    "hold: 2s\n"                               // 6
    "think: 500ms\n"                           // 7
    "number: \"0115551234\"\n"                 // 8
    "seed: 7\n"                                // 9
    "sample_interval: 250ms\n"                 // 10
    "answer_delay: exp:500ms\n"                // 11
    "watch_pid: [1234, 99]\n"                  // 12
    "watch_name: [pppd, chat]\n"               // 13
    "report: run.json\n"                       // 14
    "quiet: true\n"                            // 15
    "max_failures: 0.5\n"                      // 16
    "defaults:\n"                              // 17
    "  init: [ATZ, \"ATE0 V1 Q0 &C1 &D2\"]\n"  // 18
    "  hangup: dtr\n"                          // 19
    "  dial_mode: pulse\n"                     // 20
    "  dial_timeout: 45s\n"                    // 21
    "  hangup_timeout: 10s\n"                  // 22
    "  command_timeout: 5s\n"                  // 23
    "  guard_time: 1s\n"                       // 24
    "  speed: 57600\n"                         // 25
    "  framing: 7E1\n"                         // 26
    "  rtscts: true\n"                         // 27
    "modems:\n"                                // 28
    "  - device: /dev/ttyS0\n"                 // 29
    "    number: \"5551234\"\n"                // 30
    "    init: ATZ\n"                          // 31
    "    hangup: escape\n"                     // 32
    "    dial_timeout: 30s\n"                  // 33
    "\n"                                       // 34
    "  - device: /dev/ttyS1\n"                 // 35
    "    speed: 9600\n"                        // 36
    "    framing: 8N2\n"                       // 37
    "    rtscts: false\n"                      // 38
    "    dial_mode: tone\n"                    // 39
    "    hangup_timeout: 3s\n"                 // 40
    "    command_timeout: 2s\n"                // 41
    "    guard_time: 500ms\n"                  // 42
    "  - /dev/ttyUSB0\n"                       // 43
    "listen: 127.0.0.1:9780\n"                // 44
    "linger: 30s\n"                           // 45
    "per_line_metrics: true\n"                // 46
    "push:\n"                                 // 47
    "  url: http://127.0.0.1:9091\n"          // 48
    "  job: soak\n"                           // 49
    "  interval: 5s\n"                        // 50
    "  labels: {instance: bank1, site: lab2}\n"  // 51
    "allow_leaks: true\n"                     // 52
    "settle: 2s\n"                            // 53
    "leak_window: 10m\n"                      // 54
    "leak_confidence: 0.95\n"                 // 55
    "charts: png\n"                           // 56
    "thresholds:\n"                           // 57
    "  - success_ratio>=0.99\n"               // 58
    "  - dial_p99 <= 30s\n"                   // 59
    "junit: soak.xml\n";                      // 60

class ConfigFileTest : public ::testing::Test {
 protected:
  // Loads text from a file named run.yaml; returns the error message, or "" on success.
  std::string Load(const std::string& text) {
    path_ = dir_.Write("run.yaml", text);
    auto loaded = LoadConfigFile(path_, settings_);
    return loaded ? "" : loaded.error().message;
  }

  testutil::TempDir dir_;
  std::string path_;
  RunSettings settings_;
};

TEST_F(ConfigFileTest, FullFileFillsEveryField) {
  ASSERT_EQ(Load(kFullFile), "");
  const RunSettings& s = settings_;
  EXPECT_EQ(s.backend, "serial");
  EXPECT_EQ(s.lines, 16);
  EXPECT_EQ(s.cycles, 1000);
  EXPECT_EQ(s.duration, 8h);
  EXPECT_EQ(s.hold, 2s);
  EXPECT_EQ(s.think, 500ms);
  EXPECT_EQ(s.number, "0115551234");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.sample_interval, 250ms);
  EXPECT_EQ(s.answer_delay, "exp:500ms");
  EXPECT_THAT(s.watch_pids, ElementsAre(1234, 99));
  EXPECT_THAT(s.watch_names, ElementsAre("pppd", "chat"));
  EXPECT_EQ(s.report_path, "run.json");
  EXPECT_TRUE(s.quiet);
  EXPECT_DOUBLE_EQ(s.max_failures_percent, 0.5);
  EXPECT_EQ(s.config_path, path_);
  EXPECT_THAT(s.devices, ElementsAre("/dev/ttyS0", "/dev/ttyS1", "/dev/ttyUSB0"));
  EXPECT_EQ(s.listen, "127.0.0.1:9780");
  EXPECT_EQ(s.linger, 30s);
  EXPECT_TRUE(s.per_line_metrics);
  EXPECT_TRUE(s.allow_leaks);
  EXPECT_EQ(s.settle, 2s);
  EXPECT_EQ(s.leak_window, 10min);
  EXPECT_DOUBLE_EQ(s.leak_confidence, 0.95);
  EXPECT_EQ(s.charts, "png");
  EXPECT_THAT(s.thresholds, ElementsAre("success_ratio>=0.99", "dial_p99 <= 30s"));
  EXPECT_EQ(s.junit_path, "soak.xml");
  EXPECT_EQ(s.push_url, "http://127.0.0.1:9091");
  EXPECT_EQ(s.push_job, "soak");
  EXPECT_EQ(s.push_interval, 5s);
  using Label = std::pair<std::string, std::string>;
  EXPECT_THAT(s.push_labels, ElementsAre(Label{"instance", "bank1"}, Label{"site", "lab2"}));

  const LineSettings& d = s.line_defaults;
  EXPECT_EQ(d.source_line, 17);
  EXPECT_EQ(d.device, "");
  EXPECT_EQ(d.number, std::nullopt);
  EXPECT_EQ(d.init, (std::vector<std::string>{"ATZ", "ATE0 V1 Q0 &C1 &D2"}));
  EXPECT_EQ(d.hangup, "dtr");
  EXPECT_EQ(d.dial_mode, "pulse");
  EXPECT_EQ(d.dial_timeout, 45s);
  EXPECT_EQ(d.hangup_timeout, 10s);
  EXPECT_EQ(d.command_timeout, 5s);
  EXPECT_EQ(d.guard_time, 1s);
  EXPECT_EQ(d.speed, 57600);
  EXPECT_EQ(d.framing, "7E1");
  EXPECT_EQ(d.rtscts, true);

  ASSERT_EQ(s.line_overrides.size(), 3u);
  const LineSettings& m0 = s.line_overrides[0];
  EXPECT_EQ(m0.source_line, 29);
  EXPECT_EQ(m0.device, "/dev/ttyS0");
  EXPECT_EQ(m0.number, "5551234");
  EXPECT_EQ(m0.init, std::vector<std::string>{"ATZ"});
  EXPECT_EQ(m0.hangup, "escape");
  EXPECT_EQ(m0.dial_timeout, 30s);
  EXPECT_EQ(m0.speed, std::nullopt);  // unset in the entry: the defaults apply
  EXPECT_EQ(m0.rtscts, std::nullopt);

  const LineSettings& m1 = s.line_overrides[1];
  EXPECT_EQ(m1.source_line, 35);
  EXPECT_EQ(m1.device, "/dev/ttyS1");
  EXPECT_EQ(m1.speed, 9600);
  EXPECT_EQ(m1.framing, "8N2");
  EXPECT_EQ(m1.rtscts, false);
  EXPECT_EQ(m1.dial_mode, "tone");
  EXPECT_EQ(m1.hangup_timeout, 3s);
  EXPECT_EQ(m1.command_timeout, 2s);
  EXPECT_EQ(m1.guard_time, 500ms);
  EXPECT_EQ(m1.hangup, std::nullopt);

  const LineSettings& m2 = s.line_overrides[2];  // shorthand entry: just the device
  EXPECT_EQ(m2.source_line, 43);
  EXPECT_EQ(m2.device, "/dev/ttyUSB0");
  EXPECT_EQ(m2.init, std::nullopt);
}

TEST_F(ConfigFileTest, FullFileIsValidOnTheSimBackend) {
  ASSERT_EQ(Load(kFullFile), "");
  settings_.backend = "sim";  // its /dev/ttyS* need not exist here
  auto valid = ValidateSettings(settings_);
  EXPECT_TRUE(valid) << valid.error().message;
}

// The example in docs/configuration.md's "A config file" section loads, and sets what it says.
TEST_F(ConfigFileTest, DocsExampleLoads) {
  std::ifstream readme(std::string(DIALSOAK_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(readme) << "docs/configuration.md not found";
  std::string line, yaml;
  bool in_section = false, in_block = false;
  while (std::getline(readme, line)) {
    if (line.starts_with("## ")) in_section = line == "## A config file";
    if (!in_section) continue;
    if (line == "```yaml") {
      in_block = true;
    } else if (in_block && line == "```") {
      break;
    } else if (in_block) {
      yaml += line + "\n";
    }
  }
  ASSERT_FALSE(yaml.empty()) << "no yaml block in docs/configuration.md's config file section";
  ASSERT_EQ(Load(yaml), "");
  EXPECT_EQ(settings_.backend, "serial");
  EXPECT_EQ(settings_.cycles, std::optional<std::int64_t>(1000));
  EXPECT_EQ(settings_.duration, 8h);
  EXPECT_EQ(settings_.line_defaults.hangup, "auto");
  EXPECT_FALSE(settings_.allow_restarts);
  EXPECT_THAT(settings_.devices, ElementsAre("/dev/ttyS0", "/dev/ttyUSB0", "/dev/ttyACM0"));
  settings_.backend = "sim";
  auto valid = ValidateSettings(settings_);
  EXPECT_TRUE(valid) << valid.error().message;
}

TEST_F(ConfigFileTest, OnlyTheKeysPresentChangeSettings) {
  settings_.lines = 9;
  settings_.number = "777";
  settings_.watch_pids = {42};
  settings_.line_defaults.hangup = "escape";
  settings_.line_overrides.emplace_back().device = "/dev/ttyS3";
  settings_.devices = {"/dev/ttyS3"};
  ASSERT_EQ(Load("hold: 3s\ndefaults:\n  dial_timeout: 9s\n"), "");
  EXPECT_EQ(settings_.hold, 3s);
  EXPECT_EQ(settings_.line_defaults.dial_timeout, 9s);
  EXPECT_EQ(settings_.line_defaults.hangup, "escape");
  EXPECT_EQ(settings_.lines, 9);
  EXPECT_EQ(settings_.number, "777");
  EXPECT_THAT(settings_.watch_pids, ElementsAre(42));
  EXPECT_EQ(settings_.cycles, 250);
  ASSERT_EQ(settings_.line_overrides.size(), 1u);
  EXPECT_THAT(settings_.devices, ElementsAre("/dev/ttyS3"));
}

TEST_F(ConfigFileTest, AllowRestartsIsABoolean) {
  ASSERT_EQ(Load("allow_restarts: true\n"), "");
  EXPECT_TRUE(settings_.allow_restarts);
  EXPECT_NE(Load("allow_restarts: sometimes\n"), "");
}

TEST_F(ConfigFileTest, EmptyFileOrOnlyCommentsChangesNothing) {
  ASSERT_EQ(Load(""), "");
  EXPECT_EQ(settings_.lines, 4);
  ASSERT_EQ(Load("# nothing yet\n"), "");
  EXPECT_EQ(settings_.cycles, 250);
  EXPECT_EQ(settings_.config_path, path_);
}

TEST_F(ConfigFileTest, CyclesUnlimitedLeavesOnlyTheDuration) {
  ASSERT_EQ(Load("cycles: unlimited\nduration: 15m\n"), "");
  EXPECT_EQ(settings_.cycles, std::nullopt);
  EXPECT_EQ(settings_.duration, 15min);
}

TEST_F(ConfigFileTest, WatchPidAndWatchNameTakeAScalarOrAList) {
  ASSERT_EQ(Load("watch_pid: 1234\nwatch_name: pppd\n"), "");
  EXPECT_THAT(settings_.watch_pids, ElementsAre(1234));
  EXPECT_THAT(settings_.watch_names, ElementsAre("pppd"));
  ASSERT_EQ(Load("watch_pid:\n  - 1\n  - 2\nwatch_name: [pppd, wvdial]\n"), "");
  EXPECT_THAT(settings_.watch_pids, ElementsAre(1, 2));  // replaced, not appended
  EXPECT_THAT(settings_.watch_names, ElementsAre("pppd", "wvdial"));
}

TEST_F(ConfigFileTest, InjectLeakTakesEveryAndAnOptionalKind) {
  ASSERT_EQ(Load("inject_leak: 3:pipe\n"), "");
  EXPECT_EQ(settings_.inject_leak, "3:pipe");
  ASSERT_EQ(Load("inject_leak: 10\n"), "");
  EXPECT_EQ(settings_.inject_leak, "10");
  EXPECT_TRUE(ValidateSettings(settings_).has_value()) << ValidateSettings(settings_).error().message;
}

TEST_F(ConfigFileTest, PortsAndPoolsDescribeTheFarEnd) {
  ASSERT_EQ(Load("ports: 24\n"), "");
  EXPECT_EQ(settings_.ports, 24);
  ASSERT_EQ(Load("pools: ['5551234:40', '5559999:40']\n"), "");
  EXPECT_THAT(settings_.pools, ElementsAre("5551234:40", "5559999:40"));
  ASSERT_EQ(Load("pools: '*:8'\n"), "");
  EXPECT_THAT(settings_.pools, ElementsAre("*:8"));  // a single pool, replacing the list
}

TEST_F(ConfigFileTest, CapacitySectionFillsTheSweepSettings) {
  ASSERT_EQ(Load("ports: 24\nhold_dist: exp:90s\ncapacity:\n  loads: [10, '15:25:5']\n"
                 "  precision: 0.5\n  max_step: 20m\n  warmup: 10m\n  confidence: 0.99\n"
                 "  target_blocking: 2%\n  p99_limit: 30s\n  plan_load: 40\n"
                 "  expect_erlang_b: true\n"),
            "");
  const CapacitySettings& c = settings_.capacity;
  EXPECT_THAT(c.loads, ElementsAre(10, 15, 20, 25));
  EXPECT_DOUBLE_EQ(c.precision, 0.5);
  EXPECT_EQ(c.max_step, 20min);
  EXPECT_EQ(c.warmup, 10min);
  EXPECT_DOUBLE_EQ(c.confidence, 0.99);
  EXPECT_DOUBLE_EQ(c.target_blocking, 0.02);
  EXPECT_EQ(c.p99_limit, 30s);
  EXPECT_EQ(c.plan_load, 40);
  EXPECT_TRUE(c.expect_erlang_b);
  ASSERT_EQ(Load("capacity: {step_calls: 500}\n"), "");
  EXPECT_EQ(settings_.capacity.step_calls, 500);
  ASSERT_EQ(Load("capacity: {step_duration: 5m}\n"), "");
  EXPECT_EQ(settings_.capacity.step_duration, 5min);
  settings_.command = "capacity";
  EXPECT_THAT(ValidateSettings(settings_).error().message,
              HasSubstr("--step-calls and --step-duration both given"));
}

TEST_F(ConfigFileTest, BareNumberKeepsItsDigitsAndDurationIsSeconds) {
  ASSERT_EQ(Load("number: 0115551234\nhold: 2\nquiet: no\n"), "");
  EXPECT_EQ(settings_.number, "0115551234");
  EXPECT_EQ(settings_.hold, 2s);
  EXPECT_FALSE(settings_.quiet);
}

TEST_F(ConfigFileTest, ModemsEntriesKeepTheirSourceLinesInFlowAndBlockStyle) {
  ASSERT_EQ(Load("backend: sim\n"         // 1
                 "modems:\n"              // 2
                 "  - {number: \"1\"}\n"  // 3
                 "  # a comment\n"        // 4
                 "  -\n"                  // 5
                 "    number: \"2\"\n"    // 6
                 "  - number: \"3\"\n"    // 7
                 "    hangup: dtr\n"),    // 8
            "");
  ASSERT_EQ(settings_.line_overrides.size(), 3u);
  EXPECT_EQ(settings_.line_overrides[0].source_line, 3);
  EXPECT_EQ(settings_.line_overrides[0].number, "1");
  EXPECT_EQ(settings_.line_overrides[1].source_line, 6);
  EXPECT_EQ(settings_.line_overrides[1].number, "2");
  EXPECT_EQ(settings_.line_overrides[2].source_line, 7);
  EXPECT_TRUE(settings_.devices.empty());  // no entry named a device
}

// --- errors that name file:line and key ---------------------------------------------------

struct BadCase {
  const char* name;
  const char* yaml;
  int line;
  const char* key;
  const char* says;  // a fragment of the message after "file:line: key 'k': "
};
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ConfigFileErrorTest : public ConfigFileTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(ConfigFileErrorTest, NamesFileLineAndKeyAndSaysWhatIsAllowed) {
  const BadCase& c = GetParam();
  const std::string message = Load(c.yaml);
  EXPECT_THAT(message,
              StartsWith(path_ + ":" + std::to_string(c.line) + ": key '" + c.key + "': "));
  EXPECT_THAT(message, HasSubstr(c.says));
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
}

const BadCase kBadCases[] = {
    {"TypoSuggestsClosestKey", "lines: 4\nhodl: 2s\n", 2, "hodl",
     "unknown key (did you mean 'hold'?); allowed at the top level: backend, lines, cycles, "
     "duration, hold,"},
    {"HyphenForUnderscoreSuggestsKey", "sample-interval: 2s\n", 1, "sample-interval",
     "(did you mean 'sample_interval'?)"},
    {"UnknownKeyListsAllowedKeys", "\n\ncolour: red\n", 3, "colour",
     // The settings in the registry's order (a new one joins the list), then the sections.
     "unknown key; allowed at the top level: backend, lines, cycles, duration, hold, think, "
     "number, seed, sample_interval, "},
    {"UnknownKeyListsTheSectionsLast", "\n\ncolour: red\n", 3, "colour",
     "per_line_metrics, push, capacity, defaults, modems"},
    {"CapacityTypo", "capacity:\n  lods: [10]\n", 2, "capacity.lods",
     "unknown key (did you mean 'loads'?); allowed in capacity: loads, precision"},
    {"CapacityBadLoad", "capacity: {loads: [10, ten]}\n", 1, "capacity.loads[1]",
     "bad loads 'ten': 'ten' is not a number"},
    {"CapacityBadTarget", "capacity:\n  target_blocking: 1\n", 2, "capacity.target_blocking",
     "bad ratio '1'"},
    {"CapacityNotAMap", "capacity: [10]\n", 1, "capacity", "expected a map of sweep settings"},
    {"PoolWithoutCapacity", "pools: ['5551234']\n", 1, "pools[0]",
     "bad pool '5551234': no capacity; expected NUMBER:C"},
    {"PtyPoolIsForModemsim", "pools: ['*:4:pty']\n", 1, "pools[0]",
     "':pty' answering ports are for modemsim"},
    {"ZeroPorts", "ports: 0\n", 1, "ports", "0 is out of range: expected a whole number from 1 to 4096"},
    {"LineSettingAtTopLevelSaysWhereItGoes", "quiet: false\nspeed: 9600\n", 2, "speed",
     "unknown key here ('speed' is a line setting: put it under 'defaults:' for every line, or "
     "in a 'modems' entry)"},
    {"DevicesAtTopLevelSaysUseModems", "devices: [/dev/ttyS0]\n", 1, "devices",
     "unknown key here (a serial device is one line: list it as a 'modems' entry"},
    {"TypoInDefaults", "defaults:\n  hangup: dtr\n  dial_timout: 5s\n", 3, "defaults.dial_timout",
     "unknown key (did you mean 'dial_timeout'?); allowed in defaults: init, number, hangup,"},
    {"DeviceInDefaults", "defaults:\n  device: /dev/ttyS0\n", 2, "defaults.device",
     "give it its own 'modems' entry"},
    {"TypoInModemsEntry",
     "modems:\n  - device: /dev/ttyS0\n  - device: /dev/ttyS1\n    hangupp: dtr\n", 4,
     "modems[1].hangupp", "(did you mean 'hangup'?); allowed in a modems entry: device, init,"},
    {"RepeatedKey", "hold: 1s\nthink: 2s\nhold: 3s\n", 3, "hold",
     "appears twice (first on line 1)"},
    {"MapWhereDurationExpected", "hold:\n  seconds: 2\n", 1, "hold",
     "expected a duration such as 250ms, 2s, 5m or 8h, got a map"},
    {"ListWhereStringExpected", "number: [555, 1234]\n", 1, "number",
     "expected a number to dial such as \"5551234\", got a list"},
    {"StringWhereNumberExpected", "lines: many\n", 1, "lines",
     "expected a whole number from 1 to 4096, got 'many'"},
    {"FractionWhereWholeNumberExpected", "lines: 2.5\n", 1, "lines", "got '2.5'"},
    {"NegativeLines", "lines: -3\n", 1, "lines",
     "-3 is out of range: expected a whole number from 1 to 4096"},
    {"TooManyLines", "lines: 5000\n", 1, "lines", "5000 is out of range"},
    {"UnknownChartFormat", "charts: gif\n", 1, "charts", "expected svg, png or none"},
    {"ConfidenceOutOfRange", "leak_confidence: 1\n", 1, "leak_confidence",
     "expected a number from 0.5 to 0.9999, got '1'"},
    {"NegativeSettle", "settle: -1s\n", 1, "settle", "-1s"},
    {"BadThresholdNamesItsEntry", "thresholds:\n  - dial_p99<=30s\n  - dial_p42<1s\n", 3,
     "thresholds[1]", "unknown metric \"dial_p42\"; metrics: success_ratio"},
    {"ThresholdAsAMap", "thresholds: {dial_p99: 30s}\n", 1, "thresholds", "expected"},
    {"BadStageNamesItsEntry", "stages:\n  - 1m:10\n  - 5x:3\n", 3, "stages[1]", "5x:3"},
    {"UnknownArrivals", "arrivals: bursty\n", 1, "arrivals", "expected poisson or uniform"},
    {"BadHoldDist", "hold_dist: \"exp:\"\n", 1, "hold_dist", "exp:MEAN"},
    {"ZeroCycles", "cycles: 0\n", 1, "cycles",
     "0 is out of range: expected a whole number >= 1 or 'unlimited'"},
    {"WordCycles", "cycles: forever\n", 1, "cycles",
     "expected a whole number >= 1 or 'unlimited', got 'forever'"},
    {"BadDuration", "lines: 2\nhold: xyz\n", 2, "hold",
     "bad duration 'xyz': expected a non-negative number with a unit ns, us, ms, s, m or h"},
    {"NegativeDuration", "think: -2s\n", 1, "think", "bad duration '-2s'"},
    {"ZeroSampleInterval", "sample_interval: 0s\n", 1, "sample_interval",
     "must be more than 0, got 0s"},
    {"ZeroDialTimeout", "defaults:\n  dial_timeout: 0\n", 2, "defaults.dial_timeout",
     "must be more than 0"},
    {"NoValue", "quiet: true\nhold:\n", 2, "hold", "got nothing"},
    {"UnknownBackend", "backend: modem\n", 1, "backend",
     "unknown backend 'modem': expected sim, serial or exec"},
    {"BackendTypo", "backend: serail\n", 1, "backend", "(did you mean 'serial'?)"},
    {"UnknownHangup", "defaults:\n  hangup: dtrr\n", 2, "defaults.hangup",
     "unknown hangup 'dtrr': expected auto, dtr or escape (did you mean 'dtr'?)"},
    {"UnknownDialMode", "modems:\n  - dial_mode: rotary\n", 2, "modems[0].dial_mode",
     "unknown dial_mode 'rotary': expected tone or pulse"},
    {"BadFraming", "defaults:\n  framing: 9X1\n", 2, "defaults.framing",
     "bad framing '9X1': expected DATA PARITY STOP such as 8N1, 7E1, 8O2"},
    {"UnsupportedSpeed", "modems:\n  - device: /dev/ttyS0\n    speed: 1234\n", 3, "modems[0].speed",
     "unsupported speed 1234: expected one of 300, 1200, 2400,"},
    {"WordSpeed", "defaults:\n  speed: fast\n", 2, "defaults.speed", "got 'fast'"},
    {"BadAnswerDelay", "answer_delay: gauss:1s\n", 1, "answer_delay",
     "bad distribution 'gauss:1s'"},
    {"BadInjectLeak", "inject_leak: 0:eventfd\n", 1, "inject_leak",
     "expected EVERY[:KIND] with EVERY >= 1 and KIND one of eventfd, pipe, socket, file, got "
     "'0:eventfd'"},
    {"InjectLeakUnknownKind", "inject_leak: 1:handle\n", 1, "inject_leak", "got '1:handle'"},
    {"BadDialNumber", "number: \"555;1234\"\n", 1, "number", "character ';' at position 4"},
    {"EmptyInitString", "defaults:\n  init: [ATZ, \"\"]\n", 2, "defaults.init[1]",
     "empty init string"},
    {"InitElementOnItsOwnLine", "defaults:\n  init:\n    - ATZ\n    - {x: 1}\n", 4,
     "defaults.init[1]", "expected an init string such as ATZ, got a map"},
    {"NegativePidInList", "watch_pid:\n  - 12\n  - -4\n", 3, "watch_pid[1]",
     "-4 is out of range: expected a whole number >= 1"},
    {"WordPid", "watch_pid: init\n", 1, "watch_pid", "got 'init'"},
    {"BadBool", "quiet: maybe\n", 1, "quiet", "expected true or false, got 'maybe'"},
    {"BadBoolInEntry", "modems:\n  - device: /dev/ttyS0\n    rtscts: sometimes\n", 3,
     "modems[0].rtscts", "expected true or false, got 'sometimes'"},
    {"NegativeSeed", "seed: -1\n", 1, "seed", "expected a whole number >= 0, got '-1'"},
    {"EmptyReport", "report: \"\"\n", 1, "report", "got an empty string"},
    {"MaxFailuresOver100", "max_failures: 150\n", 1, "max_failures",
     "expected a percentage from 0 to 100, got '150'"},
    {"ModemsNotAList", "modems: /dev/ttyS0\n", 1, "modems",
     "expected a list of lines such as '- device: /dev/ttyS0', got '/dev/ttyS0'"},
    {"ModemsEntryIsAList", "modems:\n  - device: /dev/ttyS0\n  - [a, b]\n", 3, "modems[1]",
     "expected a map of line settings"},
    {"DefaultsNotAMap", "defaults: dtr\n", 1, "defaults", "expected a map of line settings"},
    {"PushNotAMap", "push: http://127.0.0.1:9091\n", 1, "push",
     "expected a map such as '{url: http://127.0.0.1:9091}'"},
    {"PushTypo", "push:\n  url: http://h:1\n  intervall: 5s\n", 3, "push.intervall",
     "(did you mean 'interval'?); allowed in push: url, ca_file, auth_file, job, interval, "
     "labels"},
    {"PushLabelsNotAMap", "push:\n  labels: [a, b]\n", 2, "push.labels",
     "expected a map of grouping labels"},
    {"ZeroPushInterval", "push:\n  interval: 0s\n", 2, "push.interval", "must be more than 0"},
    {"NegativeLinger", "linger: -1s\n", 1, "linger", "bad duration '-1s'"},
    {"EmptyListen", "listen: \"\"\n", 1, "listen", "got an empty string"},
};

INSTANTIATE_TEST_SUITE_P(Cases, ConfigFileErrorTest, ::testing::ValuesIn(kBadCases),
                         [](const auto& test) { return std::string(test.param.name); });

TEST_F(ConfigFileTest, NoSuggestionWhenNothingIsClose) {
  EXPECT_THAT(Load("colour: red\n"), Not(HasSubstr("did you mean")));
  EXPECT_THAT(Load("x: 1\n"), Not(HasSubstr("did you mean")));  // too short to guess
}

// --- errors about the file itself --------------------------------------------------------

TEST_F(ConfigFileTest, YamlSyntaxErrorNamesFileAndLine) {
  const std::string message = Load("lines: 4\nhold: [1s, 2s\nthink: 1s\n");
  EXPECT_THAT(message, StartsWith(path_ + ":3: YAML syntax error at column"));
  EXPECT_THAT(message, HasSubstr("end of sequence flow not found"));
}

TEST_F(ConfigFileTest, TabIndentationIsASyntaxErrorOnItsLine) {
  const std::string message = Load("lines: 4\ndefaults:\n\thangup: dtr\n");
  EXPECT_THAT(message, StartsWith(path_ + ":3: YAML syntax error"));
  EXPECT_THAT(message, HasSubstr("(YAML indents with spaces; line 3 holds a tab)"));
}

TEST_F(ConfigFileTest, TopLevelMustBeAMap) {
  const std::string message = Load("- lines\n- 4\n");
  EXPECT_EQ(message, path_ + ":1: expected a map of settings such as 'lines: 16', got a list");
}

TEST_F(ConfigFileTest, SecondDocumentIsRefused) {
  const std::string message = Load("lines: 4\n---\nlines: 8\n");
  EXPECT_THAT(message, StartsWith(path_ + ":3: a second YAML document ('---')"));
}

TEST_F(ConfigFileTest, MissingFileSaysNotFound) {
  const std::string path = dir_.Path("nope.yaml");
  auto loaded = LoadConfigFile(path, settings_);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message, path + ": config file not found (check the --config path)");
  EXPECT_EQ(settings_.config_path, "");
}

TEST_F(ConfigFileTest, DirectoryIsNotAConfigFile) {
  auto loaded = LoadConfigFile(dir_.path().string(), settings_);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message,
            dir_.path().string() + ": is a directory; --config expects a YAML file");
}

TEST_F(ConfigFileTest, UnreadableFileSaysWhy) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string path = dir_.Write("secret.yaml", "lines: 4\n");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  auto loaded = LoadConfigFile(path, settings_);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message, path + ": cannot open the config file: Permission denied");
}

}  // namespace
}  // namespace dialsoak::cli
