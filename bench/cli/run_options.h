// The flags of `dialsoak run` and `dialsoak capacity`, made from the settings registry
// (settings_registry.h), and how they land on RunSettings: defaults, then a --scenario,
// then the YAML --config file, then every flag given on the command line (flags override
// the file). A flag of the other command is hidden from --help and refused with a clear
// message when given; a setting given for a backend it does not apply to is refused
// (settings_scope.h).
#pragma once

#include <deque>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tl/expected.hpp>

#include "run_settings.h"
#include "settings_registry.h"

namespace dialsoak::cli {

class RunOptions {
 public:
  enum class Command { Run, Capacity };

  // Declares the command's flags on its subcommand `app`.
  RunOptions(CLI::App& app, Command command);

  // After parsing: the settings from defaults, the config file and the flags given.
  // The error message names the flag or file:line:key; the caller exits with kUsage.
  // Warnings (a config key of the other command) are logged.
  tl::expected<RunSettings, std::string> Resolve() const;

 private:
  // One flag of the registry and the raw values CLI11 parsed into.
  struct Flag {
    const Setting* setting = nullptr;
    CLI::Option* option = nullptr;
    std::string value;                // a scalar or a command
    std::vector<std::string> values;  // a list or pairs
    bool on = false;                  // a switch
  };
  tl::expected<void, std::string> Apply(const Flag& flag, RunSettings& s) const;

  Command command_;
  unsigned command_bit_;
  std::deque<Flag> flags_;  // CLI11 keeps pointers into them
  const Flag* config_ = nullptr;
  const Flag* scenario_ = nullptr;
};

}  // namespace dialsoak::cli
