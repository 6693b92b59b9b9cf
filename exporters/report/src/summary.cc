#include "dialsoak/report/summary.h"

#include <algorithm>
#include <span>

#include "text.h"

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
  p.pid = s.pid;
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

void RunSummary::Seen(Clock::time_point t) {
  if (!first_seen_ || t < *first_seen_) first_seen_ = t;
  last_seen_ = std::max(last_seen_, t);
}

void RunSummary::OnRunStart(const RunInfo& info) { s_.run = info; }

void RunSummary::NoteFailure(std::string_view what, std::string_view detail, const CycleRecord& c) {
  std::string kept = TruncateUtf8(detail, kMaxDetailLength);
  for (auto& f : s_.failures) {
    if (f.what == what && f.detail == kept) {
      ++f.count;
      return;
    }
  }
  if (s_.failures.size() < kMaxFailureDetails) {
    s_.failures.push_back(FailureDetail{std::string(what), std::move(kept), 1, c.line, c.cycle});
  } else {
    ++s_.other_failures;
  }
}

void RunSummary::OnCycle(const CycleRecord& c) {
  Seen(c.due);
  Seen(c.due + c.dial_latency);
  ++s_.cycles;
  auto r = static_cast<std::size_t>(c.result);
  if (r < s_.outcomes.size()) ++s_.outcomes[r];
  dial_ns_.push_back(c.dial_latency.count());
  start_lag_ns_.push_back(c.start_lag.count());
  if (c.result != CallResult::Connect) NoteFailure(ToString(c.result), c.detail, c);
  if (c.reopened) ++s_.reopens;
  if (c.noise_bytes > 0) {
    ++s_.noisy_dials;
    s_.noise_bytes += c.noise_bytes;
  }
  if (c.dropped) {
    ++s_.dropped_during_hold;
    NoteFailure("dropped", c.drop_detail, c);
  }
  if (!c.hung_up) return;
  ++s_.hangups;
  hangup_ns_.push_back(c.hangup_latency.count());
  auto m = static_cast<std::size_t>(c.hangup_method);
  if (m < s_.hangup_methods.size()) ++s_.hangup_methods[m];
  if (!c.hangup_ok) {
    ++s_.hangup_failures;
    NoteFailure("hangup", c.hangup_detail, c);
  }
}

void RunSummary::OnDropped(const DroppedCall& d) {
  Seen(d.due);
  ++s_.dropped_at_origin;
}

void RunSummary::OnProbe(const ProbeSample& s) {
  Seen(s.at);
  auto [it, added] = process_index_.try_emplace(s.process, s_.processes.size());
  if (added) {
    s_.processes.emplace_back();
    s_.processes.back().process = s.process;
  }
  AddSample(s_.processes[it->second], s);
}

void RunSummary::OnRunEnd(const RunEnd& end) {
  s_.ended = true;
  s_.stop_reason = end.reason;
  s_.stop_message = end.message;
  s_.elapsed = end.elapsed;
}

void RunSummary::OnTick(Clock::time_point now, std::int64_t /*cycles_done*/) { Seen(now); }

Summary RunSummary::summary() const {
  Summary out = s_;
  if (!out.ended && first_seen_) {
    out.elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(last_seen_ - *first_seen_);
  }
  if (out.elapsed.count() > 0) {
    out.cycles_per_second =
        static_cast<double>(out.cycles) / std::chrono::duration<double>(out.elapsed).count();
  }
  out.dial = ComputeLatencyStats(std::span<std::int64_t>(dial_ns_));
  out.hangup = ComputeLatencyStats(std::span<std::int64_t>(hangup_ns_));
  out.start_lag = ComputeLatencyStats(std::span<std::int64_t>(start_lag_ns_));
  return out;
}

}  // namespace dialsoak::report
