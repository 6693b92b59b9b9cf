#include "dialsoak/engine/open_loop_engine.h"

#include <algorithm>
#include <string>
#include <utility>

#include "call_step.h"
#include "latch.h"
#include "run_lifecycle.h"

namespace dialsoak::engine {
namespace {

using namespace std::chrono_literals;

}  // namespace

struct alignas(64) OpenLoopEngine::Worker : detail::WorkerBase {
  std::atomic<std::int64_t> calls{0};
  // The call handed over by the dispatcher; guarded by the engine's pool_mu_.
  std::optional<Call> call;
  std::condition_variable cv;
};

OpenLoopEngine::OpenLoopEngine(OpenLoopConfig config, ArrivalSchedule schedule, LineFactory lines,
                               EngineClock& clock)
    : config_(std::move(config)),
      schedule_(std::move(schedule)),
      make_line_(std::move(lines)),
      clock_(clock) {}

OpenLoopEngine::~OpenLoopEngine() {
  RequestStop();
  QuitAndJoin();
}

void OpenLoopEngine::AddProbe(std::unique_ptr<probes::ProcessProbe> probe) {
  probes_.push_back(std::move(probe));
}

void OpenLoopEngine::RequestStop(int signal) {
  detail::RequestStop(signal, stop_signal_, interrupted_, clock_);
}

std::int64_t OpenLoopEngine::calls_done() const {
  return calls_done_.load(std::memory_order_relaxed);
}

LineStateCounts OpenLoopEngine::line_states() const { return detail::CountLineStates(workers_); }

void OpenLoopEngine::QuitAndJoin() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    quit_ = true;
  }
  for (auto& w : workers_) w->cv.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  detail::JoinWorkers(workers_);
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
      detail::OpenLine(make_line_, w, i);
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

  RunEnd end;
  if (auto error = detail::FirstOpenError(workers_)) {
    end.reason = StopReason::Failed;
    end.message = std::move(*error);
    QuitAndJoin();
    workers_.clear();
    for (RunObserver* o : observers_) o->OnRunEnd(end);
    return end;
  }

  if (!info.duration) info.duration = schedule_.duration();
  info.lines = n;
  pacer_ = SamplePacer(SamplePacing{std::nullopt, schedule_.duration()});
  detail::Collector collector(clock_, pacer_, observers_, probes_, interrupted_, {
      .sample_interval = config_.sample_interval,
      .settle = config_.settle,
      .done = calls_done_,
      .mu = pool_mu_,
      .wake = pool_cv_,  // every call that ends notifies it
      .finished = [this] { return finished_; },
      .line_states = [this] { return line_states(); },
      .drain = [this] { Drain(); },
      .mark_moved = {},
      .offered = [this](Clock::time_point now) { return OfferedNow(now); },
  });
  // The schedule counts from here; the baseline sample comes out of the first gap.
  start_ = clock_.Now();
  last_finish_ = start_;
  info.start = start_;
  for (RunObserver* o : observers_) o->OnRunStart(info);
  collector.SampleAll(SampleKind::Baseline);
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_.clear();
    for (int i = 0; i < n; ++i) idle_.push_back(i);
    finished_ = false;
  }
  pending_.store(true);  // before the dispatcher exists: a virtual clock counts it at once
  dispatcher_ = std::thread([this] { Dispatch(); });

  collector.Collect(start_);
  collector.End();
  QuitAndJoin();
  end.elapsed = last_finish_ - start_;
  end.cycles_done = calls_done();
  end.dropped = calls_dropped();
  end.reason = interrupted_.load() ? StopReason::Interrupted : StopReason::Completed;
  if (end.reason == StopReason::Interrupted) end.signal = stop_signal_.load();
  for (RunObserver* o : observers_) o->OnRunEnd(end);
  workers_.clear();  // closes the lines
  return end;
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

}  // namespace dialsoak::engine
