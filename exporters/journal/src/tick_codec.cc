#include "dialsoak/journal/tick_codec.h"

#include <charconv>
#include <string>

#include "dialsoak/journal/journal_codec.h"

namespace dialsoak::journal {
namespace {

using histogram::LatencyHistogram;
using nlohmann::json;
using nlohmann::ordered_json;

// Each histogram of a tally and its key under "hist".
template <typename Tally, typename F>
void ForEachHistogram(Tally& t, F&& f) {
  for (int i = 0; i < kCallResultCount; ++i) {
    f("dial." + std::string(ToString(static_cast<CallResult>(i))),
      t.dial[static_cast<std::size_t>(i)]);
  }
  f(std::string("hangup_ok"), t.hangup_ok);
  f(std::string("hangup_failed"), t.hangup_failed);
  f(std::string("hangup_after"), t.hangup_after_failed_dial);
  f(std::string("lag"), t.start_lag);
}

// The enum value whose name is `text`, by the names ToString gives.
template <typename E>
std::optional<E> Named(const std::string& text, int count) {
  for (int i = 0; i < count; ++i) {
    if (ToString(static_cast<E>(i)) == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

void PutCount(ordered_json& j, const char* key, std::int64_t n) {
  if (n != 0) j[key] = n;
}

// j[key] as a non-negative integer, 0 when absent; false when present but malformed.
bool GetCount(const json& j, const char* key, std::int64_t& out) {
  out = 0;
  auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_number_integer()) return false;
  out = it->get<std::int64_t>();
  return out >= 0;
}

// {"name": n, ...} into counts indexed by the enum.
template <typename E, std::size_t N>
bool GetNamedCounts(const json& j, const char* key, std::array<std::int64_t, N>& out) {
  auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_object()) return false;
  for (const auto& [name, value] : it->items()) {
    const auto e = Named<E>(name, static_cast<int>(N));
    if (!e || !value.is_number_integer() || value.template get<std::int64_t>() < 0) return false;
    out[static_cast<std::size_t>(*e)] = value.template get<std::int64_t>();
  }
  return true;
}

// {"33600": n, ...}: connect rates (decimal, 1..2^32-1) and their calls.
bool GetRates(const json& j, CycleTally& t) {
  auto it = j.find("rates");
  if (it == j.end()) return true;
  if (!it->is_object()) return false;
  for (const auto& [key, value] : it->items()) {
    std::uint32_t rate = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), rate);
    if (ec != std::errc() || end != key.data() + key.size() || rate == 0 ||
        !value.is_number_integer() || value.get<std::int64_t>() < 0) {
      return false;
    }
    if (t.connect_rates.size() < kMaxConnectRates) {
      t.connect_rates[rate] += value.get<std::int64_t>();
    } else {
      t.connect_rate_other += value.get<std::int64_t>();
    }
  }
  return true;
}

// {"v34": n, ...} by kModulationLabels.
bool GetModulations(const json& j, CycleTally& t) {
  auto it = j.find("modulations");
  if (it == j.end()) return true;
  if (!it->is_object()) return false;
  for (const auto& [name, value] : it->items()) {
    std::size_t i = 0;
    while (i < kModulationLabelCount && kModulationLabels[i] != name) ++i;
    if (i == kModulationLabelCount || !value.is_number_integer() ||
        value.get<std::int64_t>() < 0) {
      return false;
    }
    t.modulations[i] = value.get<std::int64_t>();
  }
  return true;
}

}  // namespace

ordered_json EncodeTick(const CycleTally& t, Clock::time_point at, std::int64_t cycles_done,
                        Clock::time_point start, bool with_histograms) {
  ordered_json j{{"t", "tick"}, {"at", (at - start).count()}, {"cycles_done", cycles_done}};
  PutCount(j, "cycles", t.cycles);
  ordered_json outcomes = ordered_json::object();
  for (int i = 0; i < kCallResultCount; ++i) {
    const std::int64_t n = t.outcomes[static_cast<std::size_t>(i)];
    if (n != 0) outcomes[std::string(ToString(static_cast<CallResult>(i)))] = n;
  }
  if (!outcomes.empty()) j["outcomes"] = outcomes;
  PutCount(j, "hangups", t.hangups);
  PutCount(j, "hangup_failures", t.hangup_failures);
  ordered_json methods = ordered_json::object();
  for (int i = 0; i < kHangupMethodCount; ++i) {
    const std::int64_t n = t.hangup_methods[static_cast<std::size_t>(i)];
    if (n != 0) methods[std::string(ToString(static_cast<HangupMethod>(i)))] = n;
  }
  if (!methods.empty()) j["methods"] = methods;
  PutCount(j, "dropped_hold", t.dropped_during_hold);
  PutCount(j, "reopens", t.reopens);
  PutCount(j, "noisy", t.noisy_dials);
  PutCount(j, "noise", t.noise_bytes);
  PutCount(j, "dropped", t.dropped_at_origin);
  if (t.first_seen) {
    j["first"] = (*t.first_seen - start).count();
    j["last"] = (*t.last_seen - start).count();
  }
  if (!t.failures.empty()) {
    ordered_json list = ordered_json::array();
    for (const FailureDetail& f : t.failures) {
      list.push_back(ordered_json::array({f.what, f.detail, f.count, f.first_line, f.first_cycle}));
    }
    j["failures"] = list;
  }
  PutCount(j, "other_failures", t.other_failures);
  if (!t.connect_rates.empty()) {
    ordered_json rates = ordered_json::object();
    for (const auto& [rate, n] : t.connect_rates) rates[std::to_string(rate)] = n;
    j["rates"] = rates;
  }
  PutCount(j, "rate_other", t.connect_rate_other);
  PutCount(j, "rate_unknown", t.connect_rate_unknown);
  ordered_json modulations = ordered_json::object();
  for (std::size_t i = 0; i < kModulationLabelCount; ++i) {
    if (t.modulations[i] != 0) modulations[std::string(kModulationLabels[i])] = t.modulations[i];
  }
  if (!modulations.empty()) j["modulations"] = modulations;
  if (with_histograms) {
    ordered_json hist = ordered_json::object();
    ForEachHistogram(t, [&](const std::string& key, const LatencyHistogram& h) {
      if (!h.empty()) hist[key] = histogram::EncodeCompact(h);
    });
    if (!hist.empty()) j["hist"] = hist;
  }
  return j;
}

std::optional<CycleTally> DecodeTick(const json& j, Clock::time_point start) {
  if (TypeOf(j) != "tick") return std::nullopt;
  CycleTally t;
  t.max_failures = SIZE_MAX;  // a tick's list is as the writer kept it
  std::int64_t first = 0, last = 0;
  const bool counts_ok = GetCount(j, "cycles", t.cycles) && GetCount(j, "hangups", t.hangups) &&
                         GetCount(j, "hangup_failures", t.hangup_failures) &&
                         GetCount(j, "dropped_hold", t.dropped_during_hold) &&
                         GetCount(j, "reopens", t.reopens) && GetCount(j, "noisy", t.noisy_dials) &&
                         GetCount(j, "noise", t.noise_bytes) &&
                         GetCount(j, "dropped", t.dropped_at_origin) &&
                         GetCount(j, "other_failures", t.other_failures) &&
                         GetNamedCounts<CallResult>(j, "outcomes", t.outcomes) &&
                         GetNamedCounts<HangupMethod>(j, "methods", t.hangup_methods);
  if (!counts_ok || !GetCount(j, "rate_other", t.connect_rate_other) ||
      !GetCount(j, "rate_unknown", t.connect_rate_unknown) || !GetRates(j, t) ||
      !GetModulations(j, t)) {
    return std::nullopt;
  }
  if (j.contains("first")) {
    if (!j["first"].is_number_integer() || !j.contains("last") || !j["last"].is_number_integer()) {
      return std::nullopt;
    }
    first = j["first"].get<std::int64_t>();
    last = j["last"].get<std::int64_t>();
    t.first_seen = start + std::chrono::nanoseconds(first);
    t.last_seen = start + std::chrono::nanoseconds(last);
  }
  if (auto it = j.find("failures"); it != j.end()) {
    if (!it->is_array()) return std::nullopt;
    for (const json& f : *it) {
      if (!f.is_array() || f.size() != 5 || !f[0].is_string() || !f[1].is_string() ||
          !f[2].is_number_integer() || !f[3].is_number_integer() || !f[4].is_number_integer()) {
        return std::nullopt;
      }
      t.failures.push_back(FailureDetail{f[0].get<std::string>(), f[1].get<std::string>(),
                                         f[2].get<std::int64_t>(), f[3].get<int>(),
                                         f[4].get<std::int64_t>()});
    }
  }
  if (auto it = j.find("hist"); it != j.end()) {
    if (!it->is_object()) return std::nullopt;
    bool ok = true;
    ForEachHistogram(t, [&](const std::string& key, LatencyHistogram& h) {
      auto e = it->find(key);
      if (e == it->end()) return;
      auto decoded =
          e->is_string() ? histogram::DecodeCompact(e->get<std::string>()) : std::nullopt;
      if (!decoded) {
        ok = false;
        return;
      }
      h = std::move(*decoded);
    });
    if (!ok) return std::nullopt;
  }
  return t;
}

}  // namespace dialsoak::journal
