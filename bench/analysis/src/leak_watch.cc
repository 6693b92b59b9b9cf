#include "dialsoak/analysis/leak_watch.h"

#include <algorithm>
#include <limits>

#include "dialsoak/analysis/proc_limits.h"

namespace dialsoak::analysis {
namespace {

constexpr Resource kAll[] = {Resource::Handles, Resource::Threads, Resource::ResidentMemory};

std::int64_t CountOf(const ProbeSample& s, Resource r) {
  switch (r) {
    case Resource::Handles:
      return s.handles;
    case Resource::Threads:
      return s.threads;
    case Resource::ResidentMemory:
      return s.resident_bytes;
  }
  return 0;
}

bool Good(const ProbeSample& s) { return s.alive && s.error.empty(); }

// This process's own probe is labelled "self" (probes::MakeSelfProbe).
bool IsSelf(const ProbeSample& s) { return s.process == "self"; }

std::vector<FdKindGrowth> Changed(const std::vector<FdKindChange>& changes) {
  std::vector<FdKindGrowth> out;
  for (const FdKindChange& c : changes) {
    if (c.growth == 0) continue;
    out.push_back({c.kind, c.baseline, c.end, c.growth, c.examples});
  }
  return out;
}

// What a check says of a process no sample found: a --watch-pid ("pid:1234") or a name.
std::string NotSeenReason(const std::string& label, std::int64_t samples) {
  if (label.starts_with("pid:")) {
    return "process " + label.substr(4) + " was not found in any of " + std::to_string(samples) +
           " samples";
  }
  return "no process named " + label + " was seen in " + std::to_string(samples) +
         " samples (a name matches a process's /proc/PID/comm, at most 15 bytes, or the base "
         "name of its argv[0]; a script's name is neither: watch its interpreter by pid)";
}

}  // namespace

void ThinnedSeries::Add(Sample s) {
  if (seen_++ % stride_ != 0) return;
  kept_.push_back(s);
  if (kept_.size() < max_) return;
  // Full: keep every other sample, and from now on every other one of what was kept.
  std::size_t out = 0;
  for (std::size_t i = 0; i < kept_.size(); i += 2) kept_[out++] = kept_[i];
  kept_.resize(out);
  stride_ *= 2;
}

LeakWatch::LeakWatch(LeakWatchOptions options) : options_(std::move(options)) {}

LeakWatch::Tracked& LeakWatch::Track(const ProbeSample& s) {
  const Incarnations::Seen life = incarnations_.Note(s);
  auto [it, added] = index_.try_emplace(s.process, tracked_.size());
  if (added || life.restart) {
    // Past kMaxLivesKept lives the latest takes the place of the one before it.
    const bool replace = !added && life.incarnation >= kMaxLivesKept;
    Tracked t;
    t.name = s.process;
    t.incarnation = life.incarnation;
    for (int r = 0; r < kResources; ++r) t.series.emplace_back(options_.max_points);
    t.window.resize(kResources);
    t.first_suspected.resize(kResources);
    t.peak.assign(kResources, std::numeric_limits<std::int64_t>::min());
    // Replayed tables of a process not seen yet (a journal may hold a table just before
    // the sample it was taken at) wait for it here.
    if (auto pending = pending_fds_.find(s.process); pending != pending_fds_.end()) {
      for (const FdTable& table : pending->second) Keep(t, table);
      pending_fds_.erase(pending);
    }
    if (replace) {
      tracked_[it->second] = std::move(t);
    } else {
      it->second = tracked_.size();
      tracked_.push_back(std::move(t));
    }
  }
  return tracked_[it->second];
}

void LeakWatch::Snapshot(Tracked& t, const ProbeSample& s, bool at_end) {
  if (!options_.snapshot_fds) return;
  FdTable table{t.name, s.pid, at_end ? SampleKind::End : SampleKind::Baseline, {}, {}, {}};
  auto fds = IsSelf(s) ? SnapshotSelfFds() : SnapshotFds(s.pid);
  if (fds) {
    table.targets = std::move(*fds);
  } else {
    table.error = fds.error().message;
  }
  // The limits a leak runs into; read again at the end, where they matter (a process out
  // of descriptors cannot read them then: the baseline's stand).
  if (auto limits = IsSelf(s) ? ReadSelfLimits() : ReadProcessLimits(s.pid)) {
    if (limits->max_open_files) table.nofile_limit = limits->max_open_files->AsLimit();
    auto threads_max = ReadThreadsMax();
    table.threads_limit =
        ThreadsLimit(*limits, threads_max ? std::optional<std::int64_t>(*threads_max) : std::nullopt);
  }
  Keep(t, table);
  for (RunObserver* sink : sinks_) sink->OnFdTable(table);
}

void LeakWatch::Keep(Tracked& t, const FdTable& table) {
  if (table.nofile_limit) t.nofile_limit = table.nofile_limit;
  if (table.threads_limit) t.threads_limit = table.threads_limit;
  if (!table.error.empty()) {
    t.fd_error = table.error;
    NoteError(table.error, cycles_done_);  // this process read the table
    return;
  }
  (table.kind == SampleKind::End ? t.fds_end : t.fds_baseline) = table.targets;
}

void LeakWatch::NoteError(const std::string& error, std::int64_t cycles_done) {
  if (out_of_fds_ || !SaysOutOfDescriptors(error)) return;
  out_of_fds_ = LeakInput::OutOfResource{error, cycles_done};
}

void LeakWatch::OnCycle(const CycleRecord& r) {
  if (r.result == CallResult::Connect && r.hangup_ok && !r.dropped) return;
  for (const std::string* text : {&r.detail, &r.hangup_detail, &r.drop_detail}) {
    NoteError(*text, cycles_done_);
  }
}

std::optional<std::int64_t> LeakWatch::LimitOf(const Tracked& t, Resource r) const {
  switch (r) {
    case Resource::Handles:
      return t.nofile_limit;
    case Resource::Threads:
      return t.threads_limit;
    case Resource::ResidentMemory:
      return std::nullopt;
  }
  return std::nullopt;
}

bool LeakWatch::Exhausted(const Tracked& t, Resource r, std::int64_t count) const {
  if (r == Resource::Handles && t.name == "self" && out_of_fds_) return true;
  const auto limit = LimitOf(t, r);
  return limit && t.baseline && count > CountOf(*t.baseline, r) && AtLimit(count, *limit);
}

void LeakWatch::OnFdTable(const FdTable& table) {
  if (options_.snapshot_fds) return;  // this watch reads its own
  auto it = index_.find(table.process);
  if (it != index_.end()) {
    Keep(tracked_[it->second], table);
  } else {
    pending_fds_[table.process].push_back(table);
  }
}

void LeakWatch::OnLeakEstimate(const LeakEstimate& e) {
  if (options_.live || !e.suspected) return;
  auto it = index_.find(e.process);
  if (it == index_.end()) return;
  for (int r = 0; r < kResources; ++r) {
    auto& first = tracked_[it->second].first_suspected[static_cast<std::size_t>(r)];
    if (ResourceName(kAll[r]) == e.resource && !first) first = e.cycles_done;
  }
}

void LeakWatch::OnProbe(const ProbeSample& s) {
  Tracked& t = Track(s);
  ++t.samples;
  t.ever_alive = t.ever_alive || s.alive;
  cycles_done_ = std::max(cycles_done_, s.cycles_done);
  if (!Good(s)) {
    t.last_error = s.alive ? s.error : "process not found";
    NoteError(s.error, s.cycles_done);  // this process read it
    return;
  }
  t.pid = s.pid;
  const bool is_baseline = s.kind == SampleKind::Baseline;
  if (!t.baseline || (is_baseline && t.baseline->kind != SampleKind::Baseline)) {
    t.baseline = s;
    if (is_baseline) Snapshot(t, s, /*at_end=*/false);
  }
  if (s.kind == SampleKind::End) {
    t.end = s;
    t.end_was_sampled = true;
    Snapshot(t, s, /*at_end=*/true);
  } else if (!t.end_was_sampled) {
    t.end = s;
  }
  for (int r = 0; r < kResources; ++r) {
    const auto ri = static_cast<std::size_t>(r);
    t.series[ri].Add({s.cycles_done, CountOf(s, kAll[r])});
    t.peak[ri] = std::max(t.peak[ri], CountOf(s, kAll[r]));
  }
  // The live window takes a sample at most every window / window_points.
  const auto spacing = options_.window / static_cast<std::int64_t>(std::max<std::size_t>(options_.window_points, 1));
  if (t.last_windowed && s.at - *t.last_windowed < spacing) return;
  t.last_windowed = s.at;
  for (int r = 0; r < kResources; ++r) {
    auto& w = t.window[static_cast<std::size_t>(r)];
    w.push_back({s.at, {s.cycles_done, CountOf(s, kAll[r])}});
    while (!w.empty() && w.front().at < s.at - options_.window) w.pop_front();
  }
}

bool LeakWatch::Judged(const Tracked& t, Resource r) const {
  return options_.judge_self_memory || r != Resource::ResidentMemory || t.name != "self";
}

void LeakWatch::Estimate(Tracked& t, std::int64_t cycles_done) {
  if (!t.baseline || !t.end) return;
  const std::int64_t cut = WarmupCut(options_.warmup, cycles_done);
  SlopeOptions slope = options_.slope;
  slope.max_points = std::max<std::size_t>(3, options_.window_points);
  for (int r = 0; r < kResources; ++r) {
    const auto ri = static_cast<std::size_t>(r);
    std::vector<Point> points;
    std::vector<Sample> samples;
    std::int64_t highest = CountOf(*t.end, kAll[r]);
    for (const WindowPoint& p : t.window[ri]) {
      highest = std::max(highest, p.sample.count);
      if (p.sample.cycles < cut) continue;
      points.push_back({static_cast<double>(p.sample.cycles), static_cast<double>(p.sample.count)});
      samples.push_back(p.sample);
    }
    const bool steady = SteadyRises(samples, cut).rises >= kRisesForALeak;
    const SlopeEstimate fit = TheilSen(points, slope);
    const std::int64_t latest = CountOf(*t.end, kAll[r]);
    const bool growing = fit.valid && steady &&
                         fit.lower > ThresholdOf(options_.thresholds, kAll[r]) &&
                         latest > CountOf(*t.baseline, kAll[r]) + ReturnToleranceOf(options_.thresholds, kAll[r]);
    const bool suspected = Judged(t, kAll[r]) && (growing || Exhausted(t, kAll[r], highest));
    if (suspected && !t.first_suspected[ri]) t.first_suspected[ri] = cycles_done;
    const LeakEstimate e{t.name, std::string(ResourceName(kAll[r])), fit.valid ? fit.slope : 0,
                         suspected, cycles_done};
    for (RunObserver* sink : sinks_) sink->OnLeakEstimate(e);
  }
}

void LeakWatch::OnTick(Clock::time_point now, std::int64_t cycles_done) {
  if (!options_.live) return;
  if (last_live_ && now - *last_live_ < options_.live_interval) return;
  last_live_ = now;
  for (Tracked& t : tracked_) Estimate(t, cycles_done);
}

void LeakWatch::OnRunEnd(const RunEnd& end) {
  NoteError(end.message, end.cycles_done);  // a line this process could not open
  const double seconds = std::chrono::duration<double>(end.elapsed).count();
  if (seconds > 0 && end.cycles_done > 0) {
    cycles_per_second_ = static_cast<double>(end.cycles_done) / seconds;
  }
  if (!options_.live) return;
  for (Tracked& t : tracked_) Estimate(t, end.cycles_done);  // the gauges' final values
}

LeakCheck LeakWatch::Check(const Tracked& t, Resource r) const {
  const auto ri = static_cast<std::size_t>(r);
  LeakCheck c;
  c.process = t.name;
  c.pid = t.pid;
  c.resource = std::string(ResourceName(r));
  c.incarnation = t.incarnation;
  if (!t.ever_alive && t.name != "self") {
    c.verdict = std::string(VerdictName(Verdict::NotSeen));
    c.reason = NotSeenReason(t.name, t.samples);
    return c;
  }
  if (!t.baseline || !t.end) {
    c.verdict = std::string(VerdictName(Verdict::InsufficientData));
    c.reason = "no good sample of the process" + (t.last_error.empty() ? "" : ": " + t.last_error);
    return c;
  }
  if (!Judged(t, r)) {
    c.verdict = std::string(VerdictName(Verdict::InsufficientData));
    c.baseline = CountOf(*t.baseline, r);
    c.end = CountOf(*t.end, r);
    c.growth = c.end - c.baseline;
    c.reason = "not judged: this dialsoak is built with AddressSanitizer, whose quarantine "
               "keeps freed memory, so its own resident memory grows whatever the code does";
    return c;
  }
  LeakInput in;
  in.resource = r;
  in.samples = t.series[ri].samples();
  in.baseline = CountOf(*t.baseline, r);
  in.end = CountOf(*t.end, r);
  in.warmup = options_.warmup;
  in.thresholds = options_.thresholds;
  in.slope = options_.slope;
  in.limit = LimitOf(t, r);
  in.limit_name = r == Resource::Handles ? "soft RLIMIT_NOFILE"
                                         : "the smaller of soft RLIMIT_NPROC and kernel.threads-max";
  if (t.peak[ri] != std::numeric_limits<std::int64_t>::min()) in.peak = t.peak[ri];
  if (r == Resource::Handles && t.name == "self") in.out_of_resource = out_of_fds_;
  in.cycles_per_second = cycles_per_second_;
  const LeakVerdict v = JudgeLeak(in);

  c.verdict = std::string(VerdictName(v.verdict));
  c.slope_per_cycle = v.slope_per_cycle;
  c.slope_per_1000_cycles = v.slope_per_1000_cycles;
  c.lower_per_cycle = v.lower_per_cycle;
  c.upper_per_cycle = v.upper_per_cycle;
  c.confidence = v.confidence;
  c.intercept = v.intercept;
  c.threshold_per_cycle = v.threshold_per_cycle;
  c.baseline = v.baseline;
  c.end = v.end;
  c.growth = v.growth;
  c.warmup_cycles = v.warmup_cycles;
  c.points_used = v.points_used;
  c.reason = v.reason;
  if (!t.end_was_sampled) c.reason += " (no end sample: the last sample stands in)";
  if (v.projection) {
    c.limit = v.projection->limit;
    c.cycles_to_limit = v.projection->cycles_to_limit;
    c.earliest_cycles_to_limit = v.projection->earliest_cycles_to_limit;
    c.seconds_to_limit = v.projection->seconds_to_limit;
    c.earliest_seconds_to_limit = v.projection->earliest_seconds_to_limit;
  }
  c.first_suspected_cycle = t.first_suspected[ri];
  if (r == Resource::Handles) {
    if (t.fds_baseline && t.fds_end) {
      const auto changes = CompareFdSnapshots(*t.fds_baseline, *t.fds_end);
      c.fd_summary = DescribeFdGrowth(changes);
      c.fd_growth = Changed(changes);
    } else if (!t.fd_error.empty()) {
      c.fd_summary = "fd table not read: " + t.fd_error;
    }
  }
  return c;
}

std::vector<LeakCheck> LeakWatch::Checks() const {
  std::vector<LeakCheck> out;
  for (const Tracked& t : tracked_) {
    for (Resource r : kAll) out.push_back(Check(t, r));
  }
  return out;
}

std::vector<Sample> LeakWatch::Series(const std::string& process, Resource resource,
                                      int incarnation) const {
  for (const Tracked& t : tracked_) {
    if (t.name == process && t.incarnation == incarnation) {
      return t.series[static_cast<std::size_t>(resource)].samples();
    }
  }
  return {};
}

}  // namespace dialsoak::analysis
