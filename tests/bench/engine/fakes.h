// Fakes for engine logic tests: a virtual clock that never sleeps, a scripted line that
// takes virtual time, a line that lends the engine one the test keeps, a probe that counts,
// and an observer that records everything.
#pragma once

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "dialsoak/engine/engine_clock.h"
#include "dialsoak/observer/run_observer.h"
#include "dialsoak/probes/process_probe.h"

namespace dialsoak::engine::testing_fakes {

using namespace std::chrono_literals;

// Virtual time: WaitUntil jumps there at once (plus `late`, the scheduling delay a busy
// worker would suffer), so tests of timing logic are exact and fast.
class VirtualClock final : public EngineClock {
 public:
  Clock::time_point Now() const override { return Clock::time_point(Clock::duration(now_.load())); }
  bool WaitUntil(Clock::time_point t) override {
    if (stopped()) return false;
    Clock::rep target = t.time_since_epoch().count();
    Clock::rep cur = now_.load();
    if (target > cur) Advance(target - cur + late.count());
    return !stopped();
  }
  void Stop() override { stopped_ = true; }
  bool stopped() const override { return stopped_; }
  void Advance(Clock::rep d) { now_ += d; }
  void Advance(std::chrono::nanoseconds d) { now_ += d.count(); }

  std::chrono::nanoseconds late{0};

 private:
  std::atomic<Clock::rep> now_{Clock::duration(1h).count()};
  std::atomic<bool> stopped_{false};
};

// A line whose dial takes dial_time and returns result; hang-up takes hangup_time.
class ScriptedLine final : public Line {
 public:
  ScriptedLine(VirtualClock* clock, CallResult result, std::chrono::nanoseconds dial_time,
               std::chrono::nanoseconds hangup_time)
      : clock_(clock), result_(result), dial_time_(dial_time), hangup_time_(hangup_time) {}
  DialOutcome dial(std::string_view number, Deadline) override {
    last_number = std::string(number);
    if (clock_) clock_->Advance(dial_time_);
    connected_ = result_ == CallResult::Connect;
    ++dials;
    return {result_, dial_time_, result_ == CallResult::Connect ? "CONNECT 33600" : "BUSY"};
  }
  HangupOutcome hangup(Deadline) override {
    if (!connected_) return {true, {}, "on hook", HangupMethod::None};
    if (clock_) hangup_started.push_back(clock_->Now());
    if (clock_) clock_->Advance(hangup_time_);
    connected_ = false;
    return {true, hangup_time_, "NO CARRIER", HangupMethod::Dtr};
  }

  int dials = 0;
  std::string last_number;
  std::vector<Clock::time_point> hangup_started;

 private:
  VirtualClock* clock_;
  CallResult result_;
  std::chrono::nanoseconds dial_time_, hangup_time_;
  bool connected_ = false;
};

// Hands the engine a line that forwards to one the test keeps, so the test can inspect it
// after the engine closed its lines.
class BorrowedLine final : public Line {
 public:
  explicit BorrowedLine(Line& line) : line_(line) {}
  DialOutcome dial(std::string_view number, Deadline d) override { return line_.dial(number, d); }
  HangupOutcome hangup(Deadline d) override { return line_.hangup(d); }

 private:
  Line& line_;
};

class CountingProbe final : public probes::ProcessProbe {
 public:
  explicit CountingProbe(std::string label) : label_(std::move(label)) {}
  const std::string& label() const override { return label_; }
  probes::ResourceCounts Sample() override {
    ++samples;
    return {true, 42, 10 + samples, 3, 4096, {}};
  }
  std::atomic<int> samples{0};

 private:
  std::string label_;
};

// Tells another thread that Run() started. Only then may it poll line_states(): before,
// Run() is still filling the workers that line_states() reads (ThreadSanitizer saw it).
class RunStarted final : public RunObserver {
 public:
  void OnRunStart(const RunInfo&) override {
    started_.store(true);
    started_.notify_all();
  }
  void Wait() const { started_.wait(false); }

 private:
  std::atomic<bool> started_{false};
};

class RecordingObserver final : public RunObserver {
 public:
  void OnRunStart(const RunInfo& i) override { Note(); info = i; started = true; }
  void OnCycle(const CycleRecord& r) override { Note(); cycles.push_back(r); }
  void OnProbe(const ProbeSample& s) override { Note(); samples.push_back(s); }
  void OnRunEnd(const RunEnd& e) override { Note(); end = e; ended = true; }
  void OnTick(Clock::time_point, std::int64_t) override { Note(); ++ticks; }
  void OnLineStates(const LineStateCounts& counts) override {
    Note();
    max_connected = std::max(max_connected, counts[static_cast<size_t>(LineState::Connected)]);
    last_states = counts;
  }

  int CountSamples(SampleKind k) const {
    int n = 0;
    for (auto& s : samples) n += s.kind == k;
    return n;
  }

  bool started = false, ended = false;
  RunInfo info;
  RunEnd end;
  std::vector<CycleRecord> cycles;
  std::vector<ProbeSample> samples;
  int ticks = 0;
  int max_connected = 0;
  LineStateCounts last_states{};
  std::vector<std::thread::id> threads;  // every thread that called an observer method

 private:
  void Note() {
    auto id = std::this_thread::get_id();
    if (threads.empty() || threads.back() != id) threads.push_back(id);
  }
};

}  // namespace dialsoak::engine::testing_fakes
