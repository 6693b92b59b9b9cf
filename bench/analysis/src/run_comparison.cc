#include "dialsoak/analysis/run_comparison.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "dialsoak/analysis/theil_sen.h"

namespace dialsoak::analysis {
namespace {

using histogram::LatencyHistogram;
using report::Change;
using report::ComparisonRow;

constexpr double kLatencyFloorSeconds = 1e-4;

// A row before the intervals are drawn: the standard error of its difference, and the
// smallest difference that counts (the noise floor, absolute).
struct Pending {
  ComparisonRow row;
  double se = 0;
  double floor = 0;
  bool compare = false;  // has a difference and a standard error
};

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

double SpanSeconds(const CycleTally& t) {
  if (!t.first_seen || !t.last_seen) return 0;
  return Seconds(*t.last_seen - *t.first_seen);
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double StandardDeviation(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = Mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

Pending Start(std::string group, std::string metric, std::string label, std::string unit,
              bool higher_is_worse) {
  Pending p;
  p.row.group = std::move(group);
  p.row.metric = std::move(metric);
  p.row.label = std::move(label);
  p.row.unit = std::move(unit);
  p.row.higher_is_worse = higher_is_worse;
  return p;
}

// Both values known and a standard error for each: compared.
void Finish(Pending& p, double base, double next, double se_base, double se_next, double floor) {
  p.row.base = base;
  p.row.next = next;
  p.row.diff = next - base;
  p.se = std::hypot(se_base, se_next);
  p.floor = floor;
  p.compare = std::isfinite(p.se) && std::isfinite(*p.row.diff);
}

// ---- throughput ----

using Count = std::function<double(const CycleTally&)>;

double RateSe(const std::vector<CycleTally>& batches, const Count& count) {
  std::vector<double> rates;
  for (const CycleTally& b : batches) {
    const double span = SpanSeconds(b);
    if (span > 0) rates.push_back(count(b) / span);
  }
  return StandardDeviation(rates) / std::sqrt(static_cast<double>(std::max<std::size_t>(rates.size(), 1)));
}

Pending Throughput(const ComparedRun& base, const ComparedRun& next,
                   const ComparisonOptions& o) {
  const bool open = base.open_loop || next.open_loop;
  const Count count = open ? Count([](const CycleTally& t) {
    return static_cast<double>(t.Count(CallResult::Connect));
  })
                           : Count([](const CycleTally& t) { return static_cast<double>(t.cycles); });
  Pending p = open ? Start("throughput", "carried_per_second", "calls carried per second",
                           "calls/s", false)
                   : Start("throughput", "cycles_per_second", "cycles per second", "cycles/s",
                           false);
  auto rate = [&](const ComparedRun& r) -> std::optional<double> {
    if (r.elapsed_seconds <= 0) return std::nullopt;
    return count(r.total) / r.elapsed_seconds;
  };
  const auto b = rate(base), n = rate(next);
  p.row.base = b;
  p.row.next = n;
  if (!b || !n) {
    p.row.note = "a run has no elapsed time";
  } else if (base.batches.size() < kMinBatches || next.batches.size() < kMinBatches) {
    p.row.diff = *n - *b;
    p.row.note = fmt::format("too short to tell the variation (fewer than {} ticks)", kMinBatches);
  } else {
    Finish(p, *b, *n, RateSe(base.batches, count), RateSe(next.batches, count),
           o.noise_floor_relative * std::abs(*b));
  }
  return p;
}

// ---- shares ----

struct ShareOf {
  std::string metric, label;
  bool higher_is_worse;
  Count part, whole;
};

// The ratio estimator's standard error over the batches, never below the binomial one
// (with half a count added, so that 0 of N still has a spread).
double ShareSe(const ComparedRun& r, const ShareOf& s) {
  const double n = s.part(r.total), total = s.whole(r.total);
  if (total <= 0) return 0;
  const double p = n / total;
  const double q = (n + 0.5) / (total + 1);
  double var = q * (1 - q) / total;
  const auto b = static_cast<double>(r.batches.size());
  if (b >= 2) {
    double ss = 0;
    for (const CycleTally& t : r.batches) {
      const double d = s.part(t) - p * s.whole(t);
      ss += d * d;
    }
    var = std::max(var, b / (b - 1) * ss / (total * total));
  }
  return std::sqrt(var);
}

void Shares(const ComparedRun& base, const ComparedRun& next, const ComparisonOptions& o,
            std::vector<Pending>& out) {
  std::vector<ShareOf> shares;
  const Count cycles = [](const CycleTally& t) { return static_cast<double>(t.cycles); };
  for (int i = 0; i < kCallResultCount; ++i) {
    const auto r = static_cast<CallResult>(i);
    const std::string name(ToString(r));
    shares.push_back({name + "_share", fmt::format("{} share", name), r != CallResult::Connect,
                      [r](const CycleTally& t) { return static_cast<double>(t.Count(r)); }, cycles});
  }
  shares.push_back({"hangup_failure_share", "failed hang-ups share", true,
                    [](const CycleTally& t) { return static_cast<double>(t.hangup_failures); },
                    [](const CycleTally& t) { return static_cast<double>(t.hangups); }});
  shares.push_back({"dropped_share", "calls dropped during the hold", true,
                    [](const CycleTally& t) { return static_cast<double>(t.dropped_during_hold); },
                    [](const CycleTally& t) { return static_cast<double>(t.Count(CallResult::Connect)); }});
  shares.push_back({"dropped_at_origin_share", "arrivals dropped at origin", true,
                    [](const CycleTally& t) { return static_cast<double>(t.dropped_at_origin); },
                    [](const CycleTally& t) { return static_cast<double>(t.cycles + t.dropped_at_origin); }});
  for (const ShareOf& s : shares) {
    const double bn = s.part(base.total), nn = s.part(next.total);
    const double bw = s.whole(base.total), nw = s.whole(next.total);
    if (bn == 0 && nn == 0) continue;  // neither run has it: nothing to say
    Pending p = Start("outcomes", s.metric, s.label, "share", s.higher_is_worse);
    if (bw <= 0 || nw <= 0) {
      if (bw > 0) p.row.base = bn / bw;
      if (nw > 0) p.row.next = nn / nw;
      p.row.note = "a run has none to share";
    } else {
      Finish(p, bn / bw, nn / nw, ShareSe(base, s), ShareSe(next, s), o.noise_floor_share);
    }
    out.push_back(std::move(p));
  }
}

// ---- latency ----

// The batches' histograms as a count matrix over the buckets any of them uses, so that a
// resample adds up a few thousand columns instead of whole histograms.
struct Columns {
  std::vector<double> values;                     // ns, each bucket's midpoint
  std::vector<std::vector<std::int64_t>> counts;  // [batch][column]
};

using Pick = std::function<const LatencyHistogram&(const CycleTally&)>;

Columns ColumnsOf(const std::vector<CycleTally>& batches, const Pick& pick) {
  std::map<std::size_t, double> used;  // bucket index -> midpoint
  for (const CycleTally& b : batches) {
    pick(b).ForEachBucket([&](std::int64_t lo, std::int64_t hi, std::int64_t) {
      used.emplace(LatencyHistogram::IndexOf(lo), (static_cast<double>(lo) + static_cast<double>(hi)) / 2);
    });
  }
  Columns c;
  std::map<std::size_t, std::size_t> column;
  for (const auto& [index, mid] : used) {
    column.emplace(index, c.values.size());
    c.values.push_back(mid);
  }
  for (const CycleTally& b : batches) {
    std::vector<std::int64_t> row(c.values.size(), 0);
    pick(b).ForEachBucket([&](std::int64_t lo, std::int64_t, std::int64_t n) {
      row[column.at(LatencyHistogram::IndexOf(lo))] += n;
    });
    c.counts.push_back(std::move(row));
  }
  return c;
}

// Nearest rank, as LatencyHistogram::Percentile.
double PercentileOf(const std::vector<std::int64_t>& counts, const std::vector<double>& values,
                    double p) {
  std::int64_t n = 0;
  for (std::int64_t x : counts) n += x;
  if (n == 0) return 0;
  const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(p / 100 * static_cast<double>(n) - 1e-9)));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return values[i];
  }
  return values.back();
}

// The block bootstrap's standard error of a percentile, in ns.
double BootstrapSe(const Columns& c, double p, std::uint64_t seed) {
  const std::size_t b = c.counts.size();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, b - 1);
  std::vector<double> estimates;
  estimates.reserve(kResamples);
  std::vector<std::int64_t> sum(c.values.size());
  for (int k = 0; k < kResamples; ++k) {
    std::fill(sum.begin(), sum.end(), 0);
    for (std::size_t i = 0; i < b; ++i) {
      const std::vector<std::int64_t>& row = c.counts[pick(rng)];
      for (std::size_t j = 0; j < row.size(); ++j) sum[j] += row[j];
    }
    estimates.push_back(PercentileOf(sum, c.values, p));
  }
  return StandardDeviation(estimates);
}

struct LatencyOf {
  std::string metric, label;
  Pick pick;
};

std::string LevelName(double p) {  // 99.9 -> "p99_9"
  std::string s = fmt::format("p{:g}", p);
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

void Latencies(const ComparedRun& base, const ComparedRun& next, const ComparisonOptions& o,
               std::vector<Pending>& out) {
  const std::vector<LatencyOf> kinds = {
      {"dial", "dial (connected)",
       [](const CycleTally& t) -> const LatencyHistogram& {
         return t.dial[static_cast<std::size_t>(CallResult::Connect)];
       }},
      {"hangup", "hang-up (confirmed)",
       [](const CycleTally& t) -> const LatencyHistogram& { return t.hangup_ok; }},
      {"start_lag", "start lag",
       [](const CycleTally& t) -> const LatencyHistogram& { return t.start_lag; }},
  };
  const bool batched = base.batches.size() >= kMinBatches && next.batches.size() >= kMinBatches;
  std::uint64_t seed = 1;
  for (const LatencyOf& k : kinds) {
    const LatencyHistogram& hb = k.pick(base.total);
    const LatencyHistogram& hn = k.pick(next.total);
    if (hb.empty() && hn.empty()) continue;
    Columns cb, cn;
    if (batched) {
      cb = ColumnsOf(base.batches, k.pick);
      cn = ColumnsOf(next.batches, k.pick);
    }
    for (double level : {50.0, 90.0, 99.0, 99.9}) {
      Pending p = Start("latency", k.metric + "_" + LevelName(level),
                        fmt::format("{} p{:g}", k.label, level), "s", true);
      if (!hb.empty()) p.row.base = static_cast<double>(hb.Percentile(level)) * 1e-9;
      if (!hn.empty()) p.row.next = static_cast<double>(hn.Percentile(level)) * 1e-9;
      const auto tail = [&](const LatencyHistogram& h) {
        return static_cast<double>(h.count()) * (1 - level / 100);
      };
      ++seed;
      if (hb.empty() || hn.empty()) {
        p.row.note = "a run has no samples";
      } else if (tail(hb) < kMinTail || tail(hn) < kMinTail) {
        p.row.diff = *p.row.next - *p.row.base;
        p.row.note = fmt::format("too few samples beyond p{:g} (under {} in a run)", level, kMinTail);
      } else if (!batched) {
        p.row.diff = *p.row.next - *p.row.base;
        p.row.note = fmt::format("too short to tell the variation (fewer than {} ticks)", kMinBatches);
      } else {
        const double se_b = BootstrapSe(cb, level, seed * 2) * 1e-9;
        const double se_n = BootstrapSe(cn, level, seed * 2 + 1) * 1e-9;
        // Below 0.1 ms nothing is worth telling: a dialer's latencies are milliseconds and
        // more, and a start lag of microseconds is the scheduler's.
        Finish(p, *p.row.base, *p.row.next, se_b, se_n,
               std::max(kLatencyFloorSeconds, o.noise_floor_relative * std::abs(*p.row.base)));
      }
      out.push_back(std::move(p));
    }
  }
}

// ---- leaks ----

void Leaks(const ComparedRun& base, const ComparedRun& next, std::vector<Pending>& out) {
  std::map<std::pair<std::string, std::string>, std::pair<const LeakCheck*, const LeakCheck*>> keyed;
  for (const LeakCheck& c : base.leaks) {
    if (c.incarnation == 0) keyed[{c.process, c.resource}].first = &c;
  }
  for (const LeakCheck& c : next.leaks) {
    if (c.incarnation == 0) keyed[{c.process, c.resource}].second = &c;
  }
  for (const auto& [key, pair] : keyed) {
    const auto [b, n] = pair;
    Pending p = Start("leaks", "leak_per_1000", fmt::format("{} {}", key.first, key.second),
                      key.second == "resident_memory" ? "B per 1000 cycles" : "per 1000 cycles",
                      true);
    auto se = [](const LeakCheck& c) {
      if (c.confidence <= 0 || c.confidence >= 1) return 0.0;
      return 1000 * (c.upper_per_cycle - c.lower_per_cycle) / 2 / TwoSidedNormalQuantile(c.confidence);
    };
    auto judged = [](const LeakCheck& c) {
      return c.verdict == "ok" || c.leaking();
    };
    if (b) {
      p.row.base = b->slope_per_1000_cycles;
      p.row.base_verdict = b->verdict;
    }
    if (n) {
      p.row.next = n->slope_per_1000_cycles;
      p.row.next_verdict = n->verdict;
    }
    if (!b || !n) {
      p.row.note = b ? "not watched in NEW" : "not watched in BASE";
      if (n && n->leaking()) p.row.change = Change::Worse;
    } else if (!judged(*b) || !judged(*n)) {
      p.row.diff = n->slope_per_1000_cycles - b->slope_per_1000_cycles;
      p.row.note = "a run has no slope to judge (" + (judged(*b) ? n->verdict : b->verdict) + ")";
      if (n->leaking() && !b->leaking()) p.row.change = Change::Worse;
    } else {
      Finish(p, b->slope_per_1000_cycles, n->slope_per_1000_cycles, se(*b), se(*n), 0);
    }
    out.push_back(std::move(p));
  }
}

// ---- capacity ----

// Where a piecewise-linear curve of the steps crosses `target`, rising: the load.
std::optional<double> Crossing(const std::vector<CapacityStep>& steps, double target,
                               const std::function<double(const CapacityStep&)>& y) {
  const CapacityStep* prev = nullptr;
  for (const CapacityStep& s : steps) {
    if (!s.complete) continue;
    if (prev && y(*prev) < target && y(s) >= target) {
      const double x0 = prev->offered_erlangs, x1 = s.offered_erlangs;
      const double y0 = y(*prev), y1 = y(s);
      return y1 == y0 ? x1 : x0 + (target - y0) * (x1 - x0) / (y1 - y0);
    }
    prev = &s;
  }
  return std::nullopt;
}

void Capacity(const ComparedRun& base, const ComparedRun& next, const ComparisonOptions& o,
              std::vector<Pending>& out) {
  // Blocking at the loads both sweeps planned.
  for (const CapacityStep& b : base.steps) {
    for (const CapacityStep& n : next.steps) {
      if (std::abs(b.planned_erlangs - n.planned_erlangs) > 1e-9 * std::max(1.0, b.planned_erlangs)) continue;
      Pending p = Start("capacity", "blocking", fmt::format("blocking at {:g} E", b.planned_erlangs),
                        "share", true);
      if (!b.complete || !n.complete || b.dialed == 0 || n.dialed == 0) {
        p.row.note = "a step is incomplete";
      } else {
        auto se = [](const CapacityStep& s, double conf) {
          return (s.blocking_upper - s.blocking_lower) / 2 / TwoSidedNormalQuantile(conf);
        };
        Finish(p, b.blocking, n.blocking, se(b, base.capacity_confidence),
               se(n, next.capacity_confidence), o.noise_floor_share);
      }
      out.push_back(std::move(p));
    }
  }
  // The load at the target blocking, measured; its interval where the steps' bounds cross.
  Pending p = Start("capacity", "load_at_target",
                    fmt::format("load at {:g} % blocking (measured)", base.answers.target_blocking * 100),
                    "E", false);
  auto load = [](const ComparedRun& r) -> std::optional<std::pair<double, double>> {
    const double t = r.answers.target_blocking;
    const auto mid = Crossing(r.steps, t, [](const CapacityStep& s) { return s.blocking; });
    const auto lo = Crossing(r.steps, t, [](const CapacityStep& s) { return s.blocking_upper; });
    const auto hi = Crossing(r.steps, t, [](const CapacityStep& s) { return s.blocking_lower; });
    if (!mid || !lo || !hi) return std::nullopt;
    return std::pair{*mid, (*hi - *lo) / 2 / TwoSidedNormalQuantile(r.capacity_confidence)};
  };
  const auto lb = load(base), ln = load(next);
  if (lb) p.row.base = lb->first;
  if (ln) p.row.next = ln->first;
  if (base.answers.target_blocking != next.answers.target_blocking) {
    p.row.note = "the sweeps target different blocking";
  } else if (!lb || !ln) {
    p.row.note = "a sweep's steps (or their intervals) do not straddle the target";
  } else {
    Finish(p, lb->first, ln->first, lb->second, ln->second, o.noise_floor_relative * lb->first);
  }
  out.push_back(std::move(p));
  // Erlang B's ports for the plan load: from the settings, not measured.
  Pending ports = Start("capacity", "ports_for_plan_load",
                        fmt::format("ports Erlang B needs for {:g} E", next.answers.plan_load), "ports",
                        true);
  ports.row.base = base.answers.ports_for_plan_load;
  ports.row.next = next.answers.ports_for_plan_load;
  ports.row.diff = *ports.row.next - *ports.row.base;
  ports.row.note = "Erlang B's answer for the plan load: from the settings, not measured";
  out.push_back(std::move(ports));
}

Change Judge(const ComparisonRow& r, double floor) {
  if (!r.diff || !r.lower || !r.upper) return Change::NotCompared;
  const bool up = *r.lower > 0, down = *r.upper < 0;
  if ((!up && !down) || std::abs(*r.diff) < floor) return Change::NoChange;
  return up == r.higher_is_worse ? Change::Worse : Change::Better;
}

}  // namespace

void TickBatches::Add(const CycleTally& tick) {
  ++ticks_;
  if (batches_.empty() || in_last_ >= ticks_per_batch_) {
    if (batches_.size() == static_cast<std::size_t>(kMaxBatches)) {
      // Full: merge neighbours, and take twice as many ticks a batch from now on.
      std::vector<CycleTally> merged;
      for (std::size_t i = 0; i < batches_.size(); i += 2) {
        merged.push_back(std::move(batches_[i]));
        if (i + 1 < batches_.size()) Merge(merged.back(), batches_[i + 1]);
      }
      batches_ = std::move(merged);
      ticks_per_batch_ *= 2;
      in_last_ = ticks_per_batch_;  // the last merged batch is full
    }
    if (in_last_ >= ticks_per_batch_ || batches_.empty()) {
      batches_.emplace_back();
      in_last_ = 0;
    }
  }
  Merge(batches_.back(), tick);
  ++in_last_;
}

std::vector<std::string> SettingsThatDiffer(const nlohmann::json& base, const nlohmann::json& next) {
  // Where the outputs go, what is checked at the end and how it is sampled do not change
  // what is measured; the seed is expected to differ between two nights.
  static const std::set<std::string> kIgnored = {
      "out", "report", "junit", "charts", "listen", "seed", "config_file", "journal",
      "journal_cycles_limit_mib", "thresholds", "leak", "max_failures_percent", "command",
      "per_line_metrics", "sample_interval_seconds", "chart", "push", "pushgateway"};
  std::vector<std::string> out;
  if (!base.is_object() || !next.is_object()) return out;
  std::set<std::string> keys;
  for (const auto& [k, v] : base.items()) keys.insert(k);
  for (const auto& [k, v] : next.items()) keys.insert(k);
  for (const std::string& k : keys) {
    if (kIgnored.count(k)) continue;
    const nlohmann::json b = base.value(k, nlohmann::json()), n = next.value(k, nlohmann::json());
    if (b != n) {
      out.push_back(fmt::format("{}: {} in BASE, {} in NEW", k, b.dump(), n.dump()));
    }
  }
  return out;
}

report::Comparison CompareRuns(const ComparedRun& base, const ComparedRun& next,
                               const ComparisonOptions& o) {
  if (!(o.confidence > 0.5 && o.confidence < 1)) {
    throw std::invalid_argument(fmt::format("confidence {} is not in (0.5, 1)", o.confidence));
  }
  if (!(o.noise_floor_relative >= 0) || !(o.noise_floor_share >= 0)) {
    throw std::invalid_argument("a noise floor is negative");
  }
  std::vector<Pending> rows;
  if (base.kind == "capacity") {
    Capacity(base, next, o, rows);
  } else {
    rows.push_back(Throughput(base, next, o));
    Shares(base, next, o, rows);
    Latencies(base, next, o, rows);
    Leaks(base, next, rows);
  }
  report::Comparison c;
  c.kind = base.kind;
  c.base_path = base.path;
  c.next_path = next.path;
  c.base_id = base.run_id;
  c.next_id = next.run_id;
  c.confidence = o.confidence;
  const auto m = std::count_if(rows.begin(), rows.end(), [](const Pending& p) { return p.compare; });
  c.simultaneous = static_cast<int>(std::max<std::ptrdiff_t>(m, 1));
  const double z = TwoSidedNormalQuantile(1 - (1 - o.confidence) / c.simultaneous);
  for (Pending& p : rows) {
    if (p.compare) {
      p.row.lower = *p.row.diff - z * p.se;
      p.row.upper = *p.row.diff + z * p.se;
      p.row.change = Judge(p.row, p.floor);
    }
    if (p.row.group == "leaks" && p.row.base_verdict != p.row.next_verdict) {
      // The leak verdict's change is the leak row's verdict.
      const bool was = p.row.base_verdict == "leak" || p.row.base_verdict == "exhausted";
      const bool is = p.row.next_verdict == "leak" || p.row.next_verdict == "exhausted";
      if (is && !was) p.row.change = Change::Worse;
      if (was && !is && !p.row.next_verdict.empty()) p.row.change = Change::Better;
    } else if (p.row.group == "leaks" && p.compare) {
      p.row.change = Change::NoChange;  // same verdict: the slopes' difference is shown only
    }
    c.rows.push_back(std::move(p.row));
  }
  std::set<std::pair<std::string, std::string>> known;
  for (const FailureDetail& f : base.total.failures) known.insert({f.what, f.detail});
  for (const FailureDetail& f : next.total.failures) {
    if (!known.count({f.what, f.detail})) {
      c.new_failures.push_back(fmt::format("{} {}x: {}", f.what, f.count, f.detail));
    }
  }
  return c;
}

}  // namespace dialsoak::analysis
