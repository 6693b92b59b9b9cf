#include "dialsoak/observer/cycle_tally.h"

#include <algorithm>
#include <cmath>

namespace dialsoak {
namespace {

void Widen(CycleTally& t, Clock::time_point from, Clock::time_point to) {
  if (!t.first_seen || from < *t.first_seen) t.first_seen = from;
  if (!t.last_seen || to > *t.last_seen) t.last_seen = to;
}

void AddRate(CycleTally& t, std::uint32_t rate, std::int64_t n) {
  auto it = t.connect_rates.find(rate);
  if (it != t.connect_rates.end()) {
    it->second += n;
  } else if (t.connect_rates.size() < kMaxConnectRates) {
    t.connect_rates.emplace(rate, n);
  } else {
    t.connect_rate_other += n;
  }
}

}  // namespace

std::size_t ModulationIndex(std::string_view modulation) {
  if (modulation.empty()) return kModulationLabelCount - 1;  // unknown
  std::string lower(modulation);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::size_t i = 0; i + 2 < kModulationLabelCount; ++i) {
    if (kModulationLabels[i] == lower) return i;
  }
  return kModulationLabelCount - 2;  // other
}

std::optional<std::uint32_t> RatePercentile(const std::map<std::uint32_t, std::int64_t>& counts,
                                            double q) {
  std::int64_t total = 0;
  for (const auto& [rate, n] : counts) total += n;
  if (total == 0) return std::nullopt;
  // Nearest rank: the smallest value with at least ceil(q * total) calls at or below it.
  auto rank = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(total)));
  rank = std::clamp<std::int64_t>(rank, 1, total);
  std::int64_t seen = 0;
  for (const auto& [rate, n] : counts) {
    seen += n;
    if (seen >= rank) return rate;
  }
  return counts.rbegin()->first;
}

std::string TruncateUtf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes;
  // Back off over continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

histogram::LatencyHistogram CycleTally::AllDials() const {
  histogram::LatencyHistogram all;
  for (const auto& h : dial) all.Add(h);
  return all;
}

void NoteFailure(CycleTally& t, std::string_view what, std::string_view detail, int line,
                 std::int64_t cycle, std::int64_t n) {
  std::string kept = TruncateUtf8(detail, kMaxDetailLength);
  for (auto& f : t.failures) {
    if (f.what == what && f.detail == kept) {
      f.count += n;
      return;
    }
  }
  if (t.failures.size() < t.max_failures) {
    t.failures.push_back(FailureDetail{std::string(what), std::move(kept), n, line, cycle});
  } else {
    t.other_failures += n;
  }
}

void AddCycle(CycleTally& t, const CycleRecord& c) {
  Widen(t, c.due, c.due + c.dial_latency);
  ++t.cycles;
  const auto r = static_cast<std::size_t>(c.result);
  if (r < t.outcomes.size()) {
    ++t.outcomes[r];
    t.dial[r].Record(c.dial_latency.count());
  }
  t.start_lag.Record(c.start_lag.count());
  if (c.result != CallResult::Connect)
    NoteFailure(t, ToString(c.result), c.detail, c.line, c.cycle);
  if (c.result == CallResult::Connect) {
    if (c.connect_rate) {
      AddRate(t, *c.connect_rate, 1);
    } else {
      ++t.connect_rate_unknown;
    }
    ++t.modulations[ModulationIndex(c.modulation)];
  }
  if (c.reopened) ++t.reopens;
  if (c.noise_bytes > 0) {
    ++t.noisy_dials;
    t.noise_bytes += c.noise_bytes;
  }
  if (c.dropped) {
    ++t.dropped_during_hold;
    NoteFailure(t, "dropped", c.drop_detail, c.line, c.cycle);
  }
  if (!c.hung_up) return;
  ++t.hangups;
  const auto m = static_cast<std::size_t>(c.hangup_method);
  if (m < t.hangup_methods.size()) ++t.hangup_methods[m];
  if (c.hangup_ok) {
    (c.result == CallResult::Connect ? t.hangup_ok : t.hangup_after_failed_dial)
        .Record(c.hangup_latency.count());
  } else {
    ++t.hangup_failures;
    t.hangup_failed.Record(c.hangup_latency.count());
    NoteFailure(t, "hangup", c.hangup_detail, c.line, c.cycle);
  }
}

void AddDropped(CycleTally& t, const DroppedCall& d) {
  Widen(t, d.due, d.due);
  ++t.dropped_at_origin;
}

void Merge(CycleTally& into, const CycleTally& from) {
  into.cycles += from.cycles;
  for (std::size_t i = 0; i < into.outcomes.size(); ++i) {
    into.outcomes[i] += from.outcomes[i];
    into.dial[i].Add(from.dial[i]);
  }
  into.hangups += from.hangups;
  into.hangup_failures += from.hangup_failures;
  for (std::size_t i = 0; i < into.hangup_methods.size(); ++i) {
    into.hangup_methods[i] += from.hangup_methods[i];
  }
  into.dropped_during_hold += from.dropped_during_hold;
  into.reopens += from.reopens;
  into.noisy_dials += from.noisy_dials;
  into.noise_bytes += from.noise_bytes;
  into.dropped_at_origin += from.dropped_at_origin;
  for (const auto& [rate, n] : from.connect_rates) AddRate(into, rate, n);
  into.connect_rate_other += from.connect_rate_other;
  into.connect_rate_unknown += from.connect_rate_unknown;
  for (std::size_t i = 0; i < into.modulations.size(); ++i) {
    into.modulations[i] += from.modulations[i];
  }
  into.hangup_ok.Add(from.hangup_ok);
  into.hangup_failed.Add(from.hangup_failed);
  into.hangup_after_failed_dial.Add(from.hangup_after_failed_dial);
  into.start_lag.Add(from.start_lag);
  for (const FailureDetail& f : from.failures) {
    NoteFailure(into, f.what, f.detail, f.first_line, f.first_cycle, f.count);
  }
  into.other_failures += from.other_failures;
  if (from.first_seen) Widen(into, *from.first_seen, *from.last_seen);
}

void ClearCounts(CycleTally& t) {
  const std::size_t max_failures = t.max_failures;
  CycleTally empty;
  std::swap(empty.dial, t.dial);
  std::swap(empty.hangup_ok, t.hangup_ok);
  std::swap(empty.hangup_failed, t.hangup_failed);
  std::swap(empty.hangup_after_failed_dial, t.hangup_after_failed_dial);
  std::swap(empty.start_lag, t.start_lag);
  t = std::move(empty);
  t.max_failures = max_failures;
}

void Clear(CycleTally& t) {
  ClearCounts(t);
  for (auto& h : t.dial) h.Reset();
  t.hangup_ok.Reset();
  t.hangup_failed.Reset();
  t.hangup_after_failed_dial.Reset();
  t.start_lag.Reset();
}

}  // namespace dialsoak
