// dialsoak: stress and soak benchmarks for dial-up connections.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "run_command.h"

int main(int argc, char** argv) {
  CLI::App app{"dialsoak: dial/hang-up soak and stress runs against modems or the embedded simulator"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "dialsoak " DIALSOAK_VERSION);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();

  dialsoak::cli::RunOptions run_options;
  CLI::App* run = app.add_subcommand("run", "Dial and hang up in a loop over the embedded modem bank");
  dialsoak::cli::AddRunOptions(*run, run_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : dialsoak::cli::kUsage;
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("dialsoak"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  if (*run) return dialsoak::cli::Run(run_options);
  return dialsoak::cli::kUsage;
}
