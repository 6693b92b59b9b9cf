// The YAML --config file of `dialsoak run`, and the checks of the settings once the flags
// have been applied on top of it (flags override the file).
// Thread-compatible: no shared state; LoadConfigFile reads one file, ValidateSettings
// stats the serial devices.
// Errors are returned, never thrown. A ConfigError's message is one line ready to print:
// it names the file, the line (1-based) and the key, says what is wrong and what is
// allowed, e.g.
//   run.yaml:7: key 'hold': bad duration 'xyz': expected a non-negative number with a unit ...
//   run.yaml:3: key 'hodl': unknown key (did you mean 'hold'?); allowed here: backend, ...
// Nested keys are written as paths: 'defaults.hangup', 'modems[1].device', 'init[0]'
// (list indexes count from 0).
//
// The keys, their sections and values are those of the settings registry
// (settings_table.cc; the reference is docs/configuration.md, `dialsoak settings`).
// Sections: `push:`, `capacity:`, `defaults:` (line settings for every line) and `modems:`
// (a list, one entry per line: the line settings and `device`, or just a device path).
//
// Durations: 250ms, 2s, 1.5s, 5m, 8h, 500us (a bare number is seconds), at most 1e6 s.
// How the result maps onto RunSettings:
//   - the top-level keys set the RunSettings field of the same meaning (watch_pid sets
//     watch_pids, watch_name watch_names, report report_path, max_failures
//     max_failures_percent, push.url/job/interval/labels push_url/push_job/push_interval/
//     push_labels; cycles: unlimited clears cycles);
//   - `defaults` sets the fields of line_defaults it names (source_line = its line);
//   - `modems` replaces line_overrides, one LineSettings per entry with source_line = the
//     entry's line, and, when any entry names a device, replaces devices with the entries'
//     devices in order. A --device flag replaces devices again (flags override the file);
//     on the serial backend an entry applies to the line whose device it names, on the sim
//     backend entry i applies to line i;
//   - config_path is set to `path`; it is the file named in later messages about the
//     entries (see ValidateSettings).
#pragma once

#include <string>
#include <vector>
#include <tl/expected.hpp>

#include "run_settings.h"
#include "settings_registry.h"

namespace dialsoak::cli {

struct ConfigError {
  std::string message;  // "run.yaml:7: key 'hold': bad duration 'xyz': expected ..."
};

// Reads the YAML file at `path` into settings. On error settings may be partly changed;
// the caller exits with the usage exit code. A missing or unreadable file, a YAML syntax
// error, an unknown key (with the closest allowed key when it looks like a typo), a value
// of the wrong type and a bad value are each an error naming file, line and key.
// With `given`, each setting read is appended to it with its file:line (settings_scope.h).
tl::expected<void, ConfigError> LoadConfigFile(const std::string& path, RunSettings& settings,
                                               std::vector<GivenSetting>* given = nullptr);

// The same for YAML text already read (LoadConfigFile reads the file, then calls this);
// `path` is not opened, only named in messages and set as config_path. Fuzzed by
// tests/fuzz/config_fuzz.cc.
tl::expected<void, ConfigError> LoadConfigText(const std::string& text, const std::string& path,
                                               RunSettings& settings,
                                               std::vector<GivenSetting>* given = nullptr);

// Checks settings after the flags were applied: backend sim|serial; lines 1..4096;
// cycles >= 1 when set; durations >= 0 (timeouts and sample_interval > 0); the numbers
// are dialable; answer_delay parses (sim::Distribution); inject_leak, when set, parses
// (sim::ParseLeakConfig) and the backend is sim; for every line's settings:
// hangup auto|dtr|escape, dial_mode tone|pulse, framing parses (serial::ParseFraming),
// speed is a supported termios rate, init strings are non-empty and free of control
// characters. Serial backend: at least one device, none listed twice, each existing and a
// character device (or a symlink to one); a message about a device that came from a
// `modems` entry names config_path and the entry's line, else it names --device.
tl::expected<void, ConfigError> ValidateSettings(const RunSettings& settings);

}  // namespace dialsoak::cli
