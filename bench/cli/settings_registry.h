// The settings of `dialsoak run` and `dialsoak capacity`, each declared once
// (settings_table.cc): its flag, its YAML key and where the key sits, how its value is read
// and written back into the report, its default, its help, and which commands and backends
// take it. The flags (run_options.cc), the config file (config_file.cc), the report's
// echo of the configuration (settings_json.cc), the refusal of a setting given where it
// does not apply (settings_scope.cc) and the reference in docs/configuration.md
// (`dialsoak settings`) are all made from this one table.
//
// Adding a setting: a field in run_settings.h, one entry in settings_table.cc, and its
// use where it acts.
//
// Pure data and functions; thread-safe (the table is built once, on first use).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "run_settings.h"

namespace dialsoak::cli {

// Where a setting's YAML key sits in the config file.
enum class Section {
  Top,       // at the top level
  Line,      // under `defaults:` and in each `modems:` entry (a flag sets the defaults)
  Entry,     // in a `modems:` entry only (device)
  Push,      // under `push:`
  Capacity,  // under `capacity:`
};

// The commands and backends a setting applies to (bit masks).
enum Commands : unsigned { kRun = 1, kCapacity = 2, kBothCommands = 3 };
enum Backends : unsigned { kSim = 1, kSerial = 2, kExec = 4, kAnyBackend = 7 };

// How a value is written: one value; an on/off switch (a flag without a value); a list
// (a repeated flag, a YAML list or a single scalar); NAME=VALUE pairs (a repeated flag, a
// YAML map); a command (a string, or a YAML list of its words).
enum class Shape { Scalar, Switch, List, Pairs, Command };

// What a value lands in: the run, and the line a line setting is for (the defaults for a
// flag or `defaults:`, the entry's own settings for a `modems:` entry).
struct Target {
  RunSettings& run;
  LineSettings& line;
};

using SetResult = tl::expected<void, std::string>;

// How one setting's value is read and echoed. Made by the factories of setting_rules.h.
struct ValueRule {
  Shape shape = Shape::Scalar;
  std::string expected{};  // for messages: "a duration such as 250ms, 2s, 5m or 8h"
  // One value, or one element of a list ("NAME=VALUE" for pairs). The error says what is
  // wrong and what is allowed, without the setting's name (the caller adds where).
  std::function<SetResult(std::string_view text, Target&)> set{};
  // A list or pairs: called once before the first element, so that the values given
  // replace the defaults (and a flag's list replaces the file's).
  std::function<void(Target&)> clear{};
  // A command given as a list of words (YAML).
  std::function<SetResult(const std::vector<std::string>& words, Target&)> set_words{};
  // The value as the report's configuration shows it; null: not set (a line setting's
  // null is left out of the report).
  std::function<nlohmann::json(const RunSettings&, const LineSettings&)> echo{};
};

struct Setting {
  std::string_view flag{};   // "--settle"; empty: the config file only
  std::string_view key{};    // "settle"; empty: a flag only
  Section section = Section::Top;
  std::string_view type{};   // the value's name in --help and the docs: DURATION, N, ...
  std::string_view fallback{};  // the default as a user would write it; empty: none
  std::string_view help{};   // one sentence or a few; `(default X)` is added from fallback
  std::string_view capacity_help{};  // `dialsoak capacity`'s help when it differs
  // Where the report's "config" shows it: a JSON path ("leak.settle_seconds"), or two
  // separated by a space; empty: not echoed.
  std::string_view json{};
  unsigned commands = kBothCommands;
  unsigned backends = kAnyBackend;
  std::string_view implicit{};  // a flag given without a value takes this (--listen)
  ValueRule rule{};

  bool For(unsigned command) const { return (commands & command) != 0; }
  // "--settle", or "config key 'push.url'" for a setting without a flag.
  std::string Name() const;
  // "--settle (config key 'settle')": both names, for messages about the settled value.
  std::string BothNames() const;
  // The YAML key with its section: "settle", "push.url", "capacity.loads",
  // "defaults.hangup".
  std::string KeyPath() const;
  // The help for `command` with "(default X)" appended.
  std::string HelpFor(unsigned command) const;
};

// A setting given in the config file or by a flag, and where: "--lines", or
// "run.yaml:3: key 'lines'" (for messages about where it does not apply).
struct GivenSetting {
  const Setting* setting = nullptr;
  std::string where{};
  bool from_file = false;
};

// Every setting, in the order --help and the docs list them.
std::span<const Setting> AllSettings();

// The setting of a YAML key in a section, or null.
const Setting* FindKey(Section section, std::string_view key);
// The setting of a key path as KeyPath() writes it ("settle", "push.interval",
// "capacity.loads"), or null.
const Setting* FindKeyPath(std::string_view path);
// The setting of a flag ("--settle"), or null.
const Setting* FindFlag(std::string_view flag);
// The keys allowed in a section, in table order (a `modems:` entry: Line and Entry).
std::vector<std::string_view> KeysOf(Section section);

// "the sim backend", "the sim and exec backends".
std::string BackendsText(unsigned backends);
// "dialsoak run", "dialsoak capacity".
std::string CommandText(unsigned commands);

// The reference tables of docs/configuration.md (`dialsoak settings`): one table per
// section, a row per setting with its flag, key, type, default, commands, backends and help.
std::string SettingsReferenceMarkdown();

}  // namespace dialsoak::cli
