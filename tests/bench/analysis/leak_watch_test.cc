#include "dialsoak/analysis/leak_watch.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <vector>

namespace dialsoak::analysis {
namespace {

using namespace std::chrono_literals;

// Feeds a watch the way the engine does: a baseline, samples with the cycles done, an end.
class Feeder {
 public:
  explicit Feeder(LeakWatch& w, std::string process = "dialer", int pid = 4242)
      : w_(w), process_(std::move(process)), pid_(pid) {}

  void Sample(SampleKind kind, std::int64_t cycles, std::int64_t handles,
              std::int64_t threads = 4, std::int64_t resident = 10 << 20) {
    now_ += 100ms;
    ProbeSample s{process_, pid_, kind, now_, cycles, true, handles, threads, resident, ""};
    w_.OnProbe(s);
    w_.OnTick(now_, cycles);
  }
  void End(std::int64_t cycles) {
    RunEnd e;
    e.cycles_done = cycles;
    e.elapsed = 10s;
    w_.OnRunEnd(e);
  }

 private:
  LeakWatch& w_;
  std::string process_;
  int pid_;
  Clock::time_point now_{};
};

class RecordingSink : public RunObserver {
 public:
  void OnLeakEstimate(const LeakEstimate& e) override { estimates.push_back(e); }
  std::vector<LeakEstimate> estimates;
};

LeakWatchOptions Synthetic() {
  LeakWatchOptions o;
  o.snapshot_fds = false;  // counts are made up here; /proc would not match them
  o.live_interval = 0s;    // an estimate at every tick
  o.window = 30s;          // 300 samples of the feeder, every one in the window
  return o;
}

const LeakCheck& Find(const std::vector<LeakCheck>& checks, std::string_view resource) {
  for (const LeakCheck& c : checks) {
    if (c.resource == resource) return c;
  }
  ADD_FAILURE() << "no check for " << resource;
  return checks.front();
}

TEST(ThinnedSeriesTest, StaysBoundedAndKeepsOrderAndTheFirstSample) {
  ThinnedSeries s(100);
  for (std::int64_t i = 0; i < 100000; ++i) s.Add({i, i * 2});
  EXPECT_EQ(s.seen(), 100000);
  ASSERT_LE(s.samples().size(), 100u);
  EXPECT_GE(s.samples().size(), 50u);
  EXPECT_EQ(s.samples().front().cycles, 0);
  for (std::size_t i = 1; i < s.samples().size(); ++i) {
    EXPECT_LT(s.samples()[i - 1].cycles, s.samples()[i].cycles);
  }
  // Evenly spread: the kept samples reach into the last part of the series.
  EXPECT_GT(s.samples().back().cycles, 100000 - 100000 / 50);
}

TEST(LeakWatchTest, OneHandlePerCycleIsALeakThatNeverCameBack) {
  LeakWatch w(Synthetic());
  Feeder f(w);
  f.Sample(SampleKind::Baseline, 0, 20);
  for (int c = 1; c <= 300; ++c) f.Sample(SampleKind::Periodic, c, 20 + c);
  f.Sample(SampleKind::End, 300, 320);
  f.End(300);
  const auto checks = w.Checks();
  ASSERT_EQ(checks.size(), 3u);
  const LeakCheck& h = Find(checks, "handles");
  EXPECT_EQ(h.process, "dialer");
  EXPECT_EQ(h.pid, 4242);
  EXPECT_EQ(h.verdict, "leak");
  EXPECT_NEAR(h.slope_per_cycle, 1.0, 1e-9);
  EXPECT_NEAR(h.slope_per_1000_cycles, 1000.0, 1e-6);
  EXPECT_EQ(h.baseline, 20);
  EXPECT_EQ(h.end, 320);
  EXPECT_EQ(h.growth, 300);
  EXPECT_TRUE(h.first_suspected_cycle.has_value());
  EXPECT_EQ(Find(checks, "threads").verdict, "ok");
  EXPECT_EQ(Find(checks, "resident_memory").verdict, "ok");
}

TEST(LeakWatchTest, CountBackAtBaselineAfterTheSettleIsNotALeak) {
  LeakWatch w(Synthetic());
  Feeder f(w);
  f.Sample(SampleKind::Baseline, 0, 20);
  for (int c = 1; c <= 300; ++c) f.Sample(SampleKind::Periodic, c, 20 + c / 10);
  f.Sample(SampleKind::End, 300, 20);  // a pool emptied at the end: the KB's test passes
  f.End(300);
  const auto checks = w.Checks();
  EXPECT_EQ(Find(checks, "handles").verdict, "ok");
}

TEST(LeakWatchTest, TransientBurstsOfDescriptorsAreNotALeak) {
  LeakWatchOptions o = Synthetic();
  o.live_interval = 1s;  // every 10th sample: 2000 fits would only make the test slow
  LeakWatch w(o);
  Feeder f(w);
  std::mt19937 rng(7);
  f.Sample(SampleKind::Baseline, 0, 20);
  for (int c = 1; c <= 2000; ++c) {
    // Every 50 cycles a burst of up to 40 descriptors, gone a few cycles later.
    const bool in_burst = c % 50 < 4;
    f.Sample(SampleKind::Periodic, c, 20 + (in_burst ? static_cast<int>(rng() % 40) : 0));
  }
  f.Sample(SampleKind::End, 2000, 20);
  f.End(2000);
  const auto checks = w.Checks();
  const LeakCheck& h = Find(checks, "handles");
  EXPECT_EQ(h.verdict, "ok") << h.reason;
  EXPECT_FALSE(h.first_suspected_cycle.has_value());
}

TEST(LeakWatchTest, LiveEstimatesReachTheSinksWithTheSlopeAndTheSuspicion) {
  LeakWatch w(Synthetic());
  RecordingSink sink;
  w.Forward(sink);
  Feeder f(w, "self", 1);
  f.Sample(SampleKind::Baseline, 0, 10);
  for (int c = 1; c <= 100; ++c) f.Sample(SampleKind::Periodic, c, 10 + c / 2);
  ASSERT_FALSE(sink.estimates.empty());
  const LeakEstimate& last_handles = [&]() -> const LeakEstimate& {
    for (auto it = sink.estimates.rbegin(); it != sink.estimates.rend(); ++it) {
      if (it->resource == "handles") return *it;
    }
    return sink.estimates.back();
  }();
  EXPECT_EQ(last_handles.process, "self");
  EXPECT_EQ(last_handles.resource, "handles");
  EXPECT_NEAR(last_handles.per_cycle, 0.5, 0.01);
  EXPECT_TRUE(last_handles.suspected);
  EXPECT_EQ(last_handles.cycles_done, 100);
  for (const LeakEstimate& e : sink.estimates) {
    if (e.resource != "handles") {
      EXPECT_FALSE(e.suspected) << e.resource;
    }
  }
}

TEST(LeakWatchTest, TheLiveWindowForgetsAnOldLeak) {
  LeakWatchOptions o = Synthetic();
  o.window = 10s;  // 100 samples of the feeder
  LeakWatch w(o);
  RecordingSink sink;
  w.Forward(sink);
  Feeder f(w);
  f.Sample(SampleKind::Baseline, 0, 10);
  for (int c = 1; c <= 200; ++c) f.Sample(SampleKind::Periodic, c, 10 + c);  // leaking
  for (int c = 201; c <= 600; ++c) f.Sample(SampleKind::Periodic, c, 210);  // fixed, flat
  const LeakEstimate& last = sink.estimates[sink.estimates.size() - 3];  // handles come first
  ASSERT_EQ(last.resource, "handles");
  EXPECT_EQ(last.per_cycle, 0);
  EXPECT_FALSE(last.suspected);
}

TEST(LeakWatchTest, AProcessNeverFoundIsNotSeenNotShortOfSamples) {
  LeakWatch w(Synthetic());
  ProbeSample gone{"pppd", 0, SampleKind::Baseline, {}, 0, false, 0, 0, 0, "no process named pppd"};
  w.OnProbe(gone);
  gone.kind = SampleKind::End;
  w.OnProbe(gone);
  const auto checks = w.Checks();
  ASSERT_EQ(checks.size(), 3u);
  for (const LeakCheck& c : checks) {
    EXPECT_EQ(c.verdict, "not_seen");
    EXPECT_TRUE(c.not_seen());
    EXPECT_NE(c.reason.find("no process named pppd was seen in 2 samples"), std::string::npos)
        << c.reason;
    EXPECT_NE(c.reason.find("/proc/PID/comm"), std::string::npos) << c.reason;
  }
  // A pid probe's process that was never there says so by pid.
  LeakWatch p(Synthetic());
  p.OnProbe({"pid:77", 77, SampleKind::Baseline, {}, 0, false, 0, 0, 0, "process 77 is gone"});
  EXPECT_NE(p.Checks()[0].reason.find("process 77 was not found"), std::string::npos);
}

TEST(LeakWatchTest, AProcessSeenOnceAndGoneIsJudgedNotNotSeen) {
  LeakWatch w(Synthetic());
  Feeder f(w, "pppd", 10);
  f.Sample(SampleKind::Baseline, 0, 10);
  w.OnProbe({"pppd", 0, SampleKind::End, {}, 5, false, 0, 0, 0, "no process named pppd"});
  for (const LeakCheck& c : w.Checks()) EXPECT_NE(c.verdict, "not_seen") << c.reason;
}

// A daemon that leaks, crashes and is restarted: each life its own baseline and verdict,
// the restart a new incarnation, not the new pid taken over with the old baseline.
TEST(LeakWatchTest, ARestartStartsANewIncarnationJudgedOnItsOwn) {
  LeakWatch w(Synthetic());
  Feeder first(w, "pppd", 100);
  first.Sample(SampleKind::Baseline, 0, 16);
  for (int c = 1; c <= 100; ++c) first.Sample(SampleKind::Periodic, c * 10, 16 + c);  // leaks
  Feeder second(w, "pppd", 200);  // back under a new pid, no sample in the gap
  for (int c = 101; c <= 200; ++c) second.Sample(SampleKind::Periodic, c * 10, 16);  // flat
  second.Sample(SampleKind::End, 2000, 16);
  second.End(2000);
  const auto checks = w.Checks();
  ASSERT_EQ(checks.size(), 6u) << "two lives, three resources each";
  const LeakCheck& old_handles = checks[0];
  const LeakCheck& new_handles = checks[3];
  EXPECT_EQ(old_handles.pid, 100);
  EXPECT_EQ(old_handles.incarnation, 0);
  EXPECT_EQ(old_handles.verdict, "leak") << old_handles.reason;
  EXPECT_EQ(old_handles.baseline, 16);
  EXPECT_EQ(old_handles.end, 116) << "the old life ends at its last sample";
  EXPECT_EQ(new_handles.pid, 200);
  EXPECT_EQ(new_handles.incarnation, 1);
  EXPECT_EQ(new_handles.resource, "handles");
  EXPECT_EQ(new_handles.verdict, "ok") << new_handles.reason;
  EXPECT_EQ(new_handles.baseline, 16) << "its own baseline, not the old one's";
  EXPECT_EQ(w.Series("pppd", Resource::Handles, 0).back().count, 116);
  EXPECT_EQ(w.Series("pppd", Resource::Handles, 1).front().count, 16);
}

TEST(LeakWatchTest, LivesOfAProcessStartedPerCallAreBounded) {
  LeakWatch w(Synthetic());
  for (int pid = 1; pid <= 100; ++pid) {
    Feeder f(w, "pppd", pid);
    f.Sample(SampleKind::Periodic, pid, 6);
  }
  const auto checks = w.Checks();
  ASSERT_EQ(checks.size(), 3u * kMaxLivesKept);
  EXPECT_EQ(checks.back().pid, 100);
  EXPECT_EQ(checks.back().incarnation, 99);
}

TEST(LeakWatchTest, NamesWhatGrewInThisProcessFdTable) {
  LeakWatchOptions o = Synthetic();
  o.snapshot_fds = true;
  LeakWatch w(o);
  Feeder f(w, "self", static_cast<int>(::getpid()));
  f.Sample(SampleKind::Baseline, 0, 10);
  std::vector<int> leaked;
  for (int c = 1; c <= 50; ++c) {
    leaked.push_back(::eventfd(0, EFD_CLOEXEC));
    f.Sample(SampleKind::Periodic, c, 10 + c);
  }
  f.Sample(SampleKind::End, 50, 60);
  for (int fd : leaked) ::close(fd);
  f.End(50);
  const auto checks = w.Checks();
  const LeakCheck& h = Find(checks, "handles");
  EXPECT_EQ(h.verdict, "leak");
  EXPECT_EQ(h.fd_summary, "50 more descriptors, all anon_inode:[eventfd]");
  ASSERT_FALSE(h.fd_growth.empty());
  EXPECT_EQ(h.fd_growth.front().kind, "anon_inode:[eventfd]");
  EXPECT_EQ(h.fd_growth.front().growth, 50);
  ASSERT_TRUE(h.limit.has_value()) << "the soft RLIMIT_NOFILE of this process";
  ASSERT_TRUE(h.cycles_to_limit.has_value());
  EXPECT_NEAR(*h.cycles_to_limit, static_cast<double>(*h.limit - 60), 1.0);
}

TEST(LeakWatchTest, SelfMemoryCanBeLeftUnjudgedAndSaysWhy) {
  LeakWatchOptions o = Synthetic();
  o.judge_self_memory = false;
  LeakWatch w(o);
  RecordingSink sink;
  w.Forward(sink);
  Feeder self(w, "self", 1);
  Feeder other(w, "pppd", 2);
  self.Sample(SampleKind::Baseline, 0, 10, 4, 10 << 20);
  other.Sample(SampleKind::Baseline, 0, 10, 4, 10 << 20);
  for (int c = 1; c <= 300; ++c) {  // both grow 64 KiB a cycle: 19 MiB
    self.Sample(SampleKind::Periodic, c, 10, 4, (10 << 20) + c * 65536);
    other.Sample(SampleKind::Periodic, c, 10, 4, (10 << 20) + c * 65536);
  }
  self.Sample(SampleKind::End, 300, 10, 4, (10 << 20) + 300 * 65536);
  other.Sample(SampleKind::End, 300, 10, 4, (10 << 20) + 300 * 65536);
  self.End(300);
  const auto checks = w.Checks();
  ASSERT_EQ(checks.size(), 6u);
  const LeakCheck& mine = checks[2];
  ASSERT_EQ(mine.process, "self");
  ASSERT_EQ(mine.resource, "resident_memory");
  EXPECT_EQ(mine.verdict, "insufficient_data");
  EXPECT_NE(mine.reason.find("AddressSanitizer"), std::string::npos) << mine.reason;
  EXPECT_EQ(mine.growth, 300 * 65536);
  EXPECT_EQ(checks[5].process, "pppd");
  EXPECT_EQ(checks[5].verdict, "leak") << "another process's memory is still judged";
  for (const LeakEstimate& e : sink.estimates) {
    if (e.process == "self") {
      EXPECT_FALSE(e.suspected) << e.resource;
    }
  }
}

// A table of the process's limits, as the watch reads them at the baseline sample.
FdTable Limits(std::string process, std::optional<std::int64_t> nofile,
               std::optional<std::int64_t> threads = std::nullopt) {
  FdTable t;
  t.process = std::move(process);
  t.kind = SampleKind::Baseline;
  t.nofile_limit = nofile;
  t.threads_limit = threads;
  return t;
}

TEST(LeakWatchTest, HandlesStuckAtTheirLimitAreExhaustedLiveAndAtTheEnd) {
  // ulimit -n 512 and a descriptor leaked per dial: 12 -> 510, then flat at the limit.
  LeakWatch w(Synthetic());
  RecordingSink sink;
  w.Forward(sink);
  w.OnFdTable(Limits("dialer", 512));
  Feeder f(w);
  f.Sample(SampleKind::Baseline, 0, 12);
  for (int c = 1; c <= 1500; ++c) f.Sample(SampleKind::Periodic, c, std::min(12 + c, 510));
  f.Sample(SampleKind::End, 1500, 510);
  f.End(1500);
  const LeakCheck h = Find(w.Checks(), "handles");
  EXPECT_EQ(h.verdict, "exhausted") << h.reason;
  EXPECT_TRUE(h.leaking());
  EXPECT_TRUE(h.reason.starts_with("exhausted: 510 of 512 descriptors")) << h.reason;
  EXPECT_NEAR(h.slope_per_cycle, 1, 1e-9) << "fitted before the plateau";
  EXPECT_EQ(h.limit, 512);
  ASSERT_TRUE(h.first_suspected_cycle.has_value());
  EXPECT_LE(*h.first_suspected_cycle, 520) << "the live estimate flags it when it gets there";
  EXPECT_TRUE(sink.estimates[sink.estimates.size() - 3].suspected) << "still flagged at the end";
}

TEST(LeakWatchTest, ThreadsAtTheirLimitAreExhausted) {
  LeakWatch w(Synthetic());
  w.OnFdTable(Limits("dialer", 1024, 64));
  Feeder f(w);
  f.Sample(SampleKind::Baseline, 0, 10, 4);
  for (int c = 1; c <= 300; ++c) f.Sample(SampleKind::Periodic, c, 10, std::min(4 + c, 63));
  f.Sample(SampleKind::End, 300, 10, 63);
  f.End(300);
  const auto checks = w.Checks();
  const LeakCheck& t = Find(checks, "threads");
  EXPECT_EQ(t.verdict, "exhausted") << t.reason;
  EXPECT_TRUE(t.reason.starts_with("exhausted: 63 of 64 threads")) << t.reason;
  EXPECT_EQ(Find(checks, "handles").verdict, "ok");
}

TEST(LeakWatchTest, EmfileInAnyProbeErrorMeansThisProcessIsOutOfDescriptors) {
  LeakWatch w(Synthetic());
  RecordingSink sink;
  w.Forward(sink);
  Feeder self(w, "self", 1);
  Feeder pppd(w, "pppd", 2);
  self.Sample(SampleKind::Baseline, 0, 40);
  pppd.Sample(SampleKind::Baseline, 0, 9);
  for (int c = 1; c <= 300; ++c) {
    self.Sample(SampleKind::Periodic, c, 40);
    pppd.Sample(SampleKind::Periodic, c, 9);
  }
  // Reading pppd's /proc files needs a descriptor of this process's: none left.
  w.OnProbe(ProbeSample{"pppd", 2, SampleKind::Periodic, {}, 301, false, 0, 0, 0,
                        "cannot read /proc/2/stat: Too many open files"});
  self.Sample(SampleKind::End, 302, 40);
  pppd.Sample(SampleKind::End, 302, 9);
  self.End(302);
  const auto checks = w.Checks();
  ASSERT_EQ(checks.size(), 6u);
  EXPECT_EQ(checks[0].process, "self");
  EXPECT_EQ(checks[0].verdict, "exhausted") << checks[0].reason;
  EXPECT_TRUE(checks[0].reason.starts_with(
      "exhausted: out of descriptors after 301 cycles: cannot read /proc/2/stat: Too many open "
      "files"))
      << checks[0].reason;
  EXPECT_EQ(checks[3].process, "pppd");
  EXPECT_EQ(checks[3].verdict, "ok") << "pppd is not the one out of descriptors";
  bool flagged = false;
  for (const LeakEstimate& e : sink.estimates) {
    flagged |= e.process == "self" && e.resource == "handles" && e.suspected;
  }
  EXPECT_TRUE(flagged) << "the live estimate flags it too";
}

TEST(LeakWatchTest, EmfileInACycleOrTheRunsEndIsThisProcessOutOfDescriptors) {
  for (const std::string detail : {"reopen /dev/pts/3: Too many open files",
                                   "pipe2: Too many open files in system"}) {
    LeakWatch w(Synthetic());
    Feeder self(w, "self", 1);
    self.Sample(SampleKind::Baseline, 0, 40);
    for (int c = 1; c <= 300; ++c) self.Sample(SampleKind::Periodic, c, 40);
    CycleRecord r;
    r.result = CallResult::IoError;
    r.detail = detail;
    w.OnCycle(r);
    self.Sample(SampleKind::End, 300, 40);
    self.End(300);
    const LeakCheck h = Find(w.Checks(), "handles");
    const bool emfile = detail.find("in system") == std::string::npos;
    EXPECT_EQ(h.verdict, emfile ? "exhausted" : "ok") << detail << ": " << h.reason;
  }
  LeakWatch w(Synthetic());
  Feeder self(w, "self", 1);
  self.Sample(SampleKind::Baseline, 0, 40);
  RunEnd end;
  end.reason = StopReason::Failed;
  end.message = "open /dev/ttyS7: Too many open files";
  w.OnRunEnd(end);
  EXPECT_EQ(Find(w.Checks(), "handles").verdict, "exhausted");
}

TEST(LeakWatchTest, HandlesNotReturnedWithTooFewSamplesAreInconclusive) {
  // A fast run: the baseline, one periodic sample, the end after the settle.
  LeakWatch w(Synthetic());
  Feeder f(w, "self", 1);
  f.Sample(SampleKind::Baseline, 0, 16);
  f.Sample(SampleKind::Periodic, 2000, 36);
  f.Sample(SampleKind::End, 2000, 36);
  f.End(2000);
  const auto checks = w.Checks();
  const LeakCheck& h = Find(checks, "handles");
  EXPECT_EQ(h.verdict, "inconclusive") << h.reason;
  EXPECT_TRUE(h.inconclusive());
  EXPECT_FALSE(h.leaking());
  EXPECT_TRUE(h.reason.starts_with("inconclusive: +20 handles not returned after the settle"))
      << h.reason;
  EXPECT_EQ(Find(checks, "threads").verdict, "insufficient_data") << "threads came back";
}

TEST(LeakWatchTest, SeriesAreKeptForTheChart) {
  LeakWatch w(Synthetic());
  Feeder f(w);
  f.Sample(SampleKind::Baseline, 0, 5);
  f.Sample(SampleKind::Periodic, 10, 6);
  const auto series = w.Series("dialer", Resource::Handles);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[1].cycles, 10);
  EXPECT_EQ(series[1].count, 6);
  EXPECT_TRUE(w.Series("nobody", Resource::Handles).empty());
}

}  // namespace
}  // namespace dialsoak::analysis
