// BM_DialHangupCycle: each benchmark thread dials and hangs up over its own SerialLine on
// the shared sim bank (ATDT / CONNECT, then DTR drop / NO CARRIER), the path a soak run
// drives. Counters: cycles_per_second (all threads), and handle_delta: this process's
// open descriptors after the timed loop minus before it, which must be 0.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "dialsoak/probes/process_probe.h"
#include "dialsoak/serial/serial_line.h"
#include "shared_bank.h"
#include "suites.h"

namespace dialsoak::gbench {
namespace {

using namespace std::chrono_literals;

constexpr auto kDialTimeout = 5s;
constexpr auto kHangupTimeout = 5s;

// What the threads of one run share: the bank and a rendezvous.
struct DialCycleShared {
  explicit DialCycleShared(SharedBank& b) : bank(b) {}
  SharedBank& bank;
  Rendezvous rendezvous;
};

// Opens this thread's line, or returns why not.
std::unique_ptr<serial::SerialLine> OpenLine(SharedBank& shared, int index, std::string& error) {
  sim::ModemBank* bank = shared.Get();
  if (bank == nullptr) {
    error = shared.error();
    return nullptr;
  }
  if (index >= static_cast<int>(bank->port_paths().size())) {
    error = "thread " + std::to_string(index) + " has no port: the bank has " +
            std::to_string(bank->port_paths().size());
    return nullptr;
  }
  serial::SerialLineConfig config;
  config.device = bank->port_paths()[index];
  auto line = serial::SerialLine::Open(std::move(config));
  if (!line) {
    error = line.error().message;
    return nullptr;
  }
  return std::move(*line);
}

// One dial/hang-up cycle; an empty string when it connected and hung up.
std::string Cycle(serial::SerialLine& line) {
  const DialOutcome dial = line.dial("5551234", Deadline::After(kDialTimeout));
  if (dial.result != CallResult::Connect) {
    return "dial on " + line.device() + " did not connect: " + std::string(ToString(dial.result)) +
           " " + dial.detail;
  }
  const HangupOutcome hangup = line.hangup(Deadline::After(kHangupTimeout));
  if (!hangup.ok) return "hang-up on " + line.device() + " failed: " + hangup.detail;
  return {};
}

void BM_DialHangupCycle(benchmark::State& state, DialCycleShared& shared) {
  const int threads = state.threads();
  // Thread 0 alone samples this process's descriptors (its probe's own are left out).
  const bool sampler = state.thread_index() == 0;
  std::unique_ptr<probes::ProcessProbe> self;
  if (sampler) self = probes::MakeSelfProbe();
  std::string error;
  auto line = OpenLine(shared.bank, state.thread_index(), error);
  if (!line) state.SkipWithError(error.c_str());  // the loop below then does not run

  // Every thread reaches both rendezvous, failed or not, or the others would wait forever.
  shared.rendezvous.ArriveAndWait(threads);  // every line is open
  const std::int64_t handles_before = sampler ? self->Sample().handles : 0;

  std::int64_t cycles = 0;
  bool failed = !line;
  for (auto _ : state) {
    // After a failure, run out the remaining iterations idle: `break` would skip the
    // benchmark's own stop barrier, which the other threads wait at.
    if (failed) continue;
    if (error = Cycle(*line); !error.empty()) {
      failed = true;
      state.SkipWithError(error.c_str());
      continue;
    }
    ++cycles;
  }

  // All threads have left the timed loop (benchmark's stop barrier); no line is closed yet.
  if (sampler) {
    const std::int64_t delta = self->Sample().handles - handles_before;
    state.counters["handle_delta"] = benchmark::Counter(static_cast<double>(delta));
    if (delta != 0 && !failed) {
      error = "open descriptors changed by " + std::to_string(delta) + " over the loop";
      state.SkipWithError(error.c_str());
    }
  }
  shared.rendezvous.ArriveAndWait(threads);  // nobody closes a line before that count
  line.reset();
  state.counters["cycles_per_second"] =
      benchmark::Counter(static_cast<double>(cycles), benchmark::Counter::kIsRate);
}

}  // namespace

void RegisterDialCycleBenchmarks(SharedBank& bank) {
  // Owned by the registered benchmark (the lambda's copy); bank outlives the runs.
  auto shared = std::make_shared<DialCycleShared>(bank);
  benchmark::RegisterBenchmark(
      "BM_DialHangupCycle",
      [shared](benchmark::State& state) { BM_DialHangupCycle(state, *shared); })
      ->Threads(1)
      ->Threads(4)
      ->Threads(16)
      ->Threads(64)
      ->UseRealTime();
}

}  // namespace dialsoak::gbench
