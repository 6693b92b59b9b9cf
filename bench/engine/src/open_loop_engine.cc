#include "dialsoak/engine/open_loop_engine.h"

#include <algorithm>
#include <string>
#include <utility>

#include "call_step.h"
#include "latch.h"

namespace dialsoak::engine {
namespace {

using namespace std::chrono_literals;

constexpr auto kCollectPeriod = 100ms;  // as Engine: drain, tick and count line states

}  // namespace

struct alignas(64) OpenLoopEngine::Worker {
  std::atomic<std::int64_t> calls{0};
  std::atomic<int> state{static_cast<int>(LineState::Idle)};
  std::mutex mu;  // guards records; taken by this worker and, to swap, the collector
  std::vector<CycleRecord> records;
  std::unique_ptr<Line> line;
  std::string open_error;
  std::thread thread;
  // The call handed over by the dispatcher; guarded by the engine's pool_mu_.
  std::optional<Call> call;
  std::condition_variable cv;

  void SetState(LineState s) { state.store(static_cast<int>(s), std::memory_order_relaxed); }
};

OpenLoopEngine::OpenLoopEngine(OpenLoopConfig config, ArrivalSchedule schedule, LineFactory lines,
                               EngineClock& clock)
    : config_(std::move(config)),
      schedule_(std::move(schedule)),
      make_line_(std::move(lines)),
      clock_(clock) {}

OpenLoopEngine::~OpenLoopEngine() {
  RequestStop();
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    quit_ = true;
  }
  for (auto& w : workers_) w->cv.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void OpenLoopEngine::AddProbe(std::unique_ptr<probes::ProcessProbe> probe) {
  probes_.push_back(std::move(probe));
}

void OpenLoopEngine::RequestStop(int signal) {
  int none = 0;
  if (signal != 0) stop_signal_.compare_exchange_strong(none, signal);
  interrupted_.store(true);
  clock_.Stop();
}

std::int64_t OpenLoopEngine::calls_done() const {
  return calls_done_.load(std::memory_order_relaxed);
}

LineStateCounts OpenLoopEngine::line_states() const {
  LineStateCounts counts{};
  for (const auto& w : workers_) {
    counts[static_cast<size_t>(w->state.load(std::memory_order_relaxed))]++;
  }
  return counts;
}

RunEnd OpenLoopEngine::Run(RunInfo info) {
  const int n = std::max(config_.lines, 0);
  Latch opened(n);
  calls_done_.store(0);
  workers_.clear();
  for (int i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>());
  for (int i = 0; i < n; ++i) {
    Worker& w = *workers_[static_cast<size_t>(i)];
    w.thread = std::thread([this, &w, i, &opened] {
      WorkerMain(w, i);
      opened.count_down();
      std::unique_lock<std::mutex> lock(pool_mu_);
      for (;;) {
        w.cv.wait(lock, [&] { return w.call.has_value() || quit_; });
        if (!w.call) break;  // quit
        const Call call = *w.call;
        lock.unlock();
        if (w.line) RunCall(w, i, call);
        lock.lock();
        w.call.reset();
        last_finish_ = std::max(last_finish_, clock_.Now());
        idle_.push_back(i);
        in_flight_.fetch_sub(1);  // after this line's last use of the clock
        pool_cv_.notify_all();
      }
    });
  }
  opened.wait();

  auto join_all = [&] {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      quit_ = true;
    }
    for (auto& w : workers_) w->cv.notify_all();
    if (dispatcher_.joinable()) dispatcher_.join();
    for (auto& w : workers_) w->thread.join();
  };
  RunEnd end;
  for (auto& w : workers_) {
    if (!w->open_error.empty()) {
      end.reason = StopReason::Failed;
      end.message = w->open_error;
      break;
    }
  }
  if (end.reason == StopReason::Failed) {
    join_all();
    workers_.clear();
    for (RunObserver* o : observers_) o->OnRunEnd(end);
    return end;
  }

  if (!info.duration) info.duration = schedule_.duration();
  info.lines = n;
  pacer_ = SamplePacer(SamplePacing{std::nullopt, schedule_.duration()});
  // The schedule counts from here; the baseline sample comes out of the first gap.
  start_ = clock_.Now();
  last_finish_ = start_;
  info.start = start_;
  for (RunObserver* o : observers_) o->OnRunStart(info);
  SampleAll(SampleKind::Baseline);
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_.clear();
    for (int i = 0; i < n; ++i) idle_.push_back(i);
    finished_ = false;
  }
  pending_.store(true);  // before the dispatcher exists: a virtual clock counts it at once
  dispatcher_ = std::thread([this] { Dispatch(); });

  auto next_sample = start_ + config_.sample_interval;
  auto next_tick = Clock::now() + kCollectPeriod;  // real time, as the waits
  for (;;) {
    bool done = false;
    {
      // As Engine: wake for the next collect period, the next time-based sample when it is
      // due before, and a sample mark reached (every call that ends notifies pool_cv_) when
      // the sampling budget allows.
      std::unique_lock<std::mutex> lock(pool_mu_);
      const auto real_now = Clock::now();
      auto wait = std::min<Clock::duration>(next_tick - real_now, next_sample - clock_.Now());
      const bool reached = calls_done() >= pacer_.next_mark();
      if (reached) wait = std::min<Clock::duration>(wait, pacer_.not_before() - real_now);
      pool_cv_.wait_for(lock, std::max<Clock::duration>(wait, {}), [this, reached] {
        return finished_ || (reached ? pacer_.Due(calls_done(), Clock::now())
                                     : calls_done() >= pacer_.next_mark());
      });
      done = finished_;
    }
    Drain();
    if (done) break;
    const auto now = clock_.Now();
    bool ticked = false;
    if (now >= next_sample) {
      SampleAll(SampleKind::Periodic);
      next_sample = std::max(next_sample + config_.sample_interval, now);
      ticked = true;
    } else if (pacer_.Due(calls_done(), Clock::now())) {
      SampleAll(SampleKind::Periodic);
    } else {
      pacer_.Progress(now, calls_done());
    }
    if (!ticked && Clock::now() < next_tick) continue;
    next_tick = Clock::now() + kCollectPeriod;
    const LineStateCounts states = line_states();
    const OfferedLoad load = OfferedNow(now);
    for (RunObserver* o : observers_) {
      o->OnTick(now, calls_done());
      o->OnLineStates(states);
      o->OnOfferedLoad(load);
    }
  }

  // Every line is on hook, still open, its thread still up: comparable with the baseline.
  for (RunObserver* o : observers_) o->OnLineStates(line_states());
  if (config_.settle.count() > 0 && !interrupted_.load()) {
    clock_.WaitUntil(clock_.Now() + config_.settle);
  }
  SampleAll(SampleKind::End);
  join_all();
  end.elapsed = last_finish_ - start_;
  end.cycles_done = calls_done();
  end.dropped = calls_dropped();
  end.reason = interrupted_.load() ? StopReason::Interrupted : StopReason::Completed;
  if (end.reason == StopReason::Interrupted) end.signal = stop_signal_.load();
  for (RunObserver* o : observers_) o->OnRunEnd(end);
  workers_.clear();  // closes the lines
  return end;
}

void OpenLoopEngine::WorkerMain(Worker& w, int index) {
  auto line = make_line_(index);
  if (!line) {
    w.open_error = line.error().message;
    w.SetState(LineState::Failed);
    return;
  }
  w.line = std::move(*line);
}

void OpenLoopEngine::Dispatch() {
  std::mt19937_64 rng(config_.seed);
  for (std::int64_t arrival = 0;; ++arrival) {
    const auto offset = schedule_.Next();
    if (!offset) break;
    const Call call{arrival, start_ + *offset,
                    config_.hold ? std::max(config_.hold(rng), 0ns) : 0ns};
    if (!clock_.WaitUntil(call.due)) break;  // stopped
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (idle_.empty()) {
      drops_.push_back(DroppedCall{arrival, call.due});
      dropped_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    Worker& w = *workers_[static_cast<size_t>(idle_.front())];
    idle_.pop_front();
    in_flight_.fetch_add(1);  // before this thread's next wait: the line is busy from now
    w.SetState(LineState::Dialing);
    w.call = call;
    w.cv.notify_one();
  }
  // The run lasts the whole schedule, quiet tail included.
  if (const auto length = schedule_.duration(); length && !clock_.stopped()) {
    clock_.WaitUntil(start_ + *length);
  }
  pending_.store(false);  // after this thread's last use of the clock
  std::unique_lock<std::mutex> lock(pool_mu_);
  pool_cv_.wait(lock, [this] { return in_flight_.load() == 0; });
  last_finish_ = std::max(last_finish_, clock_.Now());
  finished_ = true;
  pool_cv_.notify_all();
}

void OpenLoopEngine::RunCall(Worker& w, int index, const Call& call) {
  if (clock_.stopped()) {  // handed over just before a stop: never dialed
    w.SetState(LineState::Idle);
    return;
  }
  Clock::time_point hung_up;
  CycleRecord r = detail::PlaceCall(
      *w.line, detail::PlanFor(config_.plans, index), clock_,
      {call.due, call.hold, Clock::time_point::max(), config_.stop_timeout}, w.state, hung_up);
  r.line = index;
  r.cycle = w.calls.load(std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(w.mu);
    w.records.push_back(std::move(r));
  }
  w.calls.fetch_add(1, std::memory_order_relaxed);
  calls_done_.fetch_add(1, std::memory_order_relaxed);  // pool_cv_ tells the collector
}

void OpenLoopEngine::Drain() {
  std::vector<CycleRecord> records;
  std::vector<DroppedCall> drops;
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->mu);
    std::move(w->records.begin(), w->records.end(), std::back_inserter(records));
    w->records.clear();
  }
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    drops.swap(drops_);
  }
  // In arrival order within this drain (each line's records already are).
  std::stable_sort(records.begin(), records.end(),
                   [](const CycleRecord& a, const CycleRecord& b) { return a.due < b.due; });
  std::size_t d = 0;
  for (const CycleRecord& r : records) {
    for (; d < drops.size() && drops[d].due < r.due; ++d) {
      for (RunObserver* o : observers_) o->OnDropped(drops[d]);
    }
    for (RunObserver* o : observers_) o->OnCycle(r);
  }
  for (; d < drops.size(); ++d) {
    for (RunObserver* o : observers_) o->OnDropped(drops[d]);
  }
}

OfferedLoad OpenLoopEngine::OfferedNow(Clock::time_point now) const {
  OfferedLoad load;
  load.rate = schedule_.RateAt(now - start_);
  load.erlangs = load.rate * std::chrono::duration<double>(config_.mean_hold).count();
  return load;
}

void OpenLoopEngine::SampleAll(SampleKind kind) {
  const std::int64_t calls = calls_done();
  const auto cost = detail::SampleProbes(probes_, kind, calls, clock_, observers_);
  // As Engine: the baseline and the end are not in the budget.
  pacer_.Sampled(clock_.Now(), calls, kind == SampleKind::Periodic ? std::optional(cost) : std::nullopt,
                 Clock::now());
}

}  // namespace dialsoak::engine
