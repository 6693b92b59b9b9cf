#include "dialsoak/report/summary.h"

#include <algorithm>

namespace dialsoak::report {
namespace {

ResourceCounts CountsOf(const ProbeSample& s) {
  return ResourceCounts{s.handles, s.threads, s.resident_bytes};
}

void Widen(std::optional<ResourceCounts>& lo, std::optional<ResourceCounts>& hi,
           const ResourceCounts& c) {
  if (!lo) {
    lo = c;
    hi = c;
    return;
  }
  lo->handles = std::min(lo->handles, c.handles);
  lo->threads = std::min(lo->threads, c.threads);
  lo->resident_bytes = std::min(lo->resident_bytes, c.resident_bytes);
  hi->handles = std::max(hi->handles, c.handles);
  hi->threads = std::max(hi->threads, c.threads);
  hi->resident_bytes = std::max(hi->resident_bytes, c.resident_bytes);
}

void AddSample(ProcessSummary& p, const ProbeSample& s) {
  ++p.samples;
  if (s.pid != 0) p.pid = s.pid;  // a name probe that found nothing says 0
  if (!s.alive) {
    if (p.alive_at_end) p.vanished = true;
    p.alive_at_end = false;
    if (!s.error.empty()) p.last_error = s.error;
    return;
  }
  p.alive_at_end = true;
  if (!s.error.empty()) {
    ++p.failed_samples;
    p.last_error = s.error;
    return;
  }
  ResourceCounts c = CountsOf(s);
  if (s.kind == SampleKind::Baseline && !p.baseline_was_sampled) {
    p.baseline = c;
    p.baseline_was_sampled = true;
  } else if (!p.baseline) {
    p.baseline = c;  // a stand-in until (unless) a Baseline sample arrives
  }
  if (s.kind == SampleKind::End) {
    p.end = c;
    p.end_was_sampled = true;
  } else if (!p.end_was_sampled) {
    p.end = c;
  }
  Widen(p.min, p.max, c);
}

}  // namespace

const ProcessSummary* Summary::FindProcess(std::string_view name) const {
  for (const auto& p : processes) {
    if (p.process == name) return &p;
  }
  return nullptr;
}

void RunSummary::Seen(Clock::time_point t, bool probe) {
  if (!first_seen_ || t < *first_seen_) first_seen_ = t;
  (probe ? last_probe_ : last_seen_) = std::max(probe ? last_probe_ : last_seen_, t);
}

void RunSummary::OnRunStart(const RunInfo& info) {
  s_.run = info;
  tally_.max_failures = kMaxFailureDetails;
}

void RunSummary::OnCycle(const CycleRecord& c) { AddCycle(tally_, c); }

void RunSummary::OnCycles(const CycleTally& t) { Merge(tally_, t); }

void RunSummary::OnDropped(const DroppedCall& d) { AddDropped(tally_, d); }

void RunSummary::OnProbe(const ProbeSample& s) {
  Seen(s.at, true);
  const Incarnations::Seen life = incarnations_.Note(s);
  auto [it, added] = process_index_.try_emplace(s.process, s_.processes.size());
  if (added) {
    s_.processes.emplace_back();
    s_.processes.back().process = s.process;
  } else if (life.restart) {
    // A restart: the old life ends here, the new one has its own baseline and counts. Past
    // kMaxLivesKept lives, the latest takes the place of the one before it.
    ++s_.restart_count;
    if (s_.restarts.size() < kMaxRestartsListed) s_.restarts.push_back(*life.restart);
    if (life.incarnation < kMaxLivesKept) {
      s_.processes[it->second].restarted = true;
      it->second = s_.processes.size();
      s_.processes.emplace_back();
    } else {
      s_.processes[it->second] = ProcessSummary{};
    }
    s_.processes[it->second].process = s.process;
    s_.processes[it->second].incarnation = life.incarnation;
  }
  AddSample(s_.processes[it->second], s);
}

void RunSummary::OnRunEnd(const RunEnd& end) {
  s_.ended = true;
  s_.stop_reason = end.reason;
  s_.stop_message = end.message;
  s_.stop_signal = end.reason == StopReason::Interrupted ? end.signal : 0;
  s_.elapsed = end.elapsed;
}

void RunSummary::OnTick(Clock::time_point now, std::int64_t /*cycles_done*/) { Seen(now); }

Summary RunSummary::summary() const {
  Summary out = s_;
  const CycleTally& t = tally_;
  out.cycles = t.cycles;
  out.outcomes = t.outcomes;
  out.hangups = t.hangups;
  out.hangup_failures = t.hangup_failures;
  out.hangup_methods = t.hangup_methods;
  out.dropped_during_hold = t.dropped_during_hold;
  out.reopens = t.reopens;
  out.noisy_dials = t.noisy_dials;
  out.noise_bytes = t.noise_bytes;
  out.connect_rates = t.connect_rates;
  out.connect_rate_other = t.connect_rate_other;
  out.connect_rate_unknown = t.connect_rate_unknown;
  out.modulations = t.modulations;
  out.dropped_at_origin = t.dropped_at_origin;
  out.failures = t.failures;
  out.other_failures = t.other_failures;
  for (std::size_t r = 0; r < t.dial.size(); ++r) out.dial_by_result[r] = StatsOf(t.dial[r]);
  out.dial = out.dial_by_result[static_cast<std::size_t>(CallResult::Connect)];
  out.dial_all = StatsOf(t.AllDials());
  out.hangup = StatsOf(t.hangup_ok);
  out.hangup_failed = StatsOf(t.hangup_failed);
  out.hangup_after_failed_dial = StatsOf(t.hangup_after_failed_dial);
  histogram::LatencyHistogram hangups = t.hangup_ok;
  hangups.Add(t.hangup_failed);
  hangups.Add(t.hangup_after_failed_dial);
  out.hangup_all = StatsOf(hangups);
  out.start_lag = StatsOf(t.start_lag);
  if (!out.ended) {
    // Up to the last tick or cycle counted: a killed run's journal has probe samples after
    // its last tick record, whose cycles were lost with it, and a span to those samples
    // would make it look slower. Probe samples alone (no cycle yet) span what there is.
    std::optional<Clock::time_point> first = first_seen_;
    Clock::time_point last = last_seen_;
    if (t.first_seen) {
      if (!first || *t.first_seen < *first) first = t.first_seen;
      last = std::max(last, *t.last_seen);
    }
    if (last == Clock::time_point{}) last = last_probe_;
    if (first) out.elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(last - *first);
  }
  if (out.elapsed.count() > 0) {
    out.cycles_per_second =
        static_cast<double>(out.cycles) / std::chrono::duration<double>(out.elapsed).count();
  }
  return out;
}

}  // namespace dialsoak::report
