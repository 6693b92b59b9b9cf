#include "dialsoak/engine/engine.h"

#include <map>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"

namespace dialsoak::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing_fakes;
using ::testing::HasSubstr;

// A factory of ScriptedLines, kept for inspection after the run.
struct Lines {
  VirtualClock* clock = nullptr;
  CallResult result = CallResult::Connect;
  std::chrono::nanoseconds dial_time = 5ms, hangup_time = 2ms;
  std::vector<std::unique_ptr<ScriptedLine>> kept;
  std::vector<ScriptedLine*> made;
  std::mutex mu;

  LineFactory Factory() {
    return [this](int) -> io::Result<std::unique_ptr<Line>> {
      auto line = std::make_unique<ScriptedLine>(clock, result, dial_time, hangup_time);
      std::lock_guard<std::mutex> lock(mu);
      made.push_back(line.get());
      kept.push_back(std::move(line));
      return std::unique_ptr<Line>(std::make_unique<BorrowedLine>(*made.back()));
    };
  }
};

EngineConfig Config(int lines, std::optional<std::int64_t> cycles) {
  EngineConfig c;
  c.lines = lines;
  c.cycles = cycles;
  c.plans = {LinePlan{}};
  return c;
}

// Scripted lines in virtual time and an observer, as most timing tests want them; Run()
// runs an Engine of them to its end.
struct VirtualRun {
  VirtualRun() { lines.clock = &clock; }

  VirtualClock clock;
  Lines lines;
  RecordingObserver obs;

  RunEnd Run(const EngineConfig& c) {
    Engine engine(c, lines.Factory(), clock);
    engine.AddObserver(obs);
    return engine.Run(RunInfo{});
  }
};

TEST(EngineTest, EveryLineRunsItsCyclesAndTheRunCompletes) {
  SteadyEngineClock clock;
  Lines lines;
  lines.clock = nullptr;  // real time; the scripted line takes none
  Engine engine(Config(3, 5), lines.Factory(), clock);
  RecordingObserver obs;
  engine.AddObserver(obs);
  RunEnd end = engine.Run(RunInfo{});

  EXPECT_EQ(end.reason, StopReason::Completed);
  EXPECT_EQ(end.cycles_done, 15);
  ASSERT_EQ(obs.cycles.size(), 15u);
  std::map<int, std::vector<std::int64_t>> per_line;
  for (auto& r : obs.cycles) per_line[r.line].push_back(r.cycle);
  ASSERT_EQ(per_line.size(), 3u);
  for (auto& [line, cycles] : per_line) {
    EXPECT_EQ(cycles, (std::vector<std::int64_t>{0, 1, 2, 3, 4})) << "line " << line;
  }
  for (auto& r : obs.cycles) {
    EXPECT_EQ(r.result, CallResult::Connect);
    EXPECT_TRUE(r.hung_up);
    EXPECT_EQ(r.hangup_method, HangupMethod::Dtr);
  }
  EXPECT_TRUE(obs.started);
  EXPECT_TRUE(obs.ended);
}

TEST(EngineTest, ObserversAreCalledFromTheRunningThreadOnly) {
  SteadyEngineClock clock;
  Lines lines;
  Engine engine(Config(8, 50), lines.Factory(), clock);
  RecordingObserver obs;
  engine.AddObserver(obs);
  engine.Run(RunInfo{});
  ASSERT_FALSE(obs.threads.empty());
  for (auto id : obs.threads) EXPECT_EQ(id, std::this_thread::get_id());
  EXPECT_EQ(obs.cycles.size(), 400u);
}

TEST(EngineTest, DurationEndsTheRunAtTheFirstCycleNotDueBeforeIt) {
  VirtualRun run;
  run.lines.dial_time = 1s;
  run.lines.hangup_time = 0s;
  EngineConfig c = Config(1, std::nullopt);
  c.duration = 10s;
  c.think = 0s;
  RunEnd end = run.Run(c);
  EXPECT_EQ(end.reason, StopReason::Duration);
  EXPECT_EQ(run.obs.cycles.size(), 10u);  // due at 0 s, 1 s, ... 9 s
  EXPECT_EQ(end.elapsed, 10s);
}

TEST(EngineTest, FirstOfCyclesAndDurationWins) {
  VirtualRun run;
  run.lines.dial_time = 1s;
  EngineConfig c = Config(1, 3);
  c.duration = 1h;
  EXPECT_EQ(run.Run(c).reason, StopReason::Completed);
  EXPECT_EQ(run.obs.cycles.size(), 3u);
}

TEST(EngineTest, LatencyCountsFromWhenTheCycleWasDueNotWhenTheWorkerGotToIt) {
  VirtualRun run;
  run.clock.late = 3ms;  // every wait overshoots, as on a loaded machine
  run.lines.dial_time = 5ms;
  run.lines.hangup_time = 2ms;
  EngineConfig c = Config(1, 3);
  c.think = 10ms;
  run.Run(c);
  const std::vector<CycleRecord>& cycles = run.obs.cycles;
  ASSERT_EQ(cycles.size(), 3u);
  EXPECT_EQ(cycles[0].dial_latency, 5ms);  // due at the start, no wait
  EXPECT_EQ(cycles[1].dial_latency, 8ms);  // 3 ms late + 5 ms dialing
  EXPECT_EQ(cycles[2].dial_latency, 8ms);
  // Each cycle is due think after the previous hang-up ended.
  EXPECT_EQ(cycles[1].due - cycles[0].due, 5ms + 2ms + 10ms);
  EXPECT_EQ(cycles[0].hangup_latency, 2ms);
  // The lateness itself, apart: how long after its due time each dial began.
  EXPECT_EQ(cycles[0].start_lag, 0ms);
  EXPECT_EQ(cycles[1].start_lag, 3ms);
  EXPECT_EQ(cycles[0].held, 0ms);  // no hold asked
}

TEST(EngineTest, HoldKeepsTheCallUpBeforeTheHangup) {
  VirtualRun run;
  EngineConfig c = Config(1, 2);
  c.hold = 90s;
  run.Run(c);
  const std::vector<CycleRecord>& cycles = run.obs.cycles;
  ASSERT_EQ(run.lines.made.size(), 1u);
  const ScriptedLine& line = *run.lines.made[0];
  ASSERT_EQ(line.hangup_started.size(), 2u);
  ASSERT_EQ(cycles.size(), 2u);
  // Hang-up started hold after the dial's result: due + dial latency + hold.
  EXPECT_EQ(line.hangup_started[0], cycles[0].due + cycles[0].dial_latency + 90s);
  EXPECT_EQ(cycles[0].held, 90s);
}

TEST(EngineTest, FailedDialIsRecordedWithoutAHangup) {
  VirtualRun run;
  run.lines.result = CallResult::Busy;
  run.Run(Config(1, 4));
  ASSERT_EQ(run.obs.cycles.size(), 4u);
  for (auto& r : run.obs.cycles) {
    EXPECT_EQ(r.result, CallResult::Busy);
    EXPECT_FALSE(r.hung_up);
    EXPECT_EQ(r.detail, "BUSY");
  }
}

TEST(EngineTest, EachLineDialsItsOwnNumberAndTheLastRepeats) {
  SteadyEngineClock clock;
  Lines lines;
  EngineConfig c = Config(3, 1);
  c.plans = {LinePlan{"111"}, LinePlan{"222"}};
  Engine engine(c, lines.Factory(), clock);
  engine.Run(RunInfo{});
  std::multiset<std::string> numbers;
  for (auto* l : lines.made) numbers.insert(l->last_number);
  EXPECT_EQ(numbers, (std::multiset<std::string>{"111", "222", "222"}));
}

TEST(EngineTest, StopCutsTheHoldShortHangsUpAndKeepsEveryCycle) {
  SteadyEngineClock clock;
  Lines lines;
  EngineConfig c = Config(4, std::nullopt);
  c.hold = 1h;
  Engine engine(c, lines.Factory(), clock);
  RecordingObserver obs;
  engine.AddObserver(obs);
  RunStarted started;
  engine.AddObserver(started);
  std::thread stopper([&] {
    // Wait until every line is connected, then stop as a signal would.
    started.Wait();
    auto until = Clock::now() + 5s;
    while (engine.line_states()[static_cast<int>(LineState::Connected)] < 4 && Clock::now() < until) {
      std::this_thread::sleep_for(1ms);
    }
    engine.RequestStop(15);  // SIGTERM's number
    engine.RequestStop(2);   // a later request does not replace it
  });
  auto start = Clock::now();
  RunEnd end = engine.Run(RunInfo{});
  stopper.join();
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(end.reason, StopReason::Interrupted);
  EXPECT_EQ(end.signal, 15) << "the first stop signal is kept for the exit code";
  EXPECT_EQ(obs.end.signal, 15) << "and handed to the observers (the journal)";
  ASSERT_EQ(obs.cycles.size(), 4u);
  for (auto& r : obs.cycles) {
    EXPECT_EQ(r.result, CallResult::Connect);
    EXPECT_TRUE(r.hung_up) << "line " << r.line << " was left connected";
  }
  EXPECT_EQ(engine.line_states()[static_cast<int>(LineState::Connected)], 0);
}

TEST(EngineTest, ObserversSeeLinesConnectedDuringTheHoldAndIdleAtTheEnd) {
  SteadyEngineClock clock;
  Lines lines;
  EngineConfig c = Config(2, 1);
  c.hold = 350ms;  // several collector ticks (100 ms) while both lines are connected
  Engine engine(c, lines.Factory(), clock);
  RecordingObserver obs;
  engine.AddObserver(obs);
  engine.Run(RunInfo{});
  EXPECT_EQ(obs.max_connected, 2);
  EXPECT_EQ(obs.last_states[static_cast<size_t>(LineState::Idle)], 2);
  EXPECT_EQ(obs.last_states[static_cast<size_t>(LineState::Connected)], 0);
}

TEST(EngineTest, ALineThatCannotOpenFailsTheRunWithItsError) {
  SteadyEngineClock clock;
  Lines lines;
  LineFactory inner = lines.Factory();
  LineFactory factory = [&](int i) -> io::Result<std::unique_ptr<Line>> {
    if (i == 1) return io::Fail(io::Error{ENOENT, "open /dev/ttyS9: No such file or directory"});
    return inner(i);
  };
  Engine engine(Config(3, 10), factory, clock);
  RecordingObserver obs;
  engine.AddObserver(obs);
  RunEnd end = engine.Run(RunInfo{});
  EXPECT_EQ(end.reason, StopReason::Failed);
  EXPECT_THAT(end.message, HasSubstr("/dev/ttyS9"));
  EXPECT_TRUE(obs.cycles.empty());
  for (auto* l : lines.made) EXPECT_EQ(l->dials, 0);
}

TEST(EngineTest, ProbesAreSampledAtBaselinePeriodicallyAndAtTheEnd) {
  VirtualClock clock;
  Lines lines;
  lines.clock = &clock;
  lines.dial_time = 1s;
  EngineConfig c = Config(1, std::nullopt);
  c.duration = 3s;
  c.sample_interval = 10ms;  // virtual time races ahead: at least one periodic sample
  Engine engine(c, lines.Factory(), clock);
  auto probe = std::make_unique<CountingProbe>("self");
  engine.AddProbe(std::move(probe));
  RecordingObserver obs;
  engine.AddObserver(obs);
  engine.Run(RunInfo{});
  EXPECT_EQ(obs.CountSamples(SampleKind::Baseline), 1);
  EXPECT_EQ(obs.CountSamples(SampleKind::End), 1);
  ASSERT_FALSE(obs.samples.empty());
  EXPECT_EQ(obs.samples.front().kind, SampleKind::Baseline);
  EXPECT_EQ(obs.samples.front().cycles_done, 0);
  EXPECT_EQ(obs.samples.back().kind, SampleKind::End);
  EXPECT_EQ(obs.samples.back().cycles_done, 3);
  EXPECT_EQ(obs.samples.back().process, "self");
}

TEST(EngineTest, PerCycleProbeSamplesBeforeEachDialAndAfterEachHangup) {
  VirtualClock clock;
  Lines lines;
  lines.clock = &clock;
  Engine engine(Config(1, 5), lines.Factory(), clock);
  engine.SetPerCycleProbe([] { return std::make_unique<CountingProbe>("self"); });
  RecordingObserver obs;
  engine.AddObserver(obs);
  engine.Run(RunInfo{});
  EXPECT_EQ(obs.CountSamples(SampleKind::BeforeCycle), 5);
  EXPECT_EQ(obs.CountSamples(SampleKind::AfterCycle), 5);
  std::vector<std::int64_t> after;
  for (auto& s : obs.samples) {
    if (s.kind == SampleKind::AfterCycle) after.push_back(s.cycles_done);
  }
  EXPECT_EQ(after, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
}

// A line whose dial takes real time (a sleep), as a fast simulator's does: about 0.1 ms.
class QuickLine final : public Line {
 public:
  DialOutcome dial(std::string_view, Deadline) override {
    std::this_thread::sleep_for(50us);
    return {CallResult::Connect, 50us, "CONNECT 33600"};
  }
  HangupOutcome hangup(Deadline) override { return {true, {}, "NO CARRIER", HangupMethod::Dtr}; }
};

// Counts samples, and fails when two threads sample it at once.
class ExclusiveProbe final : public probes::ProcessProbe {
 public:
  const std::string& label() const override { return label_; }
  probes::ResourceCounts Sample() override {
    if (busy_.exchange(true)) concurrent.store(true);
    threads.insert(std::this_thread::get_id());  // one thread when exclusive
    ++samples;
    busy_.store(false);
    return {true, 42, 10, 3, 4096, {}};
  }
  std::atomic<int> samples{0};
  std::atomic<bool> concurrent{false};
  std::set<std::thread::id> threads;

 private:
  std::string label_ = "self";
  std::atomic<bool> busy_{false};
};

TEST(EngineTest, AFastRunWithACycleTargetIsSampledByCyclesAboutTwoHundredTimes) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizers' slowdown spends the probes' cost budget; counted unsanitized";
#endif
#ifdef _WIN32
  GTEST_SKIP() << "a 15 ms run under wine: the collector's wake-ups are wine's, not Windows'; "
                  "counted in the Linux build";
#endif
  // Regression: 4 lines x 500 cycles in 0.09 s got one sample in between (one a second),
  // too few for the leak verdict's slope. Now at least every 2,000 / 200 = 10 cycles.
  SteadyEngineClock clock;
  Engine engine(Config(4, 500), [](int) -> io::Result<std::unique_ptr<Line>> {
    return std::unique_ptr<Line>(std::make_unique<QuickLine>());
  }, clock);
  auto probe = std::make_unique<ExclusiveProbe>();
  ExclusiveProbe* p = probe.get();
  engine.AddProbe(std::move(probe));
  RecordingObserver obs;
  engine.AddObserver(obs);
  const RunEnd end = engine.Run(RunInfo{});
  ASSERT_EQ(end.cycles_done, 2000);
  // About 200 are aimed at; marks the collector was too late for are skipped, not taken in
  // a burst, so a loaded machine gives fewer (160 with three busy loops beside it): half
  // the aim still tells the regression (one sample) apart.
  EXPECT_GE(obs.CountSamples(SampleKind::Periodic), 100) << "run took " << end.elapsed.count() << " ns";
  EXPECT_EQ(engine.sampling().step(), 10);
  // Spread over the run: no eighth of it without a sample. Not "every ~10 cycles": the
  // lines run ~30 cycles a millisecond, so one scheduler slice that the 2-core CI machine
  // gives the four lines and not the collector is a gap of 60 cycles (seen in CI).
  std::int64_t last = 0, widest = 0;
  for (const ProbeSample& s : obs.samples) {
    widest = std::max(widest, s.cycles_done - last);
    last = s.cycles_done;
  }
  EXPECT_LE(widest, 2000 / 8) << "samples bunched instead of spread over the run; mean cost "
                              << engine.sampling().cost().count() << " ns";
  EXPECT_FALSE(p->concurrent.load());
  ASSERT_EQ(p->threads.size(), 1u);
  EXPECT_EQ(*p->threads.begin(), std::this_thread::get_id()) << "only the collector samples";
  EXPECT_EQ(engine.sampling().samples(), obs.CountSamples(SampleKind::Periodic));
  EXPECT_GT(engine.sampling().cost().count(), 0);
}

TEST(EngineTest, ARunWithoutACycleTargetIsSampledFromItsCycleRate) {
#ifdef _WIN32
  GTEST_SKIP() << "the count depends on wine's thread wake-ups (80 of 100 seen there); counted "
                  "in the Linux build";
#endif
  // A duration and no cycle target: from the measured rate, about 200 samples over the run.
  SteadyEngineClock clock;
  EngineConfig c = Config(2, std::nullopt);
  c.duration = 500ms;
  Engine engine(c, [](int) -> io::Result<std::unique_ptr<Line>> {
    return std::unique_ptr<Line>(std::make_unique<QuickLine>());
  }, clock);
  engine.AddProbe(std::make_unique<CountingProbe>("self"));
  RecordingObserver obs;
  engine.AddObserver(obs);
  const RunEnd end = engine.Run(RunInfo{});
  EXPECT_EQ(end.reason, StopReason::Duration);
  EXPECT_GE(obs.CountSamples(SampleKind::Periodic), 100) << end.cycles_done << " cycles";
}

}  // namespace
}  // namespace dialsoak::engine
