// `dialsoak compare BASE NEW`: is NEW worse than BASE, and is that real or noise?
//
// BASE and NEW are run directories (or a file in one: journal.jsonl, report.json), of
// `dialsoak run` (from the journal, so also a run cut short by kill -9) or of `dialsoak
// capacity` (from report.json). A run directory without a journal but with a report.json
// compares its counts and leak verdicts only. Runs with different settings are compared
// with a warning naming each setting that differs; a soak and a sweep are refused.
//
// The statistics are bench/analysis/run_comparison.h's, the gates compare_gates.h's. Out:
// the table on stdout (or --markdown / --json there), and with --out DIR: compare.json,
// compare.md and the charts (latency spectra of both runs overlaid, each process's handles
// against cycles overlaid); --junit FILE: one test case per gate.
//
// Exit codes (exit_codes.h): 0 no gate failed, 10 a gate failed, 2 bad flags or runs that
// cannot be compared (missing, not a run, of different kinds), 7 an output not written.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace dialsoak::cli {

struct CompareOptions {
  std::string base, next;
  std::vector<std::string> fail_on;
  double confidence = 0.99;
  double noise_floor_percent = 2;
  double noise_floor_points = 0.1;
  std::string latency_floor;  // "P50,P90,P99,P99.9" durations; empty: the defaults
  std::string out;    // directory for compare.json, compare.md and the charts
  std::string junit;  // file
  std::string charts = "svg";
  bool markdown = false;
  bool json = false;
};

// Declares the subcommand's arguments and flags on `app`, bound to `options`.
void AddCompareOptions(CLI::App& app, CompareOptions& options);

int RunCompare(const CompareOptions& options);

}  // namespace dialsoak::cli
