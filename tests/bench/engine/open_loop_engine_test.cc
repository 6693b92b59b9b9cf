#include "dialsoak/engine/open_loop_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "dialsoak/sim/distribution.h"
#include "fakes.h"

namespace dialsoak::engine {
namespace {

using namespace std::chrono_literals;
using testing_fakes::BorrowedLine;
using testing_fakes::CountingProbe;

// Discrete-event virtual time for many threads: the clock moves to the earliest waiter's
// time only when every thread that may still use it is waiting, so a dispatcher and the
// lines it feeds see one consistent timeline and the tests are exact. Who "may still use
// it" is the engine's own count: the dispatcher while arrivals are pending, and every
// call in flight (both announced before the thread that hands over waits again).
class EventClock final : public EngineClock {
 public:
  void Watch(std::function<int()> participants) {
    std::lock_guard<std::mutex> lock(mu_);
    participants_ = std::move(participants);
  }
  Clock::time_point Now() const override { return Clock::time_point(Clock::duration(now_.load())); }
  bool WaitUntil(Clock::time_point t) override {
    std::unique_lock<std::mutex> lock(mu_);
    const Clock::rep target = t.time_since_epoch().count();
    auto it = targets_.insert(target);
    while (!stopped_ && now_.load() < target) {
      const int expected = participants_ ? participants_() : 1;
      if (*targets_.begin() > now_.load() && static_cast<int>(targets_.size()) >= expected) {
        now_.store(*targets_.begin());  // everyone waits: jump to the earliest
        cv_.notify_all();
        continue;
      }
      cv_.wait_for(lock, 50us);  // the engine's counts change without telling the clock
    }
    targets_.erase(it);
    cv_.notify_all();
    return !stopped_;
  }
  void Stop() override {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }
  bool stopped() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::multiset<Clock::rep> targets_;
  std::function<int()> participants_;
  std::atomic<Clock::rep> now_{Clock::duration(1h).count()};
  bool stopped_ = false;
};

// A line that takes virtual time on the event clock to dial and to hang up.
class EventLine final : public Line {
 public:
  EventLine(EventClock& clock, CallResult result, std::chrono::nanoseconds dial_time,
            std::chrono::nanoseconds hangup_time)
      : clock_(clock), result_(result), dial_time_(dial_time), hangup_time_(hangup_time) {}
  DialOutcome dial(std::string_view, Deadline) override {
    ++dials;
    if (dial_time_.count() > 0) clock_.WaitUntil(clock_.Now() + dial_time_);
    connected_ = result_ == CallResult::Connect;
    return {result_, dial_time_, connected_ ? "CONNECT 33600" : "BUSY"};
  }
  HangupOutcome hangup(Deadline) override {
    if (!connected_) return {true, {}, "on hook", HangupMethod::None};
    ++hangups;
    // A stop makes WaitUntil return at once: the hang-up is still done, just not timed.
    if (hangup_time_.count() > 0) clock_.WaitUntil(clock_.Now() + hangup_time_);
    connected_ = false;
    return {true, hangup_time_, "NO CARRIER", HangupMethod::Dtr};
  }
  std::atomic<int> dials{0}, hangups{0};
  bool connected() const { return connected_; }

 private:
  EventClock& clock_;
  CallResult result_;
  std::chrono::nanoseconds dial_time_, hangup_time_;
  std::atomic<bool> connected_{false};
};

// Records everything, as fakes.h's RecordingObserver, plus drops and the order of events.
class Recorder final : public RunObserver {
 public:
  void OnRunStart(const RunInfo& i) override {
    Note('S');
    info = i;
  }
  void OnCycle(const CycleRecord& r) override {
    Note('C');
    cycles.push_back(r);
  }
  void OnDropped(const DroppedCall& d) override {
    Note('D');
    drops.push_back(d);
  }
  void OnProbe(const ProbeSample& s) override {
    Note('P');
    samples.push_back(s);
  }
  void OnRunEnd(const RunEnd& e) override {
    Note('E');
    end = e;
  }
  void OnTick(Clock::time_point, std::int64_t) override { Note('T'); }
  void OnOfferedLoad(const OfferedLoad& l) override { loads.push_back(l); }
  void OnLineStates(const LineStateCounts& c) override {
    Note('L');
    max_connected = std::max(max_connected, c[static_cast<size_t>(LineState::Connected)]);
    last_states = c;
  }
  RunInfo info;
  RunEnd end;
  std::vector<CycleRecord> cycles;
  std::vector<DroppedCall> drops;
  std::vector<ProbeSample> samples;
  std::vector<OfferedLoad> loads;
  std::string events;  // one letter per call, in order
  int max_connected = 0;
  LineStateCounts last_states{};
  std::set<std::thread::id> threads;

 private:
  void Note(char c) {
    events.push_back(c);
    threads.insert(std::this_thread::get_id());
  }
};

// N EventLines the test keeps, and an engine wired to an event clock.
struct Rig {
  EventClock clock;
  CallResult result = CallResult::Connect;
  std::chrono::nanoseconds dial_time = 20ms, hangup_time = 30ms;
  std::vector<std::unique_ptr<EventLine>> lines;
  Recorder rec;
  std::mutex mu;

  LineFactory Factory() {
    return [this](int) -> io::Result<std::unique_ptr<Line>> {
      auto line = std::make_unique<EventLine>(clock, result, dial_time, hangup_time);
      std::lock_guard<std::mutex> lock(mu);
      lines.push_back(std::move(line));
      return std::unique_ptr<Line>(std::make_unique<BorrowedLine>(*lines.back()));
    };
  }
  std::unique_ptr<OpenLoopEngine> Engine(int n, ArrivalSchedule schedule,
                                         std::chrono::nanoseconds hold) {
    OpenLoopConfig c;
    c.lines = n;
    c.plans = {LinePlan{}};
    c.hold = [hold](std::mt19937_64&) { return hold; };
    auto e = std::make_unique<OpenLoopEngine>(c, std::move(schedule), Factory(), clock);
    OpenLoopEngine* raw = e.get();
    clock.Watch([raw] { return (raw->arrivals_pending() ? 1 : 0) + raw->calls_in_flight(); });
    e->AddObserver(rec);
    return e;
  }
  Clock::time_point Start() const {  // the engine starts at the clock's first reading
    return Clock::time_point(Clock::duration(1h));
  }
};

TEST(OpenLoopEngineTest, TwoLinesAtTenCallsASecondCarryTwoASecondAndDropTheRest) {
  Rig rig;  // each call: 20 ms dial + 900 ms hold + 30 ms hang-up = 950 ms
  auto engine = rig.Engine(2, ArrivalSchedule::Constant(10, 10s, Arrivals::Uniform, 1), 900ms);
  RunEnd end = engine->Run(RunInfo{});
  EXPECT_EQ(end.reason, StopReason::Completed);
  EXPECT_EQ(end.cycles_done, 20);
  EXPECT_EQ(end.dropped, 80);
  EXPECT_EQ(rig.rec.end.dropped, 80);
  ASSERT_EQ(rig.rec.cycles.size(), 20u);
  EXPECT_EQ(rig.rec.drops.size(), 80u);
  // Carried: the arrivals at 0.05 s and 0.15 s of every second, one per line.
  for (size_t i = 0; i < rig.rec.cycles.size(); ++i) {
    const CycleRecord& r = rig.rec.cycles[i];
    const auto offset = r.due - rig.Start();
    EXPECT_EQ(offset,
              std::chrono::milliseconds(1000 * static_cast<int>(i / 2) + (i % 2 ? 150 : 50)));
    EXPECT_EQ(r.line, static_cast<int>(i % 2));
    EXPECT_EQ(r.cycle, static_cast<std::int64_t>(i / 2));
    EXPECT_EQ(r.dial_latency, 20ms);
    EXPECT_EQ(r.hangup_latency, 30ms);
  }
  // Dropped: the other eight of every second, with their arrival numbers.
  for (const DroppedCall& d : rig.rec.drops) {
    EXPECT_NE(d.arrival % 10, 0);
    EXPECT_NE(d.arrival % 10, 1);
    EXPECT_EQ(d.due - rig.Start(), std::chrono::milliseconds(100 * d.arrival + 50));
  }
  EXPECT_LE(rig.rec.max_connected, 2);
  // The last call arrived at 9.15 s and hung up at 10.1 s, after the schedule's end.
  EXPECT_EQ(end.elapsed, 10100ms);
}

TEST(OpenLoopEngineTest, NoDropsWhenTheLinesSuffice) {
  Rig rig;  // offered 10/s x 0.95 s = 9.5 erlangs; 10 lines carry all with uniform arrivals
  auto engine = rig.Engine(10, ArrivalSchedule::Constant(10, 5s, Arrivals::Uniform, 1), 900ms);
  RunEnd end = engine->Run(RunInfo{});
  EXPECT_EQ(end.cycles_done, 50);
  EXPECT_EQ(end.dropped, 0);
  EXPECT_TRUE(rig.rec.drops.empty());
  for (const CycleRecord& r : rig.rec.cycles) EXPECT_EQ(r.dial_latency, 20ms);
}

TEST(OpenLoopEngineTest, TheRunLastsTheWholeScheduleQuietTailIncluded) {
  Rig rig;  // 5 s at 2 calls/s, then 5 s at 0: a cool-down with nothing arriving
  auto engine = rig.Engine(
      1, ArrivalSchedule({{0s, 2}, {5s, 2}, {0s, 0}, {5s, 0}}, Arrivals::Uniform, 1), 100ms);
  RunEnd end = engine->Run(RunInfo{});
  EXPECT_EQ(end.reason, StopReason::Completed);
  EXPECT_EQ(end.cycles_done, 10);
  EXPECT_EQ(end.dropped, 0);
  EXPECT_EQ(end.elapsed, 10s);
  EXPECT_EQ(rig.rec.info.duration, 10s);
}

TEST(OpenLoopEngineTest, LatencyCountsFromTheScheduledArrival) {
  Rig rig;
  rig.dial_time = 3s;  // a line slow to answer the dial
  auto engine = rig.Engine(1, ArrivalSchedule::Constant(0.1, 60s, Arrivals::Uniform, 1), 1s);
  RunEnd end = engine->Run(RunInfo{});
  ASSERT_EQ(end.cycles_done, 6);
  for (size_t i = 0; i < rig.rec.cycles.size(); ++i) {
    const CycleRecord& r = rig.rec.cycles[i];
    EXPECT_EQ(r.due - rig.Start(), std::chrono::seconds(5 + 10 * static_cast<int>(i)));
    EXPECT_EQ(r.dial_latency, 3s);
  }
}

TEST(OpenLoopEngineTest, RecordsStartLagAndHeldTimeAndTheScheduleOrigin) {
  Rig rig;  // the event clock has no scheduling delay: a dial starts at its arrival
  auto engine = rig.Engine(1, ArrivalSchedule::Constant(0.5, 10s, Arrivals::Uniform, 1), 700ms);
  RunEnd end = engine->Run(RunInfo{});
  ASSERT_EQ(end.cycles_done, 5);
  EXPECT_EQ(rig.rec.info.start, rig.Start());
  for (const CycleRecord& r : rig.rec.cycles) {
    EXPECT_EQ(r.start_lag, 0ns);
    EXPECT_EQ(r.held, 700ms);
    EXPECT_EQ(r.dial_latency, 20ms);
  }
}

TEST(OpenLoopEngineTest, BusyCallsHoldNothing) {
  Rig rig;
  rig.result = CallResult::Busy;
  auto engine = rig.Engine(1, ArrivalSchedule::Constant(1, 3s, Arrivals::Uniform, 1), 700ms);
  engine->Run(RunInfo{});
  ASSERT_EQ(rig.rec.cycles.size(), 3u);
  for (const CycleRecord& r : rig.rec.cycles) EXPECT_EQ(r.held, 0ns);
}

TEST(OpenLoopEngineTest, TicksCarryTheOfferedLoadInErlangs) {
  // Ticks come from the collector's real-time period, so this runs on the steady clock: a
  // step to 40 calls/s held 50 ms on average offers 2 Erlangs for the whole 600 ms.
  SteadyEngineClock clock;
  OpenLoopConfig c;
  c.lines = 8;
  c.hold = [](std::mt19937_64&) { return 5ms; };
  c.mean_hold = 50ms;
  Recorder rec;
  OpenLoopEngine engine(
      c, ArrivalSchedule({Stage{0s, 40}, Stage{600ms, 40}}, Arrivals::Uniform, 1),
      [](int) -> io::Result<std::unique_ptr<Line>> {
        return std::unique_ptr<Line>(
            std::make_unique<testing_fakes::ScriptedLine>(nullptr, CallResult::Connect, 0ns, 0ns));
      },
      clock);
  engine.AddObserver(rec);
  engine.Run(RunInfo{});
  int during = 0;
  for (const OfferedLoad& l : rec.loads) {
    if (l.rate == 0) continue;  // after the schedule, while the last calls finish
    ++during;
    EXPECT_DOUBLE_EQ(l.rate, 40);
    EXPECT_DOUBLE_EQ(l.erlangs, 2);
  }
  EXPECT_GE(during, 2) << "about one tick per 100 ms of the 600 ms schedule";
}

TEST(OpenLoopEngineTest, AFastScheduleIsSampledByCallsAboutTwoHundredTimes) {
  // 1,000 calls in half a second: one-a-second sampling would give none between the
  // baseline and the end; by calls done (from their rate), about 200 over the schedule.
  SteadyEngineClock clock;
  OpenLoopConfig c;
  c.lines = 4;
  Recorder rec;
  OpenLoopEngine engine(
      c, ArrivalSchedule::Constant(2000, 500ms, Arrivals::Uniform, 1),
      [](int) -> io::Result<std::unique_ptr<Line>> {
        return std::unique_ptr<Line>(
            std::make_unique<testing_fakes::ScriptedLine>(nullptr, CallResult::Connect, 0ns, 0ns));
      },
      clock);
  engine.AddObserver(rec);
  engine.AddProbe(std::make_unique<CountingProbe>("self"));
  const RunEnd end = engine.Run(RunInfo{});
  EXPECT_EQ(end.cycles_done + end.dropped, 1000);
  int periodic = 0;
  for (const ProbeSample& s : rec.samples) periodic += s.kind == SampleKind::Periodic;
  EXPECT_GE(periodic, 150) << end.cycles_done << " calls";
  EXPECT_EQ(rec.threads.size(), 1u) << "only the collector samples and calls observers";
}

TEST(OpenLoopEngineTest, ALateLineShowsUpAsLatencyNotAsAGap) {
  // One line, calls every second, each call 1.5 s long: every other arrival is dropped,
  // and none is silently delayed (a closed loop would start late and report 20 ms).
  Rig rig;
  auto engine = rig.Engine(1, ArrivalSchedule::Constant(1, 10s, Arrivals::Uniform, 1), 1450ms);
  RunEnd end = engine->Run(RunInfo{});
  EXPECT_EQ(end.cycles_done, 5);
  EXPECT_EQ(end.dropped, 5);
  for (const CycleRecord& r : rig.rec.cycles) EXPECT_EQ(r.dial_latency, 20ms);
}

TEST(OpenLoopEngineTest, BusyIsAResultNotADrop) {
  Rig rig;
  rig.result = CallResult::Busy;
  auto engine = rig.Engine(1, ArrivalSchedule::Constant(2, 5s, Arrivals::Uniform, 1), 10s);
  RunEnd end = engine->Run(RunInfo{});
  EXPECT_EQ(end.cycles_done, 10);  // BUSY after 20 ms, no hold: the line is free again
  EXPECT_EQ(end.dropped, 0);
  for (const CycleRecord& r : rig.rec.cycles) {
    EXPECT_EQ(r.result, CallResult::Busy);
    EXPECT_FALSE(r.hung_up);
  }
}

TEST(OpenLoopEngineTest, StopRequestMidRunHangsUpEveryLine) {
  Rig rig;
  auto engine =
      rig.Engine(4, ArrivalSchedule::Constant(100, std::nullopt, Arrivals::Poisson, 3), 1000h);
  testing_fakes::RunStarted started;
  engine->AddObserver(started);
  std::thread stopper([&] {
    // Wait until all four lines hold a call (long holds: they stay connected).
    started.Wait();
    while (engine->line_states()[static_cast<size_t>(LineState::Connected)] < 4) {
      std::this_thread::sleep_for(1ms);
    }
    engine->RequestStop(2);  // SIGINT's number
  });
  RunEnd end = engine->Run(RunInfo{});
  stopper.join();
  EXPECT_EQ(end.reason, StopReason::Interrupted);
  EXPECT_EQ(end.signal, 2) << "the stop signal is kept for the exit code";
  EXPECT_EQ(end.cycles_done, 4);
  ASSERT_EQ(rig.lines.size(), 4u);
  for (auto& line : rig.lines) {
    EXPECT_EQ(line->dials.load(), 1);
    EXPECT_EQ(line->hangups.load(), 1);
    EXPECT_FALSE(line->connected());
  }
  EXPECT_EQ(rig.rec.last_states[static_cast<size_t>(LineState::Idle)], 4);
  EXPECT_EQ(rig.rec.cycles.size(), 4u);
}

TEST(OpenLoopEngineTest, RecordsReachObserversInOrderFromOneThread) {
  Rig rig;
  auto engine = rig.Engine(3, ArrivalSchedule({{5s, 20}, {5s, 20}}, Arrivals::Poisson, 11), 400ms);
  engine->AddProbe(std::make_unique<CountingProbe>("self"));
  RunEnd end = engine->Run(RunInfo{});
  const Recorder& rec = rig.rec;
  EXPECT_EQ(rec.threads.size(), 1u);
  EXPECT_GT(rec.drops.size(), 0u);
  EXPECT_EQ(static_cast<std::int64_t>(rec.cycles.size()), end.cycles_done);
  EXPECT_EQ(static_cast<std::int64_t>(rec.drops.size()), end.dropped);
  // Start, baseline first; end sample, then the end last.
  ASSERT_GE(rec.events.size(), 4u);
  EXPECT_EQ(rec.events.substr(0, 2), "SP");
  EXPECT_EQ(rec.events.back(), 'E');
  EXPECT_EQ(rec.samples.front().kind, SampleKind::Baseline);
  EXPECT_EQ(rec.samples.back().kind, SampleKind::End);
  // Every arrival is either carried or dropped, each exactly once.
  std::vector<Clock::time_point> all;
  for (auto& r : rec.cycles) all.push_back(r.due);
  for (auto& d : rec.drops) all.push_back(d.due);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  // Per line, calls in order and numbered 0, 1, 2...; drops in arrival order.
  std::map<int, std::int64_t> next;
  std::map<int, Clock::time_point> last;
  for (const CycleRecord& r : rec.cycles) {
    EXPECT_EQ(r.cycle, next[r.line]++);
    EXPECT_GE(r.due, last[r.line]);
    last[r.line] = r.due;
  }
  for (size_t i = 1; i < rec.drops.size(); ++i) {
    EXPECT_LT(rec.drops[i - 1].arrival, rec.drops[i].arrival);
  }
  EXPECT_EQ(rec.info.lines, 3);
  EXPECT_EQ(rec.info.duration, 10s);
}

TEST(OpenLoopEngineTest, HoldTimesComeFromASimDistribution) {
  Rig rig;
  rig.dial_time = 0ns;
  rig.hangup_time = 0ns;
  auto dist = sim::Distribution::Parse("exp:2s");
  ASSERT_TRUE(dist) << dist.error();
  OpenLoopConfig c;
  c.lines = 200;  // 40 erlangs offered: nothing is dropped
  c.hold = [d = *dist](std::mt19937_64& rng) { return d.Draw(rng); };
  c.seed = 5;
  OpenLoopEngine engine(c, ArrivalSchedule::Constant(20, 100s, Arrivals::Poisson, 5), rig.Factory(),
                        rig.clock);
  rig.clock.Watch([&] { return (engine.arrivals_pending() ? 1 : 0) + engine.calls_in_flight(); });
  struct Holds : RunObserver {
    void OnCycle(const CycleRecord&) override { ++n; }
    int n = 0;
  } holds;
  engine.AddObserver(holds);
  RunEnd end = engine.Run(RunInfo{});
  EXPECT_EQ(end.dropped, 0);
  EXPECT_NEAR(static_cast<double>(end.cycles_done), 2000, 4 * std::sqrt(2000.0));
  EXPECT_EQ(holds.n, end.cycles_done);
  // The run lasts until the last (exponentially held) call hung up.
  EXPECT_GE(end.elapsed, 100s);
}

TEST(OpenLoopEngineTest, RunsInRealTime) {
  SteadyEngineClock clock;
  OpenLoopConfig c;
  c.lines = 4;
  c.hold = [](std::mt19937_64&) { return 5ms; };
  Recorder rec;
  OpenLoopEngine engine(
      c, ArrivalSchedule::Constant(100, 300ms, Arrivals::Poisson, 2),
      [](int) -> io::Result<std::unique_ptr<Line>> {
        return std::unique_ptr<Line>(
            std::make_unique<testing_fakes::ScriptedLine>(nullptr, CallResult::Connect, 0ns, 0ns));
      },
      clock);
  engine.AddObserver(rec);
  const auto t0 = Clock::now();
  RunEnd end = engine.Run(RunInfo{});
  EXPECT_GE(Clock::now() - t0, 300ms);
  EXPECT_EQ(end.reason, StopReason::Completed);
  EXPECT_GT(end.cycles_done + end.dropped, 5);
  EXPECT_EQ(static_cast<std::int64_t>(rec.cycles.size()), end.cycles_done);
  for (const CycleRecord& r : rec.cycles) EXPECT_GE(r.dial_latency, 0ns);
}

TEST(OpenLoopEngineTest, ALineThatFailsToOpenFailsTheRun) {
  EventClock clock;
  OpenLoopConfig c;
  c.lines = 2;
  Recorder rec;
  OpenLoopEngine engine(
      c, ArrivalSchedule::Constant(1, 1s, Arrivals::Uniform, 1),
      [](int i) -> io::Result<std::unique_ptr<Line>> {
        if (i == 1) return tl::unexpected(io::Error{ENOENT, "/dev/ttyS9: no such device"});
        return std::unique_ptr<Line>(nullptr);
      },
      clock);
  engine.AddObserver(rec);
  RunEnd end = engine.Run(RunInfo{});
  EXPECT_EQ(end.reason, StopReason::Failed);
  EXPECT_THAT(end.message, ::testing::HasSubstr("ttyS9"));
  EXPECT_EQ(rec.events, "E");
}

}  // namespace
}  // namespace dialsoak::engine
