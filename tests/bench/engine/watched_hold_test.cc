// A line that can watch its call (a serial modem) ends the hold when the call drops by
// itself: the record says so, nothing is hung up, and a stop still cuts a watched hold
// short. On the steady clock: watch() waits on real deadlines.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "dialsoak/engine/engine.h"
#include "fakes.h"

namespace dialsoak::engine {
namespace {

using namespace std::chrono_literals;
using testing_fakes::RecordingObserver;

// Connects at once; while watched, drops the call `drop_after` after the connect (never
// when zero).
class WatchedLine final : public Line {
 public:
  explicit WatchedLine(std::chrono::nanoseconds drop_after) : drop_after_(drop_after) {}
  DialOutcome dial(std::string_view, Deadline) override {
    connected_at_ = Clock::now();
    up_ = true;
    return {CallResult::Connect, 0ns, "CONNECT 33600"};
  }
  HangupOutcome hangup(Deadline) override {
    ++hangups;
    if (!up_) return {true, {}, "on hook", HangupMethod::None};
    up_ = false;
    return {true, 1ms, "NO CARRIER", HangupMethod::Dtr};
  }
  bool watchable() const override { return true; }
  std::optional<std::string> watch(Deadline d) override {
    ++watches;
    const auto drop = connected_at_ + drop_after_;
    if (drop_after_ > 0ns && drop <= d.at()) {
      std::this_thread::sleep_until(drop);
      up_ = false;
      return std::string("NO CARRIER");
    }
    std::this_thread::sleep_until(d.at());
    return std::nullopt;
  }
  std::atomic<int> hangups{0}, watches{0};

 private:
  std::chrono::nanoseconds drop_after_;
  Clock::time_point connected_at_{};
  bool up_ = false;
};

EngineConfig OneLine(std::int64_t cycles, std::chrono::nanoseconds hold) {
  EngineConfig c;
  c.lines = 1;
  c.cycles = cycles;
  c.hold = hold;
  c.plans = {LinePlan{}};
  return c;
}

LineFactory Borrow(WatchedLine& line) {
  struct Borrowed final : Line {
    explicit Borrowed(WatchedLine& l) : line(l) {}
    DialOutcome dial(std::string_view n, Deadline d) override { return line.dial(n, d); }
    HangupOutcome hangup(Deadline d) override { return line.hangup(d); }
    bool watchable() const override { return true; }
    std::optional<std::string> watch(Deadline d) override { return line.watch(d); }
    WatchedLine& line;
  };
  return [&line](int) -> io::Result<std::unique_ptr<Line>> {
    return std::unique_ptr<Line>(std::make_unique<Borrowed>(line));
  };
}

TEST(WatchedHoldTest, ACallThatDropsEndsTheHoldAndNeedsNoHangup) {
  SteadyEngineClock clock;
  WatchedLine line(150ms);
  Engine engine(OneLine(2, 2s), Borrow(line), clock);
  RecordingObserver obs;
  engine.AddObserver(obs);
  const auto t0 = Clock::now();
  engine.Run(RunInfo{});
  EXPECT_LT(Clock::now() - t0, 1500ms) << "two 2 s holds, each dropped after 150 ms";
  ASSERT_EQ(obs.cycles.size(), 2u);
  for (const CycleRecord& r : obs.cycles) {
    EXPECT_EQ(r.result, CallResult::Connect);
    EXPECT_TRUE(r.dropped);
    EXPECT_EQ(r.drop_detail, "NO CARRIER");
    EXPECT_GE(r.held, 140ms);
    EXPECT_LT(r.held, 1s);
    EXPECT_FALSE(r.hung_up) << "the call was gone: the line had nothing to hang up";
  }
}

TEST(WatchedHoldTest, AHoldThatLastsIsWatchedInSlicesAndHungUp) {
  SteadyEngineClock clock;
  WatchedLine line(0ns);  // never drops
  Engine engine(OneLine(1, 450ms), Borrow(line), clock);
  RecordingObserver obs;
  engine.AddObserver(obs);
  engine.Run(RunInfo{});
  ASSERT_EQ(obs.cycles.size(), 1u);
  EXPECT_FALSE(obs.cycles[0].dropped);
  EXPECT_GE(obs.cycles[0].held, 440ms);
  EXPECT_TRUE(obs.cycles[0].hung_up);
  EXPECT_GE(line.watches.load(), 4) << "100 ms slices, so that a stop is seen";
}

TEST(WatchedHoldTest, AStopCutsAWatchedHoldShort) {
  SteadyEngineClock clock;
  WatchedLine line(0ns);
  Engine engine(OneLine(1, 30s), Borrow(line), clock);
  RecordingObserver obs;
  engine.AddObserver(obs);
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    engine.RequestStop();
  });
  const auto t0 = Clock::now();
  engine.Run(RunInfo{});
  stopper.join();
  EXPECT_LT(Clock::now() - t0, 3s);
  ASSERT_EQ(obs.cycles.size(), 1u);
  EXPECT_TRUE(obs.cycles[0].hung_up);
}

}  // namespace
}  // namespace dialsoak::engine
