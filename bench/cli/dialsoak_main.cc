// dialsoak: stress and soak benchmarks for dial-up connections.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "exit_codes.h"
#include "malloc_arenas.h"
#include "capacity_command.h"
#include "compare_command.h"
#include "report_command.h"
#include "run_command.h"
#include "run_options.h"
#include "settings_registry.h"
#include "signal_watch.h"

int main(int argc, char** argv) {
  using namespace dialsoak::cli;
  // Before any thread exists, so that SIGINT/SIGTERM reach only the signal watcher.
  BlockStopSignals();
  LimitMallocArenas();  // flat memory with a thread per line (malloc_arenas.h)

  CLI::App app{"dialsoak: dial/hang-up soak and stress runs against modems or the embedded simulator"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "dialsoak " DIALSOAK_VERSION);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  CLI::App* run = app.add_subcommand("run", "Dial and hang up on many lines at once, and report");
  RunOptions run_options(*run, RunOptions::Command::Run);
  CLI::App* capacity = app.add_subcommand(
      "capacity",
      "Sweep offered load (Erlangs) against the far end's ports and compare the blocking with "
      "Erlang B: the ports a load needs, the setup rate sustained");
  RunOptions capacity_options(*capacity, RunOptions::Command::Capacity);
  CLI::App* report = app.add_subcommand(
      "report", "Rebuild a run's summary and reports from its run directory's journal (also after kill -9)");
  ReportOptions report_options;
  report->add_option("DIR", report_options.dir, "The run directory (dialsoak run --out)")
      ->required();
  report->add_option("--junit", report_options.junit,
                     "Write the checks as JUnit XML here (default: DIR/junit.xml if the run had --junit)");
  report->add_option("--charts", report_options.charts,
                     "svg, png or none: the leak charts next to DIR/report.json (default: as the run had it)")
      ->check(CLI::IsMember({"svg", "png", "none"}));
  CLI::App* compare = app.add_subcommand(
      "compare", "Is NEW worse than BASE? Two runs (or sweeps) side by side, each difference with "
                 "its interval and a verdict; exit 10 when a --fail-on gate fails");
  CompareOptions compare_options;
  AddCompareOptions(*compare, compare_options);
  CLI::App* settings_help = app.add_subcommand(
      "settings", "Print every setting of run and capacity (flag, config key, value, default, "
                  "where it applies) as the Markdown tables of docs/configuration.md");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("dialsoak"));
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    if (*run) {
      auto settings = run_options.Resolve();
      if (!settings) {
        spdlog::error("{}", settings.error());
        return kUsage;
      }
      return RunSoak(*settings);
    }
    if (*report) return RebuildReport(report_options);
    if (*settings_help) {
      std::fputs(SettingsReferenceMarkdown().c_str(), stdout);
      return kOk;
    }
    if (*compare) return RunCompare(compare_options);
    if (*capacity) {
      auto settings = capacity_options.Resolve();
      if (!settings) {
        spdlog::error("{}", settings.error());
        return kUsage;
      }
      return RunCapacity(*settings);
    }
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return kInternalError;
  }
  return kUsage;
}
