// The flags of `dialsoak run` and `dialsoak capacity`, and how they land on RunSettings:
// defaults, then the YAML --config file, then every flag given on the command line (flags
// override the file). The capacity sweep takes the flags that describe the lines, the far
// end, the hold time and the outputs, and its own (capacity_options.cc); not the closed
// loop's, the open loop's rate and stages, nor the leak verdict's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tl/expected.hpp>

#include "run_settings.h"

namespace dialsoak::cli {

class RunOptions {
 public:
  enum class Command { Run, Capacity };

  // Declares the command's flags on its subcommand `app`.
  RunOptions(CLI::App& app, Command command);

  // After parsing: the settings from defaults, the config file and the flags given.
  // The error message names the flag or file:line:key; the caller exits with kUsage.
  tl::expected<RunSettings, std::string> Resolve() const;

 private:
  // Registers a flag whose value, when given, is applied by `apply` after the file.
  template <typename T>
  CLI::Option* Add(CLI::App& app, const std::string& name, T& value, const std::string& help,
                   std::function<tl::expected<void, std::string>(RunSettings&)> apply) {
    CLI::Option* o = app.add_option(name, value, help);
    given_.push_back({o, std::move(apply)});
    return o;
  }

  void AddCapacityFlags(CLI::App& app);  // capacity_options.cc
  void AddExecFlags(CLI::App& app);      // exec_options.cc

  struct Given {
    CLI::Option* option;
    std::function<tl::expected<void, std::string>(RunSettings&)> apply;
  };
  Command command_;
  std::vector<Given> given_;
  std::string config_path_;
  CLI::Option* scenario_option_ = nullptr;  // applied first, under the file and the flags

  // Raw flag values.
  std::string out_, backend_, duration_, hold_, think_, number_, sample_interval_, answer_delay_,
      inject_leak_, dial_timeout_, report_, listen_, linger_, push_, push_job_, push_interval_,
      settle_, leak_window_, charts_, journal_, junit_, scenario_, arrivals_, hold_dist_;
  std::vector<std::string> stages_;
  double rate_ = 0;
  std::int64_t journal_cycles_limit_mib_ = 0;
  std::vector<std::string> thresholds_;
  bool allow_leaks_ = false;
  bool allow_restarts_ = false;
  double leak_confidence_ = 0;
  std::vector<std::string> push_labels_;
  bool per_line_metrics_ = false;
  int lines_ = 0;
  std::string cycles_;
  std::vector<std::string> devices_, watch_names_;
  std::vector<int> watch_pids_;
  std::uint64_t seed_ = 0;
  bool quiet_ = false;
  double max_failures_ = 0;
  double sim_busy_ = 0, sim_no_answer_ = 0, sim_no_dialtone_ = 0, sim_no_carrier_ = 0;
  int ports_ = 0;
  std::vector<std::string> pools_, sim_faults_;
  // the exec backend
  std::string dial_cmd_, hangup_cmd_, check_cmd_, connect_regex_;
  std::vector<std::string> exit_results_;
  bool shell_ = false;
  // dialsoak capacity
  std::vector<std::string> loads_;
  double precision_ = 0, confidence_ = 0, plan_load_ = 0;
  std::string target_blocking_, step_duration_, max_step_, warmup_, p99_limit_;
  std::int64_t step_calls_ = 0;
  bool expect_erlang_b_ = false;
};

}  // namespace dialsoak::cli
