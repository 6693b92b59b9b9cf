#include "dialsoak/report/status_line.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "dialsoak/report/percentiles.h"
#include "text.h"

namespace dialsoak::report {
namespace {

constexpr std::string_view kSelf = "self";
constexpr std::string_view kClearToEol = "\x1b[K";

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string Handles(const StatusSnapshot& s) {
  if (!s.handles_now) return "handles -";
  if (!s.handles_baseline) return fmt::format("handles {}", *s.handles_now);
  return fmt::format("handles {} (baseline {}, {:+})", *s.handles_now, *s.handles_baseline,
                     *s.handles_now - *s.handles_baseline);
}

}  // namespace

std::string FormatStatus(const StatusSnapshot& s) {
  std::string out = "elapsed " + FormatHms(s.elapsed);
  if (s.target_duration) out += "/" + FormatHms(*s.target_duration);
  out += fmt::format("  cycles {}", s.cycles_done);
  if (s.target_cycles) out += fmt::format("/{}", *s.target_cycles);
  out += fmt::format("  {:.1f}/s", s.cycles_per_second);
  if (s.cycles_recorded > 0) {
    out += fmt::format("  success {:.2f}%", 100.0 * static_cast<double>(s.connects) /
                                                static_cast<double>(s.cycles_recorded));
  } else {
    out += "  success -";
  }
  out += s.dial_p99 ? "  dial p99 " + FormatMs(*s.dial_p99) + " ms" : "  dial p99 -";
  out += "  " + Handles(s);
  if (!s.leak_suspected.empty()) {
    out += "  leak?";
    for (const std::string& what : s.leak_suspected) out += " " + what;
  }
  return out;
}

StatusLine::StatusLine(std::FILE* out, StatusLineOptions options) : out_(out), options_(options) {
  options_.p99_window = std::max<std::size_t>(options_.p99_window, 1);
}

void StatusLine::Seen(Clock::time_point t) {
  if (!start_ || t < *start_) start_ = t;
}

void StatusLine::OnRunStart(const RunInfo& info) {
  base_.target_duration = info.duration;
  base_.target_cycles.reset();
  if (info.cycles_per_line) base_.target_cycles = *info.cycles_per_line * info.lines;
}

void StatusLine::OnCycle(const CycleRecord& c) {
  Seen(c.due);
  ++base_.cycles_recorded;
  if (c.result != CallResult::Connect) return;  // dial p99: the call setup time, as the report's
  ++base_.connects;
  if (window_.size() < options_.p99_window) {
    window_.push_back(c.dial_latency.count());
  } else {
    window_[window_next_] = c.dial_latency.count();
    window_next_ = (window_next_ + 1) % window_.size();
  }
}

void StatusLine::OnProbe(const ProbeSample& s) {
  Seen(s.at);
  if (s.process != kSelf || !s.alive || !s.error.empty()) return;
  if (s.kind == SampleKind::Baseline && !base_.handles_baseline) {
    base_.handles_baseline = s.handles;
  }
  base_.handles_now = s.handles;
}

void StatusLine::OnLeakEstimate(const LeakEstimate& e) {
  const std::string what = Printable(e.process) + " " + e.resource;
  auto it = std::find_if(leaks_.begin(), leaks_.end(), [&](const auto& l) { return l.first == what; });
  if (it == leaks_.end()) {
    leaks_.emplace_back(what, e.suspected);
  } else {
    it->second = e.suspected;
  }
}

StatusSnapshot StatusLine::Snapshot(Clock::time_point now, std::int64_t cycles_done) const {
  StatusSnapshot s = base_;
  for (const auto& [what, suspected] : leaks_) {
    if (suspected) s.leak_suspected.push_back(what);
  }
  s.cycles_done = cycles_done;
  Clock::time_point start = start_ ? std::min(*start_, now) : now;
  s.elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - start);
  Clock::time_point since = last_refresh_ ? *last_refresh_ : start;
  std::int64_t cycles_since = last_refresh_ ? cycles_at_last_refresh_ : 0;
  double span = Seconds(now - since);
  s.cycles_per_second =
      span > 0 ? static_cast<double>(cycles_done - cycles_since) / span : last_rate_;
  if (!window_.empty()) {
    std::vector<std::int64_t> copy = window_;
    auto nth = copy.begin() + static_cast<std::ptrdiff_t>(NearestRankIndex(copy.size(), 99));
    std::nth_element(copy.begin(), nth, copy.end());
    s.dial_p99 = std::chrono::nanoseconds(*nth);
  }
  return s;
}

void StatusLine::OnTick(Clock::time_point now, std::int64_t cycles_done) {
  Seen(now);
  if (last_refresh_ && now - *last_refresh_ < options_.refresh) return;
  StatusSnapshot s = Snapshot(now, cycles_done);
  Write(s);
  last_refresh_ = now;
  cycles_at_last_refresh_ = cycles_done;
  last_rate_ = s.cycles_per_second;
}

void StatusLine::OnRunEnd(const RunEnd& end) {
  Clock::time_point now = start_ ? *start_ + end.elapsed : Clock::time_point{};
  StatusSnapshot s = Snapshot(now, end.cycles_done);
  s.elapsed = end.elapsed;
  s.cycles_per_second =
      end.elapsed.count() > 0 ? static_cast<double>(end.cycles_done) / Seconds(end.elapsed) : 0.0;
  Write(s);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void StatusLine::Write(const StatusSnapshot& s) {
  std::string line = FormatStatus(s);
  if (options_.max_width > 1 && line.size() >= options_.max_width) {
    line.resize(options_.max_width - 1);  // the last column would wrap on some terminals
  }
  std::string text = "\r" + line + std::string(kClearToEol);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
  ++refreshes_;
}

}  // namespace dialsoak::report
