// `dialsoak run`: an embedded modem bank and a dial/hang-up loop over it, one thread per
// line, with a summary (outcomes, latency percentiles, open descriptors before and after).
// The soak engine of a later issue replaces the loop; the options stay.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace dialsoak::cli {

struct RunOptions {
  int lines = 4;
  int cycles = 250;
  std::string number = "5551234";
  std::uint64_t seed = 1;
  std::string answer_delay = "fixed:0";
  std::string dial_timeout = "60s";
};

// Exit codes of `dialsoak run`, listed in the README.
enum ExitCode : int { kOk = 0, kUnexpectedOutcomes = 1, kUsage = 2, kSetupFailed = 3 };

void AddRunOptions(CLI::App& run, RunOptions& options);
int Run(const RunOptions& options);

}  // namespace dialsoak::cli
