// The settings registry: its table is consistent, its declared defaults are the settings'
// real defaults, and the report's echo of the settings keeps the shape it always had.
#include "settings_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "settings_json.h"

namespace dialsoak::cli {
namespace {

using ::testing::ElementsAreArray;

TEST(SettingsRegistryTest, EverySettingHasANameHelpAndARule) {
  std::set<std::string> flags, keys, json;
  for (const Setting& s : AllSettings()) {
    SCOPED_TRACE(s.flag.empty() ? s.KeyPath() : std::string(s.flag));
    EXPECT_FALSE(s.flag.empty() && s.key.empty()) << "neither a flag nor a key";
    EXPECT_FALSE(s.help.empty());
    EXPECT_TRUE(s.rule.set) << "no rule";
    EXPECT_TRUE(s.rule.echo) << "no echo";
    EXPECT_NE(s.commands, 0u);
    EXPECT_NE(s.backends, 0u);
    if (s.rule.shape == Shape::List || s.rule.shape == Shape::Pairs) {
      EXPECT_TRUE(s.rule.clear) << "a list needs clear";
    }
    if (s.rule.shape != Shape::Switch) {
      EXPECT_FALSE(s.type.empty()) << "a value needs a type name";
    }
    if (!s.flag.empty()) {
      EXPECT_TRUE(flags.insert(std::string(s.flag)).second) << "flag twice";
    }
    if (!s.key.empty()) {
      EXPECT_TRUE(keys.insert(s.KeyPath()).second) << "key twice";
    }
    const bool line = s.section == Section::Line || s.section == Section::Entry;
    if (!s.json.empty() && !line) {
      EXPECT_TRUE(json.insert(std::string(s.json)).second) << "json path twice";
    }
  }
}

TEST(SettingsRegistryTest, FlagsAndKeysAreFound) {
  ASSERT_NE(FindFlag("--settle"), nullptr);
  EXPECT_EQ(FindFlag("--settle")->key, "settle");
  ASSERT_NE(FindFlag("--quiet"), nullptr);  // "--quiet,-q"
  EXPECT_EQ(FindKey(Section::Push, "interval")->flag, "--push-interval");
  EXPECT_EQ(FindKey(Section::Entry, "hangup"), FindKey(Section::Line, "hangup"));
  EXPECT_EQ(FindKey(Section::Line, "device"), nullptr) << "a device is a modems entry's own";
  EXPECT_EQ(FindKey(Section::Top, "hangup"), nullptr);
  EXPECT_EQ(FindFlag("--bogus"), nullptr);
}

// The defaults the docs and --help show are the defaults the settings have: each declared
// default, given as a value, changes nothing in the report. Defaults written as prose (what
// happens when the setting is not given) are listed here; line settings' defaults are the
// serial line's (modems/serial), not RunSettings'.
TEST(SettingsRegistryTest, DeclaredDefaultsAreTheSettingsDefaults) {
  const std::set<std::string_view> prose = {"--ports",        "--hold-dist",    "--out",
                                            "--push-label",   "--push-ca-file", "--push-auth-file",
                                            "--load",         "--warmup",       "--plan-load"};
  int checked = 0;
  for (const Setting& s : AllSettings()) {
    if (s.fallback.empty() || s.section == Section::Line || s.section == Section::Entry) continue;
    SCOPED_TRACE(s.flag);
    RunSettings defaults, given;
    Target target{given, given.line_defaults};
    if (prose.contains(s.flag)) {
      const bool parses = s.rule.set(s.fallback, target).has_value();
      EXPECT_TRUE(!parses || s.rule.echo(given, given.line_defaults) !=
                                 s.rule.echo(defaults, defaults.line_defaults))
          << "a prose default that reads as a value: drop it from the list";
      continue;
    }
    if (s.rule.clear) s.rule.clear(target);
    auto set = s.rule.set(s.fallback, target);
    ASSERT_TRUE(set) << set.error();
    EXPECT_EQ(s.rule.echo(given, given.line_defaults), s.rule.echo(defaults, defaults.line_defaults))
        << "declared default " << s.fallback;
    ++checked;
  }
  EXPECT_GT(checked, 25);
}

std::vector<std::string> Keys(const nlohmann::json& j) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  return keys;
}

// The report's "config" keeps its shape (dialsoak compare and users' scripts read it).
TEST(SettingsRegistryTest, TheReportsConfigKeepsItsShape) {
  RunSettings s;
  const nlohmann::json run = SettingsToJson(s);
  EXPECT_THAT(Keys(run),
              ElementsAreArray({"answer_delay", "backend", "charts", "command", "config_file",
                                "cycles", "devices", "duration_seconds", "hold_seconds",
                                "inject_leak", "journal", "journal_cycles_limit_mib", "junit",
                                "leak", "line_defaults", "lines", "linger_seconds", "listen",
                                "max_failures_percent", "modems", "note", "number", "out",
                                "per_line_metrics", "pools", "ports", "report",
                                "sample_interval_seconds", "scenario", "seed", "sim_failures",
                                "sim_faults", "think_seconds", "thresholds", "watch_names",
                                "watch_pids", "web_config"}));
  EXPECT_THAT(Keys(run["leak"]), ElementsAreArray({"allow_leaks", "allow_restarts", "confidence",
                                                   "settle_seconds", "window_seconds"}));
  EXPECT_THAT(Keys(run["sim_failures"]),
              ElementsAreArray({"busy", "no_answer", "no_carrier", "no_dialtone"}));
  EXPECT_EQ(run["cycles"], 250);
  EXPECT_TRUE(run["inject_leak"].is_null());
  EXPECT_EQ(run["line_defaults"], nlohmann::json::object()) << "unset line settings are left out";

  s.push_url = "http://127.0.0.1:9091";
  s.rate = 2.5;
  s.command = "capacity";
  s.cycles.reset();
  s.line_defaults.hangup = "dtr";
  s.line_defaults.dial_timeout = std::chrono::seconds(45);
  LineSettings entry;
  entry.device = "/dev/ttyS0";
  s.line_overrides.push_back(entry);
  const nlohmann::json all = SettingsToJson(s);
  EXPECT_EQ(all["cycles"], "unlimited");
  EXPECT_THAT(Keys(all["push"]), ElementsAreArray({"auth_file", "ca_file", "interval_seconds",
                                                   "job", "labels", "url"}));
  EXPECT_THAT(Keys(all["open_loop"]), ElementsAreArray({"arrivals", "hold_dist", "rate", "stages"}));
  EXPECT_EQ(all["capacity"]["arrivals"], "poisson");
  EXPECT_EQ(all["capacity"]["target_blocking"], 0.01);
  EXPECT_EQ(all["line_defaults"], (nlohmann::json{{"hangup", "dtr"}, {"dial_timeout_seconds", 45.0}}));
  EXPECT_EQ(all["modems"], (nlohmann::json::array({{{"device", "/dev/ttyS0"}}})));
}

TEST(SettingsRegistryTest, TheReferenceHasARowPerSetting) {
  const std::string md = SettingsReferenceMarkdown();
  for (const Setting& s : AllSettings()) {
    const std::string name = s.flag.empty() ? "`" + s.KeyPath() + "`" : "`" + std::string(s.flag) + "`";
    EXPECT_NE(md.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace dialsoak::cli
