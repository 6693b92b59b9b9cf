#include "run_command.h"

#include <algorithm>
#include <filesystem>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dialsoak/serial/serial_line.h"
#include "dialsoak/sim/bank.h"

namespace dialsoak::cli {
namespace {

using Nanos = std::chrono::nanoseconds;

struct LineTally {
  int counts[kCallResultCount] = {};
  int hangup_failures = 0;
  std::vector<Nanos> dial, hangup;
  std::string first_problem;
};

int OpenFdCount() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n - 1;
}

double Millis(Nanos d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string Percentiles(std::vector<Nanos> v) {
  if (v.empty()) return "no samples";
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return Millis(v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))]); };
  return fmt::format("p50 {:.3f} ms  p90 {:.3f} ms  p99 {:.3f} ms  max {:.3f} ms", at(0.5),
                     at(0.9), at(0.99), Millis(v.back()));
}

void DriveLine(const std::string& device, const RunOptions& o, Nanos dial_timeout,
               LineTally& tally) {
  serial::SerialLineConfig config;
  config.device = device;
  auto line = serial::SerialLine::Open(config);
  if (!line) {
    tally.first_problem = line.error().message;
    tally.counts[static_cast<int>(CallResult::IoError)] += o.cycles;
    return;
  }
  tally.dial.reserve(static_cast<size_t>(o.cycles));
  tally.hangup.reserve(static_cast<size_t>(o.cycles));
  for (int i = 0; i < o.cycles; ++i) {
    DialOutcome d = (*line)->dial(o.number, Deadline::After(dial_timeout));
    tally.counts[static_cast<int>(d.result)]++;
    tally.dial.push_back(d.elapsed);
    if (d.result != CallResult::Connect && tally.first_problem.empty()) {
      tally.first_problem = fmt::format("{} cycle {}: {} ({})", device, i, ToString(d.result), d.detail);
    }
    HangupOutcome h = (*line)->hangup(Deadline::After(std::chrono::seconds(10)));
    if (h.method != HangupMethod::None) tally.hangup.push_back(h.elapsed);
    if (!h.ok) {
      tally.hangup_failures++;
      if (tally.first_problem.empty()) tally.first_problem = device + " hang-up: " + h.detail;
    }
  }
}

}  // namespace

void AddRunOptions(CLI::App& run, RunOptions& o) {
  run.add_option("--lines", o.lines, "Lines dialing at once (one emulated modem each)")
      ->check(CLI::Range(1, 4096))->capture_default_str();
  run.add_option("--cycles", o.cycles, "Dial/hang-up cycles per line")
      ->check(CLI::Range(1, 100000000))->capture_default_str();
  run.add_option("--number", o.number, "Number to dial")->capture_default_str();
  run.add_option("--seed", o.seed, "Seed of the simulator's random draws")->capture_default_str();
  run.add_option("--answer-delay", o.answer_delay,
                 "Simulated answer delay: fixed:D, uniform:A,B, exp:MEAN, lognormal:MEDIAN,SIGMA")
      ->capture_default_str();
  run.add_option("--dial-timeout", o.dial_timeout, "Deadline of one dial")->capture_default_str();
}

int Run(const RunOptions& o) {
  auto delay = sim::Distribution::Parse(o.answer_delay);
  if (!delay) {
    spdlog::error("--answer-delay: {}", delay.error());
    return kUsage;
  }
  auto dial_timeout = sim::ParseDuration(o.dial_timeout);
  if (!dial_timeout || dial_timeout->count() <= 0) {
    spdlog::error("--dial-timeout: {}", dial_timeout ? "must be positive" : dial_timeout.error());
    return kUsage;
  }

  sim::BankConfig bank_config;
  bank_config.ports = o.lines;
  bank_config.seed = o.seed;
  bank_config.call.answer_delay = *delay;
  auto bank = sim::ModemBank::Start(bank_config);
  if (!bank) {
    spdlog::error("cannot start the emulated modem bank: {}", bank.error().message);
    return kSetupFailed;
  }

  fmt::print("dialsoak run: {} line(s) x {} cycles on the embedded simulator (answer delay {})\n",
             o.lines, o.cycles, delay->ToString());
  const int fds_before = OpenFdCount();
  std::vector<LineTally> tallies(static_cast<size_t>(o.lines));
  const auto start = Clock::now();
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < o.lines; ++i) {
      workers.emplace_back(DriveLine, (*bank)->port_paths()[static_cast<size_t>(i)], std::cref(o),
                           *dial_timeout, std::ref(tallies[static_cast<size_t>(i)]));
    }
  }
  const std::chrono::duration<double> took = Clock::now() - start;
  const int fds_after = OpenFdCount();

  LineTally all;
  for (auto& t : tallies) {
    for (int r = 0; r < kCallResultCount; ++r) all.counts[r] += t.counts[r];
    all.hangup_failures += t.hangup_failures;
    all.dial.insert(all.dial.end(), t.dial.begin(), t.dial.end());
    all.hangup.insert(all.hangup.end(), t.hangup.begin(), t.hangup.end());
    if (all.first_problem.empty()) all.first_problem = t.first_problem;
  }
  std::string results;
  for (int r = 0; r < kCallResultCount; ++r) {
    if (all.counts[r]) results += fmt::format(" {} {}", ToString(static_cast<CallResult>(r)), all.counts[r]);
  }
  const int total = o.lines * o.cycles;
  fmt::print("results:{}  (hang-up failures {})\n", results, all.hangup_failures);
  fmt::print("dial:    {}\n", Percentiles(all.dial));
  fmt::print("hang-up: {}\n", Percentiles(all.hangup));
  fmt::print("rate:    {} cycles in {:.2f} s = {:.0f} cycles/s\n", total, took.count(),
             total / took.count());
  fmt::print("open fds: {} before, {} after the loop{}\n", fds_before, fds_after,
             fds_before == fds_after ? " (back to baseline)" : " (NOT back to baseline)");

  const bool clean = all.counts[static_cast<int>(CallResult::Connect)] == total &&
                     all.hangup_failures == 0 && fds_before == fds_after;
  if (!clean && !all.first_problem.empty()) fmt::print("first problem: {}\n", all.first_problem);
  return clean ? kOk : kUnexpectedOutcomes;
}

}  // namespace dialsoak::cli
